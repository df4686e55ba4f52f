package io.mediaedge.insights.query;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A span of whole minutes ending with the current one, as the API names it: {@code 5m},
 * {@code 15m}, {@code 1h}, {@code 24h}. The current minute is included, still filling.
 */
public record Window(int minutes) {
  private static final Pattern TEXT = Pattern.compile("([1-9][0-9]{0,4})([mh])");

  public Window {
    if (minutes < 1) {
      throw new IllegalArgumentException("a window is at least one minute");
    }
  }

  /**
   * @param maxMinutes the longest span that can be answered (the slots' retention for a window,
   *     the window for a step)
   * @throws IllegalArgumentException with a message fit for the client
   */
  public static Window parse(String text, int maxMinutes) {
    Matcher m = TEXT.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("window must be a number of minutes or hours such as 5m, 15m, 1h or 24h"
          + " (got '" + text + "')");
    }
    long minutes = Long.parseLong(m.group(1)) * ("h".equals(m.group(2)) ? 60 : 1);
    if (minutes > maxMinutes) {
      throw new IllegalArgumentException("window can be at most " + describe(maxMinutes) + " (got '" + text + "')");
    }
    return new Window((int) minutes);
  }

  /** The first minute of the window when {@code nowMinute} is the last. */
  public long firstMinute(long nowMinute) {
    return nowMinute - minutes + 1;
  }

  @Override
  public String toString() {
    return describe(minutes);
  }

  /** {@code 90} to {@code 90m}, {@code 120} to {@code 2h}. */
  public static String describe(int minutes) {
    return minutes % 60 == 0 ? (minutes / 60) + "h" : minutes + "m";
  }
}
