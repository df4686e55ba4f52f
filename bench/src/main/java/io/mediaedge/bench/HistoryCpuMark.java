package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;

import io.mediaedge.devstack.DevStack;
import io.vertx.core.json.JsonObject;

/**
 * History-latency's CPU accounting: CPU time of Cassandra, Kafka and this JVM (media-edge, the
 * driver, the client) from construction on, per operation.
 */
final class HistoryCpuMark {
  private final DevStack dev;
  private final long ourPid = ProcessHandle.current().pid();
  private final double cassandra;
  private final double kafka;
  private final double ours;

  HistoryCpuMark(DevStack dev) {
    this.dev = dev;
    this.cassandra = Proc.cpuSeconds(dev.cassandra().pid());
    this.kafka = Proc.cpuSeconds(dev.kafka().pid());
    this.ours = Proc.cpuSeconds(ourPid);
  }

  /** Milliseconds of CPU per operation since construction, for {@code operations} operations. */
  JsonObject perOperation(int operations) {
    return new JsonObject()
        .put("cassandra", round((Proc.cpuSeconds(dev.cassandra().pid()) - cassandra) * 1000 / operations, 2))
        .put("kafka", round((Proc.cpuSeconds(dev.kafka().pid()) - kafka) * 1000 / operations, 2))
        .put("benchJvm", round((Proc.cpuSeconds(ourPid) - ours) * 1000 / operations, 2));
  }
}
