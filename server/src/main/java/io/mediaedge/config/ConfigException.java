package io.mediaedge.config;

/** A configuration problem, told in one sentence that names the option and how to fix it. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
