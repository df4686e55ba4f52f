package io.mediaedge.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.List;

/** The facts every benchmark result starts with: the machine, the JDK, this JVM's flags and the load. */
final class MachineFacts {
  private MachineFacts() {}

  /** Cores, CPU, RAM, OS, Java, this JVM's flags and the load average now (as "loadAverageAtStart"). */
  static JsonObject describe() {
    long memKiB = Proc.memTotalKiB();
    return new JsonObject()
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("cpu", Proc.cpuInfo("model name"))
        .put("memTotalMiB", memKiB < 0 ? null : Math.round(memKiB / 1024.0))
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .put("javaVersion", System.getProperty("java.version"))
        .put("javaVm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"))
        .put("benchJvmArgs", new JsonArray(List.copyOf(ManagementFactory.getRuntimeMXBean().getInputArguments())))
        .put("loadAverageAtStart", Proc.loadAverage());
  }
}
