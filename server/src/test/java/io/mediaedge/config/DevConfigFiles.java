package io.mediaedge.config;

import io.mediaedge.devstack.DevCertificates;
import io.mediaedge.devstack.DevJwtKeys;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The variables that let the committed conf/media-edge.yaml load: they point it at a dev TLS
 * certificate and a JWT public key made under a test's folder.
 */
public final class DevConfigFiles {
  private DevConfigFiles() {}

  public static Map<String, String> make(Path dir) {
    DevCertificates.TlsFiles tls = DevCertificates.ensure(dir.resolve("certs"));
    DevJwtKeys jwt = DevJwtKeys.es256(dir.resolve("jwt"));
    return Map.of("MEDIA_EDGE_SERVER_HTTPS_CERT_FILE", tls.serverChain().toString(),
        "MEDIA_EDGE_SERVER_HTTPS_KEY_FILE", tls.serverKey().toString(),
        "MEDIA_EDGE_AUTH_PUBLIC_KEY_FILES", jwt.publicKeyFile().toString());
  }

  /** {@code files} plus the variable/value {@code pairs}. */
  public static Map<String, String> with(Map<String, String> files, String... pairs) {
    Map<String, String> env = new HashMap<>(files);
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }
}
