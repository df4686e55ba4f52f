package io.mediaedge.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.mediaedge.cassandra.RequestCounter.Kind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What each kind of statement is counted as; prepared ones are checked against Cassandra in CassandraWorkPerUploadIT. */
class RequestCounterTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RequestCounter counter = new RequestCounter(registry);

  /** Conditions make a write a compare-and-set; DDL stays schema even with IF NOT EXISTS. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "INSERT INTO t (a, b) VALUES (?, ?)                       | WRITE",
      "UPDATE t SET diff = ? WHERE a = ?                        | WRITE",
      "INSERT INTO t (a) VALUES (?) IF NOT EXISTS USING TTL ?   | LWT",
      "'  update t SET b = ? WHERE a = ? if version = ?'        | LWT",
      "DELETE FROM t WHERE a = ? IF holder = ?                  | LWT",
      "DELETE FROM t WHERE a = ? IF EXISTS                      | LWT",
      "SELECT a FROM t WHERE a = ?                              | READ",
      "CREATE TABLE IF NOT EXISTS t (a text PRIMARY KEY)        | SCHEMA",
      "CREATE KEYSPACE IF NOT EXISTS k WITH replication = {}    | SCHEMA",
      "ALTER TABLE t ADD c text                                 | SCHEMA",
      "BEGIN BATCH INSERT INTO t (a) VALUES (1); APPLY BATCH    | BATCH",
      "LIST ROLES                                               | OTHER"})
  void aQueryIsCountedByWhatItCosts(String query, Kind expected) {
    assertEquals(expected, RequestCounter.queryKind(query));
  }

  @Test
  void aReadAtSerialConsistencyIsASerialRead() {
    SimpleStatement select = SimpleStatement.newInstance("SELECT a FROM t WHERE a = ?", "x");
    assertEquals(Kind.READ, counter.kindOf(select));
    assertEquals(Kind.READ, counter.kindOf(select.setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM)));
    assertEquals(Kind.SERIAL_READ, counter.kindOf(select.setConsistencyLevel(DefaultConsistencyLevel.LOCAL_SERIAL)));
    assertEquals(Kind.SERIAL_READ, counter.kindOf(select.setConsistencyLevel(DefaultConsistencyLevel.SERIAL)));
  }

  @Test
  void aBatchIsABatchUnlessItCarriesACondition() {
    SimpleStatement insert = SimpleStatement.newInstance("INSERT INTO t (a) VALUES (?)", "x");
    SimpleStatement guarded = SimpleStatement.newInstance("UPDATE t SET b = 1 WHERE a = ? IF b = 0", "x");
    assertEquals(Kind.BATCH, counter.kindOf(BatchStatement.newInstance(DefaultBatchType.LOGGED, insert, insert)));
    assertEquals(Kind.LWT, counter.kindOf(BatchStatement.newInstance(DefaultBatchType.LOGGED, insert, guarded)));
  }

  @Test
  void everySeriesIsThereFromTheStartAndCountsByOutcome() {
    assertEquals(Kind.values().length * 2, registry.find(RequestCounter.METER).counters().size());
    SimpleStatement write = SimpleStatement.newInstance("INSERT INTO t (a) VALUES (?)", "x");
    counter.onSuccess(write, 1, null, null, "s0");
    counter.onSuccess(write, 1, null, null, "s0");
    counter.onError(write, new RuntimeException("timeout"), 1, null, null, "s0");
    assertEquals(2, registry.get(RequestCounter.METER).tags("kind", "write", "outcome", "success").counter().count());
    assertEquals(1, registry.get(RequestCounter.METER).tags("kind", "write", "outcome", "failure").counter().count());
    assertEquals(0, registry.get(RequestCounter.METER).tags("kind", "lwt", "outcome", "success").counter().count());
  }
}
