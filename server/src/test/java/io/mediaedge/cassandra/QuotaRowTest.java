package io.mediaedge.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.mediaedge.config.EdgeConfig.HistoryConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure quota decisions and the schema script handling; the Cassandra side is in QuotaIT. */
class QuotaRowTest {
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  @Test
  void expiredHoldsNoLongerCountAgainstTheLimit() {
    QuotaRow row = new QuotaRow(3L, 0, 0, null, Map.of("old", 900L, "new", 50L),
        Map.of("old", NOW.minus(Duration.ofHours(25)), "new", NOW.minusSeconds(5)), Map.of());
    QuotaRow pruned = row.pruned(NOW, Duration.ofHours(24), Duration.ofHours(24));
    assertEquals(Map.of("new", 50L), pruned.reservations());
    assertInstanceOf(QuotaRow.Write.class, pruned.reserve("next", 900, 1000, NOW));
    assertInstanceOf(QuotaRow.Refuse.class, row.reserve("next", 900, 1000, NOW));
  }

  @Test
  void commitWithoutAHoldStillChargesTheStoredBytesOnce() {
    QuotaRow.Write first = assertInstanceOf(QuotaRow.Write.class, QuotaRow.EMPTY.commit("u", 700, NOW));
    assertEquals(700, first.next().usedBytes());
    assertEquals(1, first.next().mediaCount());
    assertInstanceOf(QuotaRow.Done.class, first.next().commit("u", 700, NOW));
  }

  @Test
  void freeOfMediaChargedThroughALeaseGoesBelowZeroUntilTheLeaseIsFolded() {
    QuotaRow leased = assertInstanceOf(QuotaRow.Write.class,
        QuotaRow.EMPTY.lease(null, "lease:a.1", 0, 0, 1000, NOW)).next();
    QuotaRow freed = assertInstanceOf(QuotaRow.Write.class, leased.free("m", 500, NOW)).next();
    assertEquals(-500, freed.usedBytes());
    assertEquals(-1, freed.mediaCount());
    QuotaRow folded = assertInstanceOf(QuotaRow.Write.class, freed.lease("lease:a.1", null, 500, 1, 0, NOW)).next();
    assertEquals(0, folded.usedBytes());
    assertEquals(0, folded.mediaCount());
    assertEquals(Map.of(), folded.reservations());
  }

  @Test
  void aLeaseAlreadyFoldedAsDeadIsNotFoldedAgain() {
    QuotaRow leased = assertInstanceOf(QuotaRow.Write.class,
        QuotaRow.EMPTY.lease(null, "lease:a.1", 0, 0, 1000, NOW)).next();
    assertEquals(List.of("lease:a.1"), leased.staleLeases(NOW.plusSeconds(1)));
    assertEquals(List.of(), leased.staleLeases(NOW));
    QuotaRow dead = leased.foldDead("lease:a.1", 700, 2);
    assertEquals(700, dead.usedBytes());
    // the instance comes back and renews: its spending was counted from its charges already
    QuotaRow renewed = assertInstanceOf(QuotaRow.Write.class, dead.lease("lease:a.1", "lease:a.2", 700, 2, 300, NOW))
        .next();
    assertEquals(700, renewed.usedBytes());
    assertEquals(Map.of("lease:a.2", 300L), renewed.reservations());
    // and a retry of that renewal after an unknown outcome is recognised as done
    assertInstanceOf(QuotaRow.Done.class, renewed.lease("lease:a.1", "lease:a.2", 700, 2, 300, NOW));
  }

  @Test
  void leasesLapseOnlyByBeingFoldedNeverByTheReservationTtl() {
    QuotaRow row = new QuotaRow(3L, 0, 0, null, Map.of("lease:a.1", 900L),
        Map.of("lease:a.1", NOW.minus(Duration.ofHours(25))), Map.of());
    assertEquals(row.reservations(), row.pruned(NOW, Duration.ofHours(24), Duration.ofHours(24)).reservations());
    assertEquals(0, row.uploadReservations());
    assertEquals(0, row.reservedExcept("lease:a.1"));
  }

  @Test
  void keyspaceReplicationFollowsTheConfiguration() {
    assertEquals("CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        SchemaMigrator.createKeyspace(history(Map.of("replication_factor", 1))));
    assertEquals("CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'NetworkTopologyStrategy', 'eu-west': 3}",
        SchemaMigrator.createKeyspace(history(Map.of("eu-west", 3))));
  }

  @Test
  void scriptsSplitIntoStatementsWithoutComments() {
    assertEquals(List.of("CREATE TABLE a (x int PRIMARY KEY)", "CREATE TABLE b (y int PRIMARY KEY)"),
        SchemaMigrator.statements("-- a comment; with a semicolon\nCREATE TABLE a (x int PRIMARY KEY);\n\n"
            + "CREATE TABLE b (y int PRIMARY KEY);\n"));
  }

  private static HistoryConfig history(Map<String, Integer> replication) {
    return new HistoryConfig(List.of("127.0.0.1:9042"), "dc1", "ks", replication, "LOCAL_QUORUM", "LOCAL_SERIAL",
        Duration.ofSeconds(5), Optional.empty(), Optional.empty(), 16, 1.0, "V4", Optional.empty(),
        10_000, Duration.ofSeconds(5));
  }
}
