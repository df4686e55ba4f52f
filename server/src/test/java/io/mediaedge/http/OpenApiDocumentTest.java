package io.mediaedge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.errors.ErrorCode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The document served at {@code /openapi.json}: valid OpenAPI 3.1 to a real validator
 * (swagger-parser), and its error codes are exactly the catalog's ({@link ErrorCode}), each under
 * its own status, so a client generated from it branches on codes that exist.
 */
class OpenApiDocumentTest {
  private static final String ERROR_RESPONSES = "#/components/responses/Error";
  private static final Pattern STATUS_RESPONSE = Pattern.compile("#/components/responses/Error(\\d{3})");

  static JsonObject document() {
    return new JsonObject(OpenApiDocument.load().json());
  }

  @Test
  void documentIsValidOpenApi31() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(OpenApiDocument.load().json(), null, options);
    assertEquals(List.of(), result.getMessages(), "the validator's complaints");
    OpenAPI api = result.getOpenAPI();
    assertNotNull(api, "the document parsed");
    assertTrue(api.getOpenapi().startsWith("3.1."), "openapi is 3.1.x, was " + api.getOpenapi());
    assertEquals(io.swagger.v3.oas.models.SpecVersion.V31, api.getSpecVersion());
  }

  @Test
  void errorCodeEnumIsExactlyTheCatalog() {
    JsonArray listed = document().getJsonObject("components").getJsonObject("schemas")
        .getJsonObject("ErrorCode").getJsonArray("enum");
    List<String> names = listed.stream().map(String.class::cast).toList();
    assertEquals(names.size(), Set.copyOf(names).size(), "no code listed twice: " + names);
    assertEquals(Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toCollection(TreeSet::new)),
        new TreeSet<>(names), "codes in the catalog vs the document's ErrorCode enum");
  }

  @Test
  void eachStatusResponseListsExactlyTheCatalogsCodesOfThatStatus() {
    Map<Integer, Set<String>> catalog = new TreeMap<>();
    for (ErrorCode code : ErrorCode.values()) {
      catalog.computeIfAbsent(code.status(), s -> new TreeSet<>()).add(code.name());
    }
    JsonObject responses = document().getJsonObject("components").getJsonObject("responses");
    Map<Integer, Set<String>> documented = new TreeMap<>();
    for (String name : responses.fieldNames()) {
      Matcher status = Pattern.compile("Error(\\d{3})").matcher(name);
      if (!status.matches()) {
        continue;
      }
      JsonArray codes = responses.getJsonObject(name).getJsonObject("content").getJsonObject("application/json")
          .getJsonObject("schema").getJsonArray("allOf").getJsonObject(1).getJsonObject("properties")
          .getJsonObject("error").getJsonArray("enum");
      documented.put(Integer.parseInt(status.group(1)),
          codes.stream().map(String.class::cast).collect(Collectors.toCollection(TreeSet::new)));
    }
    assertEquals(catalog, documented, "status -> codes in the catalog vs the document's ErrorNNN responses");
  }

  @Test
  void operationsPutEachErrorResponseUnderItsOwnStatus() {
    List<String> misplaced = new ArrayList<>();
    JsonObject paths = document().getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!(item.getValue(method) instanceof JsonObject operation) || !operation.containsKey("responses")) {
          continue;
        }
        JsonObject answers = operation.getJsonObject("responses");
        for (String status : answers.fieldNames()) {
          String target = answers.getJsonObject(status).getString("$ref", "");
          if (!target.startsWith(ERROR_RESPONSES)) {
            continue;
          }
          Matcher named = STATUS_RESPONSE.matcher(target);
          boolean fits = status.equals("default") ? target.equals(ERROR_RESPONSES)
              : named.matches() && named.group(1).equals(status);
          if (!fits) {
            misplaced.add(method.toUpperCase() + " " + path + ": " + status + " -> " + target);
          }
        }
        assertTrue(answers.containsKey("default"), method.toUpperCase() + " " + path + " has the default error answer");
      }
    }
    assertEquals(List.of(), misplaced);
  }
}
