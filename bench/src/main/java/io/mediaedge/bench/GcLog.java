package io.mediaedge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a unified JVM GC log written with {@code -Xlog:gc:file=PATH:uptime}: every pause line
 * gives the heap occupancy just before and just after the collection. The largest "before" is the
 * true peak of heap use (sampling misses it), the largest "after" bounds what was really live.
 */
final class GcLog {
  /** One collection; sizes in KiB, {@code uptime} in seconds since the JVM started. */
  record Event(double uptime, String name, long beforeKiB, long afterKiB, long capacityKiB,
      double pauseMs) {}

  /** {@code [12.345s] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 30M->4M(64M) 3.210ms}. */
  private static final Pattern LINE = Pattern.compile(
      "^\\[(\\d+(?:\\.\\d+)?)s\\].*?GC\\(\\d+\\) (.+?) (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)"
          + "(?: (\\d+(?:\\.\\d+)?)ms)?");

  private GcLog() {}

  static List<Event> read(Path file) {
    List<Event> events = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      return events;
    }
    for (String line : lines) {
      Matcher m = LINE.matcher(line);
      if (m.find()) {
        events.add(new Event(Double.parseDouble(m.group(1)), m.group(2),
            kib(m.group(3), m.group(4)), kib(m.group(5), m.group(6)), kib(m.group(7), m.group(8)),
            m.group(9) == null ? 0 : Double.parseDouble(m.group(9))));
      }
    }
    return events;
  }

  /** The first line that says which collector is in use ("Using G1"), or "". */
  static String collector(Path file) {
    try {
      for (String line : Files.readAllLines(file)) {
        int at = line.indexOf("Using ");
        if (at >= 0) {
          return line.substring(at + 6).trim();
        }
      }
    } catch (IOException e) {
      // no log
    }
    return "";
  }

  private static long kib(String value, String unit) {
    long v = Long.parseLong(value);
    return switch (unit) {
      case "K" -> v;
      case "M" -> v * 1024;
      default -> v * 1024 * 1024;
    };
  }
}
