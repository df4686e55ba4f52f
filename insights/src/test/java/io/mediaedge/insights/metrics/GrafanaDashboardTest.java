package io.mediaedge.insights.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Grafana files say what the README says: the dashboard's queries are the README's PromQL
 * table (what {@code PrometheusQueriesE2E} runs against a real Prometheus), the map is keyed by ISO
 * code, and every panel uses the provisioned datasource.
 */
class GrafanaDashboardTest {
  private static final Path README = Path.of("README.md");
  private static final Path DATASOURCE = Path.of("docker/grafana/provisioning/datasources/prometheus.yaml");

  @Test
  void theDashboardRunsExactlyTheReadmesQueries() throws IOException {
    List<String> readme = readmeQueries();
    assertEquals(6, readme.size(), "the README's panel table: " + readme);
    String p99 = readme.get(4);
    List<String> expected = new ArrayList<>(readme.subList(0, 4));
    // the README's latency row names p99 and says "(0.5, 0.9 likewise)"
    expected.add(p99.replace("histogram_quantile(0.99,", "histogram_quantile(0.5,"));
    expected.add(p99.replace("histogram_quantile(0.99,", "histogram_quantile(0.9,"));
    expected.add(p99);
    expected.add(readme.get(5));
    assertEquals(expected, GrafanaDashboard.queries());
  }

  @Test
  void theWorldMapIsKeyedByIsoCode() throws IOException {
    JsonObject map = panel("geomap");
    JsonObject location = map.getJsonObject("options").getJsonArray("layers").getJsonObject(0)
        .getJsonObject("location");
    assertEquals("lookup", location.getString("mode"));
    assertEquals("country", location.getString("lookup"));
    assertEquals("public/gazetteer/countries.json", location.getString("gazetteer"));
    assertTrue(map.getJsonArray("targets").getJsonObject(0).getString("expr").startsWith("sum by (country)"));
  }

  @Test
  void everyPanelUsesTheProvisionedDatasource() throws IOException {
    Map<String, Object> file = new Yaml().load(Files.readString(DATASOURCE));
    @SuppressWarnings("unchecked")
    Map<String, Object> source = ((List<Map<String, Object>>) file.get("datasources")).get(0);
    assertEquals("prometheus", source.get("type"));
    for (Object panel : GrafanaDashboard.read().getJsonArray("panels")) {
      JsonObject p = (JsonObject) panel;
      assertEquals(source.get("uid"), p.getJsonObject("datasource").getString("uid"), p.getString("title"));
    }
  }

  private static JsonObject panel(String type) throws IOException {
    return GrafanaDashboard.read().getJsonArray("panels").stream().map(JsonObject.class::cast)
        .filter(p -> type.equals(p.getString("type"))).findFirst().orElseThrow();
  }

  /** The PromQL column of the README's "one query each" table, in its order. */
  private static List<String> readmeQueries() throws IOException {
    String text = Files.readString(README);
    int table = text.indexOf("| panel | PromQL |");
    assertTrue(table >= 0, "the README has no panel/PromQL table");
    List<String> queries = new ArrayList<>();
    Matcher row = Pattern.compile("^\\| [^|]+ \\| `([^`]+)`", Pattern.MULTILINE).matcher(text);
    row.region(table, text.indexOf("\n\n", table));
    while (row.find()) {
      queries.add(row.group(1));
    }
    return queries;
  }
}
