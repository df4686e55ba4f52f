package io.mediaedge.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Group commit for small idempotent writes that many requests make at about the same time (upload
 * intents, outbox removals, downloads' event rows): the writes submitted while one group is on its way, or in the same
 * event-loop turn, leave together as one unlogged batch when it returns. On the benchmark's
 * machine Cassandra's cost is per request far more than per row (about 1.4 ms of its CPU per
 * request at 60 uploads a second), so 20 uploads' intents in two or three requests instead of
 * twenty is CPU the uploads get back. A lone write goes as it is, one event-loop turn later.
 *
 * <p>Only for writes that need no atomicity with each other: an unlogged batch over several
 * partitions is applied partition by partition, and a failed group fails every write in it (each
 * caller then does what it does when its own write fails; every write here may be repeated).
 */
final class GroupCommit {
  private record Waiting(List<BatchableStatement<?>> statements, int bytes, CompletableFuture<Void> done) {}

  /**
   * Cassandra warns about an unlogged batch over more than 10 partitions
   * ({@code unlogged_batch_across_partitions_warn_threshold}) and about any batch over 5 KiB
   * ({@code batch_size_warn_threshold}), and refuses one over 50 KiB: groups stay below all three.
   */
  static final int MAX_STATEMENTS = 10;
  static final int MAX_BYTES = 5 << 10;

  private final Vertx vertx;
  private final Function<Statement<?>, CompletionStage<AsyncResultSet>> send;
  private final ToIntFunction<BatchableStatement<?>> sizeOf;
  private final int maxInFlight;
  /** Writes not yet sent, oldest first; guarded by this. */
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  /** Groups sent and not answered, plus a send scheduled for the end of the turn; guarded by this. */
  private int busy;

  /**
   * @param sizeOf a statement's size on the wire, at least what Cassandra counts against its batch
   *     thresholds (each statement here writes one partition)
   * @param maxInFlight groups on their way at once; more writes wait for one to return
   */
  GroupCommit(Vertx vertx, Function<Statement<?>, CompletionStage<AsyncResultSet>> send,
      ToIntFunction<BatchableStatement<?>> sizeOf, int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be positive");
    }
    this.vertx = vertx;
    this.send = send;
    this.sizeOf = sizeOf;
    this.maxInFlight = maxInFlight;
  }

  /** Completes when the group holding these statements was written; fails with the group. */
  CompletionStage<Void> write(List<? extends BatchableStatement<?>> statements) {
    int bytes = 0;
    for (BatchableStatement<?> statement : statements) {
      bytes += sizeOf.applyAsInt(statement);
    }
    Waiting write = new Waiting(List.copyOf(statements), bytes, new CompletableFuture<>());
    boolean schedule;
    synchronized (this) {
      waiting.add(write);
      schedule = busy < maxInFlight;
      if (schedule) {
        busy++;
      }
    }
    if (schedule) {
      // At the end of this turn, so the other writes this turn makes (one per bucket in a flush of
      // outbox removals, the uploads a quota lease admits together) join the group.
      Context context = vertx.getOrCreateContext();
      context.runOnContext(v -> sendNext());
    }
    return write.done();
  }

  /** Sends the next group, or gives the slot back when nothing waits. */
  private void sendNext() {
    List<Waiting> group = new ArrayList<>();
    synchronized (this) {
      int statements = 0;
      int bytes = 0;
      // a write never splits, so one larger than the limits goes alone
      while (!waiting.isEmpty() && (group.isEmpty()
          || (statements + waiting.peek().statements().size() <= MAX_STATEMENTS
              && bytes + waiting.peek().bytes() <= MAX_BYTES))) {
        Waiting next = waiting.poll();
        statements += next.statements().size();
        bytes += next.bytes();
        group.add(next);
      }
      if (group.isEmpty()) {
        busy--;
        return;
      }
    }
    CompletionStage<AsyncResultSet> sent;
    try {
      sent = send.apply(statementOf(group));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((rs, failure) -> {
      for (Waiting write : group) {
        if (failure == null) {
          write.done().complete(null);
        } else {
          write.done().completeExceptionally(failure);
        }
      }
      sendNext();
    });
  }

  private static Statement<?> statementOf(List<Waiting> group) {
    if (group.size() == 1 && group.get(0).statements().size() == 1) {
      return group.get(0).statements().get(0);
    }
    List<BatchableStatement<?>> all = new ArrayList<>();
    group.forEach(write -> all.addAll(write.statements()));
    return BatchStatement.newInstance(DefaultBatchType.UNLOGGED).addAll(all);
  }
}
