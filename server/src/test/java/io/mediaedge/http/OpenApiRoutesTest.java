package io.mediaedge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.EdgeServices;
import io.mediaedge.auth.JwtAuthenticator;
import io.mediaedge.config.DevConfigFiles;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.tls.TlsModule;
import io.mediaedge.tus.ResumableUploads;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import io.mediaedge.links.LinkKeys;
import io.mediaedge.links.LinkSigner;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The document against the real route table: {@link ApiRoutes} with the handlers
 * {@link ApiHandlers#build} makes, from the committed configuration with history on (the table
 * with every route; with history off the same paths answer 501), the real edge services and TLS
 * module. A route that is not documented, or a documented operation no route serves, fails; so does
 * an operation that asks for a token where the document says it needs none, or the reverse. No
 * request here gets past the token check to a flow, so the media flows and stores are left out.
 */
class OpenApiRoutesTest {
  private static final Set<String> OPERATION_KEYS = Set.of("get", "put", "post", "delete", "options", "head",
      "patch", "trace");

  @TempDir static Path dir;
  private static Vertx vertx;
  private static EdgeServices edge;
  private static TlsModule tls;
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
    ResumableUploads resumable = new ResumableUploads(vertx, null, null, null, null, null, null, null, null, null,
        config.resumable(), config.upload(), config.server());
    edge = EdgeServices.open(vertx, config);
    tls = TlsModule.load(vertx, config.server(), config.pins());
    ApiHandlers.Parts parts = new ApiHandlers.Parts(null, null, Optional.of(resumable), new byte[32], () -> true,
        edge.tagger(), edge.properties(), edge.routes(), edge.metrics(), tls.pins(), OpenApiDocument.load(),
        config.server(), config.upload(), config.resumable(), config.properties(), true, false,
        Optional.of(new LinkSigner(new LinkKeys("test", Map.of("test", new byte[32])), Duration.ofMinutes(15),
            Duration.ofDays(7), Clock.systemUTC())), config.links());
    router = ApiRoutes.create(vertx, ApiHandlers.build(parts, new JwtAuthenticator(vertx, config.auth())));
  }

  @AfterAll
  static void close() {
    tls.stop();
    edge.close();
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
  void theWalkSeesTheTusSubRouterAndTheDocumentsOwnRoute() {
    Set<Operation> routed = new TreeSet<>();
    collect(router, "", routed, new TreeSet<>());
    assertTrue(routed.contains(new Operation("PATCH", "/v1/uploads/{id}")), () -> "routes seen: " + routed);
    assertTrue(routed.contains(new Operation("GET", "/openapi.json")), () -> "routes seen: " + routed);
  }

  @Test
  void operationsAskForATokenExactlyWhereTheDocumentSaysSo() {
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    HttpClient client = vertx.createHttpClient();
    try {
      JsonObject doc = OpenApiDocumentTest.document();
      boolean securedByDefault = !doc.getJsonArray("security").isEmpty();
      Set<String> wrong = new TreeSet<>();
      for (Operation op : documented()) {
        JsonObject operation = doc.getJsonObject("paths").getJsonObject(op.path())
            .getJsonObject(op.method().toLowerCase(Locale.ROOT));
        JsonArray security = operation.getJsonArray("security");
        boolean secured = security == null ? securedByDefault : !security.isEmpty();
        // No token; tus' version header so that tus routes reach their token check.
        int status = client.request(HttpMethod.valueOf(op.method()), server.actualPort(), "127.0.0.1",
                op.path().replace("{id}", "0190a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b"))
            .compose(request -> request.putHeader("Tus-Resumable", "1.0.0").send())
            .map(HttpClientResponse::statusCode).await();
        if (secured != (status == 401)) {
          wrong.add(op + " is documented " + (secured ? "with a token" : "as public") + " but answered " + status);
        }
      }
      assertEquals(Set.of(), wrong);
    } finally {
      client.close().await();
      server.close().await();
    }
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
