package io.mediaedge.insights.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The page's ISO code to map-name table ({@code world-names.json}, ours) against the world map it
 * colours (ECharts 4.1.0's {@code world.js}, from its WebJar): a code whose name is not in the map
 * would leave its country grey without a word.
 */
class WorldNamesTest {
  private static final String NAMES = InsightsRoutes.PAGE + "/world-names.json";
  private static final String MAP = InsightsRoutes.WEBJARS + "/echarts/4.1.0/map/js/world.js";
  /** Features of the map that no ISO 3166-1 code stands for. */
  private static final Set<String> NO_CODE = Set.of("N. Cyprus", "Siachen Glacier");
  /** The demo world's networks (server test sources; insights may not depend on them). */
  private static final Path DEMO_WORLD = Path.of("server/src/test/java/io/mediaedge/testing/DemoWorld.java");

  @Test
  void everyCodeNamesAFeatureOfTheMapAndNoFeatureTwice() throws IOException {
    Map<String, Object> table = names().getMap();
    Set<String> features = mapFeatures();
    Set<String> seen = new HashSet<>();
    table.forEach((code, name) -> {
      assertTrue(code.matches("[A-Z]{2}"), "not an ISO alpha-2 code: " + code);
      assertTrue(features.contains((String) name), code + " -> '" + name + "' is not a feature of world.js");
      assertTrue(seen.add((String) name), "two codes name '" + name + "'");
    });
  }

  @Test
  void everyNamedFeatureOfTheMapHasItsCode() throws IOException {
    Set<String> named = new TreeSet<>(mapFeatures());
    named.removeIf(String::isEmpty);
    named.removeAll(NO_CODE);
    named.removeAll(names().getMap().values().stream().map(String.class::cast).collect(Collectors.toSet()));
    assertEquals(Set.of(), named, "features of the map that no code colours");
  }

  @Test
  void everyCountryOfTheDemoWorldIsOnTheMap() throws IOException {
    Matcher rows = Pattern.compile("\\{\"([A-Z]{2})\", \"").matcher(Files.readString(DEMO_WORLD));
    List<String> codes = rows.results().map(r -> r.group(1)).distinct().toList();
    assertTrue(codes.size() >= 30, "the demo world's rows were not found in " + DEMO_WORLD + ": " + codes);
    JsonObject table = names();
    Set<String> features = mapFeatures();
    for (String code : codes) {
      String name = table.getString(code);
      assertNotNull(name, "the demo world's " + code + " has no map name");
      assertTrue(features.contains(name), code + " -> " + name);
    }
  }

  @Test
  void namesThatDifferFromTheCommonOnesAreRight() throws IOException {
    JsonObject table = names();
    assertEquals("Korea", table.getString("KR"));
    assertEquals("Dem. Rep. Korea", table.getString("KP"));
    assertEquals("Dem. Rep. Congo", table.getString("CD"));
    assertEquals("Congo", table.getString("CG"));
    assertEquals("United States", table.getString("US"));
    assertEquals("United Kingdom", table.getString("GB"));
    assertEquals("Russia", table.getString("RU"));
    assertEquals("Czech Rep.", table.getString("CZ"));
    assertEquals("Côte d'Ivoire", table.getString("CI"));
  }

  private static JsonObject names() throws IOException {
    return new JsonObject(resource(NAMES));
  }

  /**
   * The names of the map's features, as world.js registers them ({@code "properties":{"name":…,
   * "childNum":…}}; the file's coordinate system has a name too, without childNum).
   */
  private static Set<String> mapFeatures() throws IOException {
    Set<String> names = Pattern.compile("\"properties\":\\{\"name\":\"([^\"]*)\",\"childNum\"")
        .matcher(resource(MAP)).results().map(r -> r.group(1)).collect(Collectors.toSet());
    assertTrue(names.size() > 200, "world.js has " + names.size() + " features");
    return names;
  }

  private static String resource(String path) throws IOException {
    try (InputStream in = WorldNamesTest.class.getClassLoader().getResourceAsStream(path)) {
      assertNotNull(in, path + " is not on the class path");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
