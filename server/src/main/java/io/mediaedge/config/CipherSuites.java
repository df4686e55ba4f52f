package io.mediaedge.config;

import java.util.List;

/**
 * The TLS cipher suites the HTTPS listener offers ({@code server.https.cipherSuites}). Names are
 * IANA names (what the JDK engine takes); the OpenSSL engine translates them, and takes OpenSSL
 * names (ECDHE-ECDSA-AES128-GCM-SHA256) too. Whether the engine in use knows each name is checked
 * where the engine is chosen, at TLS start-up.
 */
final class CipherSuites {
  /**
   * AEAD suites only: CBC suites with SHA-1 MACs are open to padding-oracle timing attacks
   * (LUCKY13), so TLS 1.2 gets ECDHE with AES-GCM or ChaCha20-Poly1305, and TLS 1.3 its three.
   * The TLS 1.3 names must be listed too, or the JDK engine would not negotiate TLS 1.3.
   */
  static final List<String> AEAD = List.of(
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  static final String OPTION = "server.https.cipherSuites";

  private CipherSuites() {}

  /** The configured suites, {@link #AEAD} when the option is absent; never empty. */
  static List<String> parse(ConfigTree c) {
    if (!c.section("server.https").containsKey("cipherSuites")) {
      return AEAD;
    }
    List<String> names = c.strings(OPTION);
    if (names.isEmpty()) {
      // An empty list would let the engine offer its own defaults, CBC suites included.
      throw c.invalid(OPTION, "is empty, so the TLS engine's own suites (CBC included) would be offered; name at"
          + " least one suite or remove the option to get the AEAD default");
    }
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (!name.matches("[A-Za-z0-9_-]+")) {
        throw c.invalid(OPTION, "entry " + (i + 1) + " is " + (name.isEmpty() ? "empty" : "'" + name + "'")
            + "; each entry is one suite name such as TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
      }
    }
    return List.copyOf(names);
  }
}
