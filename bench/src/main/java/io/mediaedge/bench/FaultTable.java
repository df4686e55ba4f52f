package io.mediaedge.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/** The fault suite's result as a Markdown table, as the README quotes it. */
final class FaultTable {
  private FaultTable() {}

  static String render(JsonObject result) {
    StringBuilder out = new StringBuilder();
    out.append("| scenario | fault | requests | 2xx | errors by outcome | upload p50 / p99 ms before -> during |"
        + " recovery s | /healthz failed (a, b) | events lost | duplicates | audit violations |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    JsonArray scenarios = result.getJsonArray("scenarios", new JsonArray());
    for (int i = 0; i < scenarios.size(); i++) {
      JsonObject s = scenarios.getJsonObject(i);
      JsonObject load = s.getJsonObject("load");
      JsonObject phases = load.getJsonObject("phases");
      StringBuilder errors = new StringBuilder();
      load.getJsonObject("errors").forEach(e -> errors.append(errors.length() == 0 ? "" : ", ").append(e.getKey())
          .append(": ").append(e.getValue()));
      out.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %s -> %s | %s | %s | %s | %s | %d |%n",
          s.getString("name"), s.getJsonObject("fault").getString("what"), load.getLong("tried"), load.getLong("ok2xx"),
          errors.length() == 0 ? "none" : errors, latency(phases.getJsonObject("before")),
          latency(phases.getJsonObject("during")), s.getValue("recoverySeconds"), liveness(load),
          s.getValue("eventsLost", "?"),
          s.getValue("eventDuplicates", "?"), s.getJsonObject("audit").getLong("violations")));
    }
    return out.toString();
  }

  /** "failed/probes" per instance, edge-a first. */
  private static String liveness(JsonObject load) {
    JsonArray probes = load.getJsonArray("healthz", new JsonArray());
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < probes.size(); i++) {
      JsonObject p = probes.getJsonObject(i);
      out.append(i == 0 ? "" : ", ").append(p.getLong("failed")).append("/").append(p.getLong("probes"));
    }
    return out.length() == 0 ? "?" : out.toString();
  }

  private static String latency(JsonObject phase) {
    JsonObject ms = phase.getJsonObject("uploadLatencyMs");
    if (ms == null) {
      return "none";
    }
    return Math.round(ms.getDouble("p50", 0.0)) + " / " + Math.round(ms.getDouble("p99", 0.0));
  }
}
