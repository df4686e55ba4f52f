package io.mediaedge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.edge.RouteTable.RouteHint;
import io.mediaedge.edge.RouteTable.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteTableTest {
  private static final String DEFAULTS = "defaults:\n  host: upload-eu.example.com\n  proxied: true\n"
      + "  ttlSeconds: 300\n";

  @TempDir Path dir;

  private RouteTable table(String yaml) throws IOException {
    return RouteTable.read(Files.writeString(dir.resolve("routes.yaml"), yaml));
  }

  private String refusal(String yaml) throws IOException {
    Path file = Files.writeString(dir.resolve("bad-routes.yaml"), yaml);
    return assertThrows(IllegalArgumentException.class, () -> RouteTable.read(file)).getMessage();
  }

  /** The refusal of the standard defaults plus one rule named r1 with these fields. */
  private String ruleRefusal(String fields) throws IOException {
    return refusal(DEFAULTS + "rules:\n  - {name: r1, " + fields + "}\n");
  }

  @Test
  void theCommittedRoutesFileLoads() throws IOException {
    RouteTable table = RouteTable.read(Path.of("conf/routes.yaml"));
    assertEquals(new RouteHint("default", "upload-eu.example.com", true, 300), table.defaults());
    assertEquals(List.of("kr-skb-direct", "asia-pacific"), table.rules().stream().map(Rule::name).toList());
    assertEquals(new Rule("kr-skb-direct", Set.of("KR"), Set.of("9318"),
        new RouteHint("kr-skb-direct", "upload-direct-ap.example.com", false, 120)), table.rules().get(0));
  }

  @ParameterizedTest(name = "country {0}, asn ''{1}'' -> {2}")
  @CsvSource({
      "KR, 9318, kr-skb-direct, upload-direct-ap.example.com, false, 120",
      "KR, 4766, asia-pacific, upload-ap.example.com, true, 300",
      "KR, '', asia-pacific, upload-ap.example.com, true, 300",
      "JP, 9318, asia-pacific, upload-ap.example.com, true, 300",
      "NZ, '', asia-pacific, upload-ap.example.com, true, 300",
      "US, 9318, default, upload-eu.example.com, true, 300",
      "DE, 3320, default, upload-eu.example.com, true, 300",
      "'', '', default, upload-eu.example.com, true, 300",
      "kr, 9318, default, upload-eu.example.com, true, 300"})
  void theCommittedTableSteersByCountryAndAsn(String country, String asn, String rule, String host, boolean proxied,
      long ttl) throws IOException {
    RouteTable committed = RouteTable.read(Path.of("conf/routes.yaml"));
    assertEquals(new RouteHint(rule, host, proxied, ttl), committed.decide(country, asn));
  }

  @Test
  void theFirstMatchingRuleWins() throws IOException {
    RouteTable table = table(DEFAULTS + "rules:\n"
        + "  - {name: broad, countries: [KR, JP], host: upload-ap.example.com}\n"
        + "  - {name: narrow, countries: [KR], asns: [9318], host: upload-direct.example.com}\n");
    assertEquals("broad", table.decide("KR", "9318").rule(), "a later, narrower rule never gets a chance");
  }

  @Test
  void aRuleWithBothCriteriaNeedsBoth() throws IOException {
    RouteTable table = table(DEFAULTS + "rules:\n"
        + "  - {name: both, countries: [KR], asns: [9318], host: direct.example.com}\n");
    assertEquals("both", table.decide("KR", "9318").rule());
    assertEquals("default", table.decide("KR", "4766").rule());
    assertEquals("default", table.decide("US", "9318").rule());
    assertEquals("default", table.decide("KR", "").rule());
  }

  @Test
  void anAsnOnlyRuleMatchesInEveryCountry() throws IOException {
    RouteTable table = table(DEFAULTS + "rules:\n  - {name: isp, asns: [AS9318, '4766'], host: direct.example.com}\n");
    assertEquals("isp", table.decide("KR", "9318").rule());
    assertEquals("isp", table.decide("US", "4766").rule());
    assertEquals("isp", table.decide("", "9318").rule());
    assertEquals("default", table.decide("KR", "").rule());
  }

  @Test
  void asnsAreDigitsWithOrWithoutTheAsPrefix() throws IOException {
    RouteTable table = table(DEFAULTS + "rules:\n"
        + "  - {name: isp, asns: [AS9318, as4766, 3320, '0007922', ' AS13335 '], host: direct.example.com}\n");
    assertEquals(Set.of("9318", "4766", "3320", "7922", "13335"), table.rules().get(0).asns());
  }

  @Test
  void countriesAreUpperCasedAndMayBeOneValue() throws IOException {
    RouteTable table = table(DEFAULTS + "rules:\n"
        + "  - {name: kr, countries: kr, host: a.example.com}\n"
        + "  - {name: several, countries: [jp, ' Tw '], host: b.example.com}\n");
    assertEquals(Set.of("KR"), table.rules().get(0).countries());
    assertEquals(Set.of("JP", "TW"), table.rules().get(1).countries());
    assertEquals("kr", table.decide("KR", "").rule());
  }

  @Test
  void rulesInheritHostProxiedAndTtlFromTheDefaults() throws IOException {
    RouteTable table = table("defaults:\n  host: Upload.Example.com\n  proxied: false\n  ttlSeconds: 60\n"
        + "rules:\n"
        + "  - {name: only-ttl, countries: [KR], ttlSeconds: 0}\n"
        + "  - {name: only-host, countries: [JP], host: upload-ap.example.com:8443}\n"
        + "  - {name: only-proxied, countries: [TW], proxied: true}\n");
    assertEquals(new RouteHint("default", "upload.example.com", false, 60), table.defaults());
    assertEquals(new RouteHint("only-ttl", "upload.example.com", false, 0), table.decide("KR", ""));
    assertEquals(new RouteHint("only-host", "upload-ap.example.com:8443", false, 60), table.decide("JP", ""));
    assertEquals(new RouteHint("only-proxied", "upload.example.com", true, 60), table.decide("TW", ""));
  }

  @Test
  void defaultsNeedOnlyAHost() throws IOException {
    RouteTable table = table("defaults:\n  host: upload.example.com\n");
    assertEquals(new RouteHint("default", "upload.example.com", true, 300), table.defaults());
    assertEquals(List.of(), table.rules());
    assertEquals(table.defaults(), table.decide("KR", "9318"));
  }

  @Test
  void singleSendsEveryoneToOneHost() {
    RouteTable table = RouteTable.single("localhost");
    assertEquals(new RouteHint("default", "localhost", true, 300), table.decide("KR", "9318"));
  }

  @Test
  void theLongestTtlIsOneDay() throws IOException {
    assertEquals(86_400, table("defaults: {host: a.example.com, ttlSeconds: 86400}\n").defaults().ttlSeconds());
  }

  @Test
  void duplicateRuleNamesAreRefused() throws IOException {
    String message = refusal(DEFAULTS + "rules:\n  - {name: kr, countries: [KR], host: a.example.com}\n"
        + "  - {name: kr, countries: [JP], host: b.example.com}\n");
    assertTrue(message.contains("rule 2") && message.contains("unique"), message);
  }

  @Test
  void aRuleWithoutANameIsRefused() throws IOException {
    String message = refusal(DEFAULTS + "rules:\n  - {countries: [KR], host: a.example.com}\n");
    assertTrue(message.contains("rule 1") && message.contains("'name'"), message);
  }

  @Test
  void aRuleWithNoCriteriaIsRefused() throws IOException {
    String message = refusal(DEFAULTS + "rules:\n  - {name: everyone, host: a.example.com}\n");
    assertTrue(message.contains("'everyone'") && message.contains("neither countries nor asns"), message);
    message = refusal(DEFAULTS + "rules:\n  - {name: empty-lists, countries: [], asns: [], host: a.example.com}\n");
    assertTrue(message.contains("'empty-lists'"), message);
  }

  @ParameterizedTest(name = "countries: {0}")
  @CsvSource(delimiter = '|', value = {"[KOR]", "[K]", "[K1]", "['']", "[~]", "[UK, 'D E']"})
  void aBadCountryIsRefusedNamingTheRule(String countries) throws IOException {
    String message = ruleRefusal("countries: " + countries);
    assertTrue(message.contains("rule 'r1'") && message.contains("two-letter country code"), message);
  }

  @ParameterizedTest(name = "asns: {0}")
  @CsvSource(delimiter = '|', value = {"[ASX]", "[AS]", "[AS-1]", "[-9318]", "[12345678901]", "[AS 9318]", "[9318.5]",
      "['']", "[ASN9318]"})
  void aBadAsnIsRefusedNamingTheRule(String asns) throws IOException {
    String message = ruleRefusal("asns: " + asns);
    assertTrue(message.contains("rule 'r1'") && message.contains("is not an ASN"), message);
  }

  @Test
  void missingDefaultsAreRefused() throws IOException {
    String message = refusal("rules:\n  - {name: kr, countries: [KR], host: a.example.com}\n");
    assertTrue(message.contains("'defaults'") && message.contains("required"), message);
    assertTrue(refusal("defaults: upload.example.com\n").contains("'defaults'"));
  }

  @Test
  void defaultsWithoutAHostAreRefused() throws IOException {
    String message = refusal("defaults:\n  proxied: true\n");
    assertTrue(message.contains("'default' needs a valid 'host'"), message);
  }

  @ParameterizedTest(name = "ttlSeconds: {0}")
  @CsvSource(delimiter = '|', value = {"-1", "86401", "1.5", "\"60\"", "soon", "99999999999999999999"})
  void aTtlOutsideZeroToOneDayIsRefused(String ttl) throws IOException {
    String message = ruleRefusal("countries: [KR], ttlSeconds: " + ttl);
    assertTrue(message.contains("'r1'") && message.contains("'ttlSeconds' must be 0 to 86400"), message);
  }

  @Test
  void aNegativeDefaultTtlIsRefused() throws IOException {
    String message = refusal("defaults: {host: a.example.com, ttlSeconds: -5}\n");
    assertTrue(message.contains("'default'") && message.contains("ttlSeconds"), message);
  }

  @ParameterizedTest(name = "proxied: {0}")
  @CsvSource(delimiter = '|', value = {"\"true\"", "1", "maybe"})
  void proxiedMustBeABoolean(String proxied) throws IOException {
    String message = ruleRefusal("countries: [KR], proxied: " + proxied);
    assertTrue(message.contains("'r1'") && message.contains("'proxied' must be true or false"), message);
  }

  @ParameterizedTest(name = "host: {0}")
  @CsvSource(delimiter = '|', value = {"https://a.example.com", "a.example.com/v1", "-a.example.com",
      "a b.example.com", "a.example.com:", "[::1]", "a.example.com:123456", "bad_host.example.com"})
  void aHostThatIsNoHostnameIsRefused(String host) throws IOException {
    String message = ruleRefusal("countries: [KR], host: \"" + host + "\"");
    assertTrue(message.contains("'r1' needs a valid 'host'"), message);
  }

  @Test
  void structuralMistakesAreRefusedWithASentence() throws IOException {
    assertTrue(refusal("").contains("top level must be a map"));
    assertTrue(refusal("- defaults\n").contains("top level must be a map"));
    assertTrue(refusal(DEFAULTS + "rules: {name: kr}\n").contains("'rules' must be a list"));
    assertTrue(refusal(DEFAULTS + "rules:\n  - kr\n").contains("rule 1 must be a map"));
    assertTrue(refusal("defaults: [unclosed\n").startsWith("not valid YAML"));
  }

  @Test
  void yamlTagsThatWouldBuildObjectsAreRefused() throws IOException {
    String message = refusal("defaults: !!javax.script.ScriptEngineManager [!!java.net.URL [\"http://x/\"]]\n");
    assertTrue(message.startsWith("not valid YAML"), message);
  }

  @Test
  void moreRulesThanTheLimitAreRefused() throws IOException {
    StringBuilder yaml = new StringBuilder(DEFAULTS).append("rules:\n");
    for (int i = 0; i <= RouteTable.MAX_RULES; i++) {
      yaml.append("  - {name: r").append(i).append(", asns: [").append(i + 1).append("]}\n");
    }
    assertTrue(refusal(yaml.toString()).contains("more than " + RouteTable.MAX_RULES + " rules"));
  }

  @Test
  void theRuleListCannotBeChangedAfterReading() throws IOException {
    RouteTable table = table(DEFAULTS + "rules:\n  - {name: kr, countries: [KR]}\n");
    assertThrows(UnsupportedOperationException.class, () -> table.rules().clear());
    assertThrows(UnsupportedOperationException.class, () -> table.rules().get(0).countries().add("JP"));
  }
}
