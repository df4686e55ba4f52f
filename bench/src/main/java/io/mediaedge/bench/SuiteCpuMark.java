package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.round;
import static io.mediaedge.bench.SuiteBench.EDGE;
import static io.mediaedge.bench.SuiteBench.NGINX;

import io.mediaedge.devstack.DevStack;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The suite's CPU accounting, who burned the cores while one run went on: CPU seconds of
 * media-edge, nginx (master and workers), S3, Cassandra, Kafka and this client since construction.
 */
final class SuiteCpuMark {
  private final long edgePid;
  private final NginxProxy nginx;
  private final DevStack dev;
  private final Map<String, Double> start;

  /** {@code edgePid} is the media-edge under test (-1 for none); {@code nginx} is null when it does not run. */
  SuiteCpuMark(long edgePid, NginxProxy nginx, DevStack dev) {
    this.edgePid = edgePid;
    this.nginx = nginx;
    this.dev = dev;
    this.start = now();
  }

  private Map<String, Double> now() {
    double nginxCpu = nginx == null ? -1 : nginx.pids().stream().mapToDouble(Proc::cpuSeconds).sum();
    return Map.of(EDGE, Proc.cpuSeconds(edgePid), NGINX, nginxCpu, "s3", Proc.cpuSeconds(dev.s3().pid()),
        "cassandra", Proc.cpuSeconds(dev.cassandra().pid()), "kafka", Proc.cpuSeconds(dev.kafka().pid()),
        "client", Proc.cpuSeconds(ProcessHandle.current().pid()));
  }

  JsonObject since() {
    Map<String, Double> end = now();
    JsonObject out = new JsonObject();
    for (String k : List.of(EDGE, NGINX, "s3", "cassandra", "kafka", "client")) {
      double a = start.get(k);
      double b = end.get(k);
      out.put(k, a < 0 || b < 0 ? null : round(b - a, 2));
    }
    return out;
  }
}
