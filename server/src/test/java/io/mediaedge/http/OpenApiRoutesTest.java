package io.mediaedge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.auth.JwtAuthenticator;
import io.mediaedge.config.DevConfigFiles;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.tus.ResumableUploads;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The document against the real route table: {@link ApiRoutes} with the handlers
 * {@link ApiHandlers#build} makes, from the committed configuration with history on (the table
 * with every route; with history off the same paths answer 501). A route that is not documented,
 * or a documented operation no route serves, fails. The handlers are only registered here, never
 * called, so the flows and stores behind them are left out.
 */
class OpenApiRoutesTest {
  private static final Set<String> OPERATION_KEYS = Set.of("get", "put", "post", "delete", "options", "head",
      "patch", "trace");

  @TempDir static Path dir;
  private static Vertx vertx;
  private static Router router;

  /** One operation of the API: a method and a path in OpenAPI's form ({@code /v1/media/{id}}). */
  record Operation(String method, String path) implements Comparable<Operation> {
    @Override
    public int compareTo(Operation other) {
      return (path + " " + method).compareTo(other.path + " " + other.method);
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  @BeforeAll
  static void buildTheRouteTable() {
    vertx = Vertx.vertx();
    EdgeConfig config = EdgeConfig.load(Path.of("conf/media-edge.yaml"), DevConfigFiles.make(dir));
    assertTrue(config.historyEnabled(), "the committed configuration runs with history, so tus routes exist");
    ResumableUploads resumable = new ResumableUploads(vertx, null, null, null, null, null, null, null, null,
        config.resumable(), config.upload(), config.server());
    ApiHandlers.Parts parts = new ApiHandlers.Parts(null, null, Optional.of(resumable), new byte[32], () -> true,
        null, null, null, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null, OpenApiDocument.load(),
        config.server(), config.upload(), config.resumable(), config.properties(), true);
    router = ApiRoutes.create(vertx, ApiHandlers.build(parts, new JwtAuthenticator(vertx, config.auth())));
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedOperationHasARoute() {
    Set<Operation> routed = new TreeSet<>();
    collect(router, "", routed, new TreeSet<>());
    Set<Operation> documented = documented();
    assertFalse(routed.isEmpty());

    Set<Operation> undocumented = new TreeSet<>(routed);
    undocumented.removeAll(documented);
    Set<Operation> unrouted = new TreeSet<>(documented);
    unrouted.removeAll(routed);
    assertEquals(Set.of(), undocumented, "routes missing from openapi.json");
    assertEquals(Set.of(), unrouted, "operations in openapi.json that no route serves");
  }

  @Test
  void everyPathOfAnAllMethodsRouteHasDocumentedOperations() {
    Set<String> filtered = new TreeSet<>();
    collect(router, "", new TreeSet<>(), filtered);
    Set<String> documentedPaths = new TreeSet<>();
    documented().forEach(op -> documentedPaths.add(op.path()));
    Set<String> unknown = new TreeSet<>(filtered);
    unknown.removeAll(documentedPaths);
    assertEquals(Set.of(), unknown, "exact paths with a route for every method but no documented operation");
  }

  @Test
  void theSubRouterOfResumableUploadsIsWalked() {
    Set<Operation> routed = new TreeSet<>();
    collect(router, "", routed, new TreeSet<>());
    assertTrue(routed.contains(new Operation("PATCH", "/v1/uploads/{id}")), () -> "routes seen: " + routed);
    assertTrue(routed.contains(new Operation("GET", "/openapi.json")), () -> "routes seen: " + routed);
  }

  /**
   * Walks the router and its sub-routers: a route with methods is an operation at each of them; a
   * route for every method is a filter (security headers, tags, tus protocol checks), and with an
   * exact path it goes into {@code filteredPaths}.
   */
  private static void collect(Router router, String prefix, Set<Operation> operations, Set<String> filteredPaths) {
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      // vertx-web matches ":id" paths by regex too, but keeps their template; a bare pathRegex has none.
      assertFalse(route.isRegexPath() && path == null, "a pathRegex route cannot be compared with the document");
      if (route.getSubRouter() != null) {
        collect(route.getSubRouter(), prefix + (path == null ? "" : stripTrailingSlash(path)), operations,
            filteredPaths);
        continue;
      }
      Set<HttpMethod> methods = route.methods();
      if (methods == null || methods.isEmpty()) {
        if (path != null && route.isExactPath()) {
          filteredPaths.add(openApiPath(prefix + path));
        }
        continue;
      }
      assertTrue(path != null && route.isExactPath(), "a route with methods has an exact path: " + prefix + path);
      methods.forEach(method -> operations.add(new Operation(method.name(), openApiPath(prefix + path))));
    }
  }

  private static String stripTrailingSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /** vertx-web's {@code :id} as OpenAPI's {@code {id}}. */
  static String openApiPath(String routePath) {
    return routePath.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
  }

  private static Set<Operation> documented() {
    JsonObject paths = OpenApiDocumentTest.document().getJsonObject("paths");
    Set<Operation> operations = new TreeSet<>();
    for (String path : paths.fieldNames()) {
      for (String key : paths.getJsonObject(path).fieldNames()) {
        if (OPERATION_KEYS.contains(key)) {
          operations.add(new Operation(key.toUpperCase(Locale.ROOT), path));
        }
      }
    }
    return operations;
  }
}
