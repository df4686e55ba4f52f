package io.mediaedge.insights.metrics;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The provisioned Grafana dashboard of insights, read for its queries (tests run from the repository root). */
public final class GrafanaDashboard {
  public static final Path FILE = Path.of("docker/grafana/provisioning/dashboards/insights.json");

  private GrafanaDashboard() {}

  public static JsonObject read() throws IOException {
    return new JsonObject(Files.readString(FILE));
  }

  /** Every panel's every query ({@code targets[].expr}), in panel order. */
  public static List<String> queries() throws IOException {
    List<String> queries = new ArrayList<>();
    for (Object panel : read().getJsonArray("panels")) {
      for (Object target : ((JsonObject) panel).getJsonArray("targets", new JsonArray())) {
        queries.add(((JsonObject) target).getString("expr"));
      }
    }
    return queries;
  }
}
