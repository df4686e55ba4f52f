package io.mediaedge.bench;

import static io.mediaedge.bench.BenchFigures.mib;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a forked media-edge holds beyond its heap, read from outside: resident memory split as Linux
 * counts it, and the JVM's native memory tracking summary (only with --nmt).
 */
final class EdgeNativeMemory {
  private EdgeNativeMemory() {}

  /**
   * NMT summary of the JVM {@code pid}: committed MiB per category, biggest first; the text is kept
   * in {@code logs/nmt-LABEL.txt}.
   */
  static JsonObject summary(long pid, Path logs, String label) {
    String text = Proc.jcmd(pid, "VM.native_memory", "summary", "scale=KB");
    try {
      Files.writeString(logs.resolve("nmt-" + label + ".txt"), text);
    } catch (IOException ignored) {
      // the numbers still go into the result
    }
    JsonObject out = new JsonObject().put("file", logs.resolve("nmt-" + label + ".txt").toString());
    Matcher total = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB").matcher(text);
    if (total.find()) {
      out.put("totalCommittedMiB", mib(Long.parseLong(total.group(2))));
    }
    Matcher m = Pattern.compile("(?m)^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)").matcher(text);
    List<Map.Entry<String, Long>> categories = new ArrayList<>();
    while (m.find()) {
      categories.add(Map.entry(m.group(1).trim(), Long.parseLong(m.group(3))));
    }
    categories.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    JsonObject committed = new JsonObject();
    categories.forEach(e -> committed.put(e.getKey(), mib(e.getValue())));
    out.put("committedMiB", committed);
    out.put("rssMiBAtSnapshot", rss(pid));
    return out;
  }

  /** Resident memory now, split as Linux counts it: anonymous (heap, malloc, stacks) vs file-backed. */
  static JsonObject rss(long pid) {
    return new JsonObject()
        .put("total", mib(Proc.statusKiB(pid, "VmRSS")))
        .put("anonymous", mib(Proc.statusKiB(pid, "RssAnon")))
        .put("file", mib(Proc.statusKiB(pid, "RssFile")));
  }
}
