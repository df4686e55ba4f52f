package io.mediaedge.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Paxos lines of the generated cassandra.yaml; that the node runs with them is DevstackServersIT's job. */
class CassandraServerTest {
  @TempDir Path dataDir;

  @Test
  void v2UnlessTheEnvironmentAsksForV1() {
    assertEquals("v2", CassandraServer.paxosVariant(null));
    assertEquals("v2", CassandraServer.paxosVariant(" "));
    assertEquals("v1", CassandraServer.paxosVariant(" v1 "));
    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
        () -> CassandraServer.paxosVariant("v3"));
    assertTrue(wrong.getMessage().contains(CassandraServer.PAXOS_VARIANT_ENV), wrong.getMessage());
  }

  @Test
  void theYamlNamesTheVariantAndItsPurgingAtTheTopLevel() throws Exception {
    new CassandraServer("unused.jar", Path.of("java"), dataDir, 9042).prepare();
    String yaml = Files.readString(dataDir.resolve("cassandra.yaml"));
    String expected = System.getenv(CassandraServer.PAXOS_VARIANT_ENV) == null
        ? "\npaxos_variant: v2\npaxos_state_purging: gc_grace\n" : "\npaxos_variant: ";
    assertTrue(yaml.contains(expected), yaml);
  }
}
