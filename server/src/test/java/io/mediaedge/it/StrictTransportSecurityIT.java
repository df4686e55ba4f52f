package io.mediaedge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mediaedge.EdgeServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code Strict-Transport-Security} through the real server: on every answer of the HTTPS
 * listener (successes, refusals and unknown paths, HTTP/1.1 and HTTP/2), never on the plain one,
 * and as configured.
 */
class StrictTransportSecurityIT {
  private static final String HSTS = "Strict-Transport-Security";
  private static final String ONE_YEAR = "max-age=31536000";

  private static TestStack stack;

  @BeforeAll
  static void start() {
    stack = TestStack.get();
  }

  private static EdgeClient client(URI base, HttpClient.Version version) {
    return new EdgeClient(base, stack.dev().tls().caCert(), version);
  }

  /** Status and HSTS header of a few answers: a success, a refused token, an unknown path. */
  private static List<String> answers(EdgeClient client) {
    return List.of(
        describe(client.get("/healthz", null)),
        describe(client.get("/v1/media/some-id", "not-a-token")),
        describe(client.get("/no/such/path", null)));
  }

  private static String describe(HttpResponse<byte[]> response) {
    return response.statusCode() + " " + response.headers().firstValue(HSTS);
  }

  private static List<String> expected(Optional<String> hsts) {
    return List.of("200 " + hsts, "401 " + hsts, "404 " + hsts);
  }

  @Test
  void everyHttpsAnswerCarriesAYearOfHsts() {
    assertEquals(expected(Optional.of(ONE_YEAR)), answers(client(stack.https(), HttpClient.Version.HTTP_1_1)));
    assertEquals(expected(Optional.of(ONE_YEAR)), answers(client(stack.https(), HttpClient.Version.HTTP_2)));
  }

  @Test
  void plainHttpAnswersCarryNoHsts() {
    assertEquals(expected(Optional.empty()), answers(client(stack.http(), HttpClient.Version.HTTP_1_1)));
  }

  @Test
  void maxAgeAndSubdomainsAreConfigurableAndZeroTurnsHstsOff() throws Exception {
    EdgeServer wide = stack.startServer(hsts("1h", true));
    EdgeServer off = stack.startServer(hsts("0s", false));
    try {
      assertEquals(expected(Optional.of("max-age=3600; includeSubDomains")),
          answers(client(TestStack.https(wide), HttpClient.Version.HTTP_2)));
      assertEquals(expected(Optional.empty()), answers(client(TestStack.https(off), HttpClient.Version.HTTP_2)));
    } finally {
      stack.stopServer(wide);
      stack.stopServer(off);
    }
  }

  private static JsonObject hsts(String maxAge, boolean includeSubDomains) {
    return new JsonObject().put("server", new JsonObject().put("https", new JsonObject()
        .put("hsts", new JsonObject().put("maxAge", maxAge).put("includeSubDomains", includeSubDomains))));
  }
}
