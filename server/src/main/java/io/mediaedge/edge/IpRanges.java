package io.mediaedge.edge;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** An immutable set of CIDR ranges, checked linearly: proxy lists hold tens of ranges, not thousands. */
public final class IpRanges {
  public static final IpRanges NONE = new IpRanges(List.of());

  private final List<IpRange> ranges;

  private IpRanges(List<IpRange> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  public static IpRanges of(Collection<String> cidrs) {
    List<IpRange> out = new ArrayList<>();
    for (String cidr : cidrs) {
      out.add(IpRange.parse(cidr));
    }
    return new IpRanges(out);
  }

  /**
   * Reads one range per line; blank lines and text after {@code #} are ignored. A line that is
   * not a range fails the whole file with its line number (a half-read list would trust too
   * little or, worse, the wrong peers).
   */
  public static IpRanges read(Path file) throws IOException {
    List<IpRange> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String text = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (text.isEmpty()) {
        continue;
      }
      try {
        out.add(IpRange.parse(text));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return new IpRanges(out);
  }

  public IpRanges plus(IpRanges other) {
    List<IpRange> all = new ArrayList<>(ranges);
    all.addAll(other.ranges);
    return new IpRanges(all);
  }

  public boolean contains(InetAddress address) {
    for (IpRange range : ranges) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  public int size() {
    return ranges.size();
  }

  public List<IpRange> ranges() {
    return ranges;
  }
}
