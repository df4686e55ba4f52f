package io.mediaedge.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the TLS listener serves besides its default certificate ({@code server.https.certFile} /
 * {@code keyFile}): certificates for further host names picked by SNI, the CA that client
 * certificates must come from (authenticated origin pulls), and how often the files are checked
 * for a new version.
 */
public record TlsConfig(List<CertificateFiles> sniCertificates, Optional<Path> clientCaFile,
    Duration reloadCheckInterval) {

  /** A PEM certificate chain (leaf first) and its PKCS#8 private key. */
  public record CertificateFiles(Path certFile, Path keyFile) {}

  static final String SNI = "server.https.sniCertificates";

  static TlsConfig parse(ConfigTree c, boolean httpsOn) {
    Duration interval = c.duration("server.https.reloadCheckInterval", "10s", Duration.ofMillis(100),
        Duration.ofHours(1));
    if (!httpsOn) {
      return new TlsConfig(List.of(), Optional.empty(), interval);
    }
    return new TlsConfig(sniCertificates(c), Optional.ofNullable(c.optionalFile("server.https.clientCaFile")),
        interval);
  }

  /** A list of {certFile, keyFile} maps; both files must exist. */
  private static List<CertificateFiles> sniCertificates(ConfigTree c) {
    Object value = c.section("server.https").getValue("sniCertificates");
    if (value == null || "".equals(value)) {
      return List.of();
    }
    if (!(value instanceof JsonArray list)) {
      throw c.invalid(SNI, "must be a list of {certFile, keyFile} entries");
    }
    List<CertificateFiles> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof JsonObject entry)) {
        throw c.invalid(SNI, "must be a list of {certFile, keyFile} entries (entry " + (i + 1) + " is not)");
      }
      out.add(new CertificateFiles(file(c, entry, "certFile", i), file(c, entry, "keyFile", i)));
    }
    return List.copyOf(out);
  }

  private static Path file(ConfigTree c, JsonObject entry, String key, int index) {
    String name = String.valueOf(entry.getValue(key, "")).trim();
    if (name.isEmpty()) {
      throw c.invalid(SNI, "entry " + (index + 1) + " has no " + key + "; each entry needs a certFile and a keyFile");
    }
    return c.existingFile(SNI, name);
  }
}
