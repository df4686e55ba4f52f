package io.mediaedge.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The openssl command line, for checking our results against the tool operators use. */
public final class OpenSsl {
  private OpenSsl() {}

  public static boolean available() {
    try {
      return run("openssl version").startsWith("OpenSSL");
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs a shell pipeline and returns its standard output, trimmed; fails on a non-zero exit. */
  public static String run(String pipeline) throws IOException {
    Process process = new ProcessBuilder(List.of("bash", "-c", "set -o pipefail; " + pipeline))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = process.getInputStream().readAllBytes();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("timed out: " + pipeline);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (process.exitValue() != 0) {
      throw new IOException("exit " + process.exitValue() + ": " + pipeline);
    }
    return new String(out, StandardCharsets.UTF_8).trim();
  }
}
