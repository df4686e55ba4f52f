package io.mediaedge.links;

import java.time.Duration;
import java.util.Optional;

/**
 * What the owner asks of a link: how long it lives, whether it only works from the caller's
 * address (exactly, or its network: a /24 for IPv4, a /64 for IPv6, which survives a phone's
 * changing address within one network), and whether browsers show it or save it under a name.
 */
public record LinkOptions(Duration lifetime, Binding binding, Disposition disposition, Optional<String> filename) {
  public enum Binding { NONE, EXACT, NETWORK }

  public enum Disposition { INLINE, ATTACHMENT }

  /** File names are echoed in a header: printable, no quotes or path separators, bounded. */
  public static final int MAX_FILENAME_CHARS = 200;

  public LinkOptions {
    if (filename.isPresent() && disposition != Disposition.ATTACHMENT) {
      throw new IllegalArgumentException("a file name goes with disposition attachment");
    }
    filename.ifPresent(LinkOptions::checkFilename);
  }

  static void checkFilename(String name) {
    if (name.isEmpty() || name.length() > MAX_FILENAME_CHARS) {
      throw new IllegalArgumentException("filename must have 1-" + MAX_FILENAME_CHARS + " characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      if (Character.isISOControl(ch) || ch == '"' || ch == '\\' || ch == '/' || Character.isSurrogate(ch)) {
        throw new IllegalArgumentException("filename must not hold control characters, quotes, slashes or"
            + " backslashes");
      }
    }
  }
}
