package io.mediaedge.edge;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Which upload hostname a client should use, by country and/or ASN: the network engineers' lever
 * for steering one ISP's users around trouble. The first rule that matches wins; no match gives
 * the defaults. Read from a YAML file (see {@code conf/routes.yaml}) that reloads without restart.
 */
public record RouteTable(RouteHint defaults, List<Rule> rules) {
  static final long MAX_TTL_SECONDS = 86_400;
  static final int MAX_RULES = 10_000;

  /** Where to upload, whether that hostname is proxied by the CDN, and how long to keep the hint. */
  public record RouteHint(String rule, String host, boolean proxied, long ttlSeconds) {}

  /** Matches when every criterion it names matches (an empty set names none). */
  public record Rule(String name, Set<String> countries, Set<String> asns, RouteHint hint) {
    boolean matches(String country, String asn) {
      return (countries.isEmpty() || countries.contains(country)) && (asns.isEmpty() || asns.contains(asn));
    }
  }

  public RouteTable {
    rules = List.copyOf(rules);
  }

  /** The table that sends everyone to one host (used when no routes file is configured). */
  public static RouteTable single(String host) {
    return new RouteTable(new RouteHint("default", host, true, 300), List.of());
  }

  public RouteHint decide(String country, String asn) {
    return match(country, asn).map(Rule::hint).orElse(defaults);
  }

  /** The first rule that matches, or empty when the defaults apply. */
  public Optional<Rule> match(String country, String asn) {
    for (Rule rule : rules) {
      if (rule.matches(country, asn)) {
        return Optional.of(rule);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether some rule that names ASNs matches this client, i.e. an engineer wrote this network into
   * the file (even if an earlier, broader rule answers it): advisories then leave its route alone.
   */
  public boolean namesNetwork(String country, String asn) {
    for (Rule rule : rules) {
      if (!rule.asns().isEmpty() && rule.matches(country, asn)) {
        return true;
      }
    }
    return false;
  }

  public static RouteTable read(Path file) throws IOException {
    Object parsed;
    try (InputStream in = Files.newInputStream(file)) {
      parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not valid YAML: " + e.getMessage(), e);
    }
    if (!(parsed instanceof Map<?, ?> root)) {
      throw new IllegalArgumentException("the top level must be a map with 'defaults' and 'rules'");
    }
    if (!(root.get("defaults") instanceof Map<?, ?> defaultsNode)) {
      throw new IllegalArgumentException("'defaults' (host, proxied, ttlSeconds) is required");
    }
    RouteHint defaults = hint("default", defaultsNode, null);
    List<Rule> rules = new ArrayList<>();
    Object rulesNode = root.get("rules");
    if (rulesNode != null && !(rulesNode instanceof List<?>)) {
      throw new IllegalArgumentException("'rules' must be a list");
    }
    Set<String> names = new LinkedHashSet<>();
    for (Object item : rulesNode == null ? List.of() : (List<?>) rulesNode) {
      if (!(item instanceof Map<?, ?> node)) {
        throw new IllegalArgumentException("rule " + (rules.size() + 1) + " must be a map");
      }
      String name = text(node.get("name"));
      if (name.isEmpty() || !names.add(name)) {
        throw new IllegalArgumentException("rule " + (rules.size() + 1) + " needs a unique 'name'");
      }
      Set<String> countries = codes(node.get("countries"), name, "countries");
      Set<String> asns = codes(node.get("asns"), name, "asns");
      if (countries.isEmpty() && asns.isEmpty()) {
        throw new IllegalArgumentException("rule '" + name + "' names neither countries nor asns (that is 'defaults')");
      }
      rules.add(new Rule(name, countries, asns, hint(name, node, defaults)));
    }
    if (rules.size() > MAX_RULES) {
      throw new IllegalArgumentException("more than " + MAX_RULES + " rules");
    }
    return new RouteTable(defaults, rules);
  }

  private static RouteHint hint(String name, Map<?, ?> node, RouteHint inherited) {
    String host = text(node.get("host"));
    if (host.isEmpty() && inherited != null) {
      host = inherited.host();
    }
    if (!host.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:\\d{1,5})?")) {
      throw new IllegalArgumentException("'" + name + "' needs a valid 'host' (got '" + host + "')");
    }
    Object proxied = node.get("proxied");
    if (proxied != null && !(proxied instanceof Boolean)) {
      throw new IllegalArgumentException("'" + name + "': 'proxied' must be true or false");
    }
    Object ttl = node.get("ttlSeconds");
    long ttlSeconds = inherited == null ? 300 : inherited.ttlSeconds();
    if (ttl != null) {
      if (!(ttl instanceof Integer || ttl instanceof Long) || ((Number) ttl).longValue() < 0
          || ((Number) ttl).longValue() > MAX_TTL_SECONDS) {
        throw new IllegalArgumentException("'" + name + "': 'ttlSeconds' must be 0 to " + MAX_TTL_SECONDS);
      }
      ttlSeconds = ((Number) ttl).longValue();
    }
    boolean isProxied = proxied != null ? (Boolean) proxied : inherited == null || inherited.proxied();
    return new RouteHint(name, host.toLowerCase(Locale.ROOT), isProxied, ttlSeconds);
  }

  /** Country codes upper-cased; ASNs as digits ({@code AS9318} and {@code 9318} are the same). */
  private static Set<String> codes(Object node, String rule, String field) {
    if (node == null) {
      return Set.of();
    }
    List<?> items = node instanceof List<?> list ? list : List.of(node);
    Set<String> out = new LinkedHashSet<>();
    for (Object item : items) {
      String code = text(item).toUpperCase(Locale.ROOT);
      if (field.equals("asns")) {
        code = code.startsWith("AS") ? code.substring(2) : code;
        if (!code.matches("\\d{1,10}")) {
          throw new IllegalArgumentException("rule '" + rule + "': '" + item + "' is not an ASN");
        }
        code = Long.toString(Long.parseLong(code));
      } else if (!code.matches("[A-Z]{2}")) {
        throw new IllegalArgumentException("rule '" + rule + "': '" + item + "' is not a two-letter country code");
      }
      out.add(code);
    }
    return Set.copyOf(out);
  }

  private static String text(Object value) {
    return value == null ? "" : value.toString().trim();
  }
}
