package io.mediaedge.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Grouping of small writes, against a sender that answers when the test says so. */
class GroupCommitTest {
  private final Vertx vertx = Vertx.vertx();
  /** What was sent, in order, with the answer each is waiting for. */
  private final List<Statement<?>> sent = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<AsyncResultSet>> answers = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private GroupCommit groups(int maxInFlight, int bytesEach) {
    return new GroupCommit(vertx, this::send, statement -> bytesEach, maxInFlight);
  }

  private CompletionStage<AsyncResultSet> send(Statement<?> statement) {
    CompletableFuture<AsyncResultSet> answer = new CompletableFuture<>();
    sent.add(statement);
    answers.add(answer);
    return answer;
  }

  private static SimpleStatement write(int i) {
    return SimpleStatement.newInstance("INSERT INTO t (k) VALUES (" + i + ")");
  }

  /** Submits from one event-loop turn, as the requests of one turn do. */
  private List<CompletableFuture<Void>> submitInOneTurn(GroupCommit groups, int from, int count) throws Exception {
    List<CompletableFuture<Void>> done = new ArrayList<>();
    CompletableFuture<Void> submitted = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      for (int i = from; i < from + count; i++) {
        done.add(groups.write(List.of(write(i))).toCompletableFuture());
      }
      submitted.complete(null);
    });
    submitted.get(5, TimeUnit.SECONDS);
    return done;
  }

  private void awaitSent(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (sent.size() < count) {
      assertTrue(System.nanoTime() < deadline, "expected " + count + " requests, got " + sent.size());
      Thread.sleep(5);
    }
  }

  private static int statementsIn(Statement<?> statement) {
    return statement instanceof BatchStatement batch ? batch.size() : 1;
  }

  @Test
  void aLoneWriteGoesAsItIs() throws Exception {
    GroupCommit groups = groups(2, 100);
    List<CompletableFuture<Void>> done = submitInOneTurn(groups, 0, 1);
    awaitSent(1);
    assertInstanceOf(SimpleStatement.class, sent.get(0));
    answers.get(0).complete(null);
    done.get(0).get(5, TimeUnit.SECONDS);
  }

  @Test
  void writesOfOneTurnLeaveTogetherAsAnUnloggedBatch() throws Exception {
    GroupCommit groups = groups(2, 100);
    List<CompletableFuture<Void>> done = submitInOneTurn(groups, 0, 4);
    awaitSent(1);
    Thread.sleep(100);
    assertEquals(1, sent.size(), "one request for the four writes");
    BatchStatement batch = assertInstanceOf(BatchStatement.class, sent.get(0));
    assertEquals(DefaultBatchType.UNLOGGED, batch.getBatchType());
    assertEquals(4, batch.size());
    answers.get(0).complete(null);
    for (CompletableFuture<Void> write : done) {
      write.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void writesWhileGroupsAreOutWaitAndGoInGroupsWithinTheThresholds() throws Exception {
    GroupCommit groups = groups(1, 100);
    List<CompletableFuture<Void>> done = new ArrayList<>(submitInOneTurn(groups, 0, 1));
    awaitSent(1);
    // 25 more while the first is out: they wait for it, then go 10 by 10 (the partition threshold)
    done.addAll(submitInOneTurn(groups, 1, 25));
    Thread.sleep(100);
    assertEquals(1, sent.size(), "nothing more leaves while the one group allowed is out");
    answers.get(0).complete(null);
    awaitSent(2);
    assertEquals(GroupCommit.MAX_STATEMENTS, statementsIn(sent.get(1)));
    answers.get(1).complete(null);
    awaitSent(3);
    answers.get(2).complete(null);
    awaitSent(4);
    answers.get(3).complete(null);
    for (CompletableFuture<Void> write : done) {
      write.get(5, TimeUnit.SECONDS);
    }
    assertEquals(List.of(1, 10, 10, 5), sent.stream().map(GroupCommitTest::statementsIn).toList());
  }

  @Test
  void aGroupStaysUnderTheBatchSizeWarning() throws Exception {
    GroupCommit groups = groups(1, 2_000);
    List<CompletableFuture<Void>> done = submitInOneTurn(groups, 0, 5);
    for (int i = 1; i <= 3; i++) {
      awaitSent(i);
      answers.get(i - 1).complete(null);
    }
    for (CompletableFuture<Void> write : done) {
      write.get(5, TimeUnit.SECONDS);
    }
    // 2 x 2,000 bytes fit in 5 KiB, a third would not
    assertEquals(List.of(2, 2, 1), sent.stream().map(GroupCommitTest::statementsIn).toList());
  }

  @Test
  void aFailedGroupFailsEachOfItsWritesAndTheNextGroupStillGoes() throws Exception {
    GroupCommit groups = groups(1, 100);
    List<CompletableFuture<Void>> first = submitInOneTurn(groups, 0, 3);
    awaitSent(1);
    List<CompletableFuture<Void>> second = submitInOneTurn(groups, 3, 2);
    IllegalStateException failure = new IllegalStateException("write timeout");
    answers.get(0).completeExceptionally(failure);
    for (CompletableFuture<Void> write : first) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> write.get(5, TimeUnit.SECONDS));
      assertSame(failure, e.getCause());
    }
    awaitSent(2);
    answers.get(1).complete(null);
    for (CompletableFuture<Void> write : second) {
      write.get(5, TimeUnit.SECONDS);
    }
    BatchType type = ((BatchStatement) sent.get(1)).getBatchType();
    assertEquals(DefaultBatchType.UNLOGGED, type);
  }
}
