package io.mediaedge.config;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request properties extracted by JsonPath (see {@code io.mediaedge.auth.PropertyExtractor}).
 *
 * @param paths property name to JsonPath expression
 * @param headers request headers (case-insensitive) copied into the document's {@code headers}
 * @param maxValueLength longer values are cut to this many characters
 * @param maxMetadataBytes the largest {@code Upload-Metadata} header accepted
 */
public record PropertiesConfig(Map<String, String> paths, List<String> headers, int maxValueLength,
    int maxMetadataBytes) {

  /** Every property lands in each media row and event; this keeps rows small. */
  static final int MAX_PROPERTIES = 32;

  static PropertiesConfig read(ConfigTree c) {
    JsonObject section = c.section("properties.paths");
    if (section.size() > MAX_PROPERTIES) {
      throw c.invalid("properties.paths", "names " + section.size() + " properties; at most " + MAX_PROPERTIES
          + " are allowed");
    }
    Map<String, String> paths = new LinkedHashMap<>();
    section.forEach(entry -> {
      String name = entry.getKey();
      if (!name.matches("[A-Za-z][A-Za-z0-9_.-]{0,63}")) {
        throw c.invalid("properties.paths", "has the property name '" + name + "'; names are letters, digits,"
            + " '_', '-' or '.', starting with a letter, at most 64 characters");
      }
      Object expression = entry.getValue();
      if (!(expression instanceof String text) || !text.trim().startsWith("$")) {
        throw c.invalid("properties.paths", "maps '" + name + "' to something that is not a JsonPath expression"
            + " starting with '$'");
      }
      paths.put(name, ((String) expression).trim());
    });
    List<String> headers = c.strings("properties.headers");
    for (String header : headers) {
      if (!header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}")) {
        throw c.invalid("properties.headers", "holds '" + header + "', which is not a header name");
      }
    }
    return new PropertiesConfig(Map.copyOf(paths), headers,
        c.integer("properties.maxValueLength", 256, 1, 4096),
        (int) c.size("properties.maxMetadataBytes", "4KiB", 64, 64 * 1024));
  }
}
