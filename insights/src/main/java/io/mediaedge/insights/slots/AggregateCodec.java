package io.mediaedge.insights.slots;

import io.mediaedge.eventschema.HistoryEvent.Action;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary form of an {@link Aggregate}: the value of a record on the partials topic. Compact
 * because a busy minute holds thousands of (country, ASN) entries: numbers are varints, each name
 * is written once and then referred to by number, histograms are their used buckets as deltas.
 * The first byte is the format's version; a reader refuses a version it does not know.
 *
 * <p>Version 2 added each network's measured uploads (those of at least
 * {@link NetworkSlot#MEASURED_MIN_BYTES}). A version-1 partial (an instance not yet upgraded) is
 * still read, its uploads all taken as measured, as version 1 measured them.
 *
 * <p>Version 3 added the thumbnails worker's results at the end ({@link ThumbnailFigures}: lag
 * histograms per region, media settled per outcome and reason); an older partial has none.
 */
public final class AggregateCodec {
  public static final int VERSION = 3;
  private static final int FIRST_VERSION_READ = 1;
  private static final Action[] ACTIONS = Action.values();

  private AggregateCodec() {}

  public static byte[] encode(Aggregate aggregate) {
    return encode(aggregate, VERSION);
  }

  /** In an older {@code version} too: what an instance not yet upgraded writes (for tests). */
  static byte[] encode(Aggregate aggregate, int version) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      Writer w = new Writer(out);
      out.writeByte(version);
      w.number(aggregate.events());
      for (KeyedCounts table : tables(aggregate)) {
        w.number(table.size());
        table.forEach((key, counts) -> w.run(() -> {
          w.name(key);
          w.outcomes(counts);
        }));
      }
      w.number(aggregate.networkCount());
      aggregate.forEachNetwork((key, network) -> w.run(() -> {
        w.name(key);
        w.name(network.isp());
        w.outcomes(network.outcomes());
        w.histogram(network.uploadLatency());
        w.number(network.uploads());
        w.number(network.uploadBytes());
        w.number(network.uploadMillis());
        if (version >= 2) {
          w.number(network.measuredUploads());
          w.number(network.measuredBytes());
          w.number(network.measuredMillis());
        }
      }));
      List<Map.Entry<String, LatencyHistogram[]>> regions = new ArrayList<>();
      aggregate.forEachRegionLatency((region, histograms) -> regions.add(Map.entry(region, histograms)));
      w.number(regions.size());
      for (Map.Entry<String, LatencyHistogram[]> region : regions) {
        w.name(region.getKey());
        w.histograms(region.getValue());
      }
      for (Action action : ACTIONS) {
        long[] lengths = aggregate.lengthCountsOrNull(action);
        out.writeBoolean(lengths != null);
        if (lengths != null) {
          for (long count : lengths) {
            w.number(count);
          }
        }
      }
      if (version >= 3) {
        thumbnails(w, aggregate.thumbnails());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** @throws IllegalArgumentException when the bytes are not an aggregate of a known version */
  public static Aggregate decode(byte[] value) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
      int version = in.readUnsignedByte();
      if (version < FIRST_VERSION_READ || version > VERSION) {
        throw new IllegalArgumentException("partial of format version " + version + "; this reader knows "
            + FIRST_VERSION_READ + " to " + VERSION);
      }
      Reader r = new Reader(in);
      Aggregate aggregate = new Aggregate();
      aggregate.addEvents(r.number());
      for (KeyedCounts table : tables(aggregate)) {
        for (long n = r.number(); n > 0; n--) {
          String key = r.name();
          r.outcomes((outcome, count) -> table.add(key, outcome, count));
        }
      }
      for (long n = r.number(); n > 0; n--) {
        String key = r.name();
        int slash = key.indexOf('/');
        if (slash < 0) {
          throw new IllegalArgumentException("network key without '/': " + key);
        }
        NetworkSlot network = aggregate.network(key.substring(0, slash), key.substring(slash + 1));
        network.setIsp(r.name());
        r.outcomes(network.outcomes()::add);
        r.histogram(network.uploadLatency());
        long uploads = r.number();
        long bytes = r.number();
        long millis = r.number();
        network.addUploads(uploads, bytes, millis);
        if (version >= 2) {
          network.addMeasured(r.number(), r.number(), r.number());
        } else {
          network.addMeasured(uploads, bytes, millis);
        }
      }
      for (long n = r.number(); n > 0; n--) {
        String region = r.name();
        r.histograms(action -> aggregate.regionLatency(region, action));
      }
      for (Action action : ACTIONS) {
        if (in.readBoolean()) {
          long[] lengths = aggregate.lengthCounts(action);
          for (int i = 0; i < lengths.length; i++) {
            lengths[i] = r.number();
          }
        }
      }
      if (version >= 3) {
        thumbnails(r, aggregate.thumbnails());
      }
      aggregate.trim();
      return aggregate;
    } catch (IOException e) {
      throw new IllegalArgumentException("a partial is truncated or corrupt: " + e.getMessage(), e);
    }
  }

  private static void thumbnails(Writer w, ThumbnailFigures thumbnails) throws IOException {
    List<Map.Entry<String, LatencyHistogram>> regions = new ArrayList<>();
    thumbnails.forEachRegionLag((region, lag) -> regions.add(Map.entry(region, lag)));
    w.number(regions.size());
    for (Map.Entry<String, LatencyHistogram> region : regions) {
      w.name(region.getKey());
      w.histogram(region.getValue());
    }
    List<Map.Entry<String, Long>> settled = new ArrayList<>();
    thumbnails.forEachSettled((key, count) -> settled.add(Map.entry(key, count)));
    w.number(settled.size());
    for (Map.Entry<String, Long> outcome : settled) {
      w.name(outcome.getKey());
      w.number(outcome.getValue());
    }
  }

  private static void thumbnails(Reader r, ThumbnailFigures thumbnails) throws IOException {
    for (long n = r.number(); n > 0; n--) {
      r.histogram(thumbnails.lag(r.name()));
    }
    for (long n = r.number(); n > 0; n--) {
      thumbnails.addSettled(r.name(), r.number());
    }
  }

  private static List<KeyedCounts> tables(Aggregate aggregate) {
    return List.of(aggregate.byCountry(), aggregate.byPop(), aggregate.byRegion(), aggregate.byContentType());
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private interface OutcomeSink {
    void add(Outcome outcome, long count);
  }

  private interface HistogramSource {
    LatencyHistogram of(Action action);
  }

  private static final class Writer {
    private final DataOutputStream out;
    private final Map<String, Integer> names = new HashMap<>();

    Writer(DataOutputStream out) {
      this.out = out;
    }

    void run(IoAction action) {
      try {
        action.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void number(long value) throws IOException {
      long v = value;
      while ((v & ~0x7FL) != 0) {
        out.writeByte((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.writeByte((int) v);
    }

    /** 0 and the text for a name not written yet; its number + 1 afterwards. */
    void name(String name) throws IOException {
      Integer known = names.get(name);
      if (known != null) {
        number(known + 1L);
        return;
      }
      names.put(name, names.size());
      number(0);
      out.writeUTF(name);
    }

    void outcomes(OutcomeCounts counts) throws IOException {
      number(counts.size());
      IOException[] failure = new IOException[1];
      counts.forEach((outcome, count) -> {
        try {
          out.writeByte(outcome.action().ordinal());
          name(outcome.status());
          number(count);
        } catch (IOException e) {
          failure[0] = e;
        }
      });
      if (failure[0] != null) {
        throw failure[0];
      }
    }

    void histograms(LatencyHistogram[] byAction) throws IOException {
      int present = 0;
      for (int a = 0; a < byAction.length; a++) {
        present |= byAction[a] != null ? 1 << a : 0;
      }
      out.writeByte(present);
      for (LatencyHistogram histogram : byAction) {
        if (histogram != null) {
          histogram(histogram);
        }
      }
    }

    /** The used buckets as deltas from the previous one, each with its count. */
    void histogram(LatencyHistogram histogram) throws IOException {
      number(histogram.bucketCount());
      int previous = 0;
      for (int i = 0; i < histogram.bucketCount(); i++) {
        number(histogram.bucketAt(i) - previous);
        previous = histogram.bucketAt(i);
        number(histogram.countAt(i));
      }
    }
  }

  private static final class Reader {
    private final DataInputStream in;
    private final List<String> names = new ArrayList<>();

    Reader(DataInputStream in) {
      this.in = in;
    }

    long number() throws IOException {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = in.readUnsignedByte();
        value |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw new IOException("a varint longer than 64 bits");
    }

    String name() throws IOException {
      long ref = number();
      if (ref == 0) {
        String name = Names.canonical(in.readUTF());
        names.add(name);
        return name;
      }
      if (ref > names.size()) {
        throw new IOException("a name reference past the names read so far");
      }
      return names.get((int) ref - 1);
    }

    void outcomes(OutcomeSink sink) throws IOException {
      for (long n = number(); n > 0; n--) {
        int action = in.readUnsignedByte();
        if (action >= ACTIONS.length) {
          throw new IOException("unknown action " + action);
        }
        String status = name();
        sink.add(Outcome.of(ACTIONS[action], status), number());
      }
    }

    void histograms(HistogramSource target) throws IOException {
      int present = in.readUnsignedByte();
      for (Action action : ACTIONS) {
        if ((present & (1 << action.ordinal())) != 0) {
          histogram(target.of(action));
        }
      }
    }

    void histogram(LatencyHistogram histogram) throws IOException {
      int bucket = 0;
      for (long n = number(); n > 0; n--) {
        bucket += (int) number();
        histogram.add(bucket, number());
      }
    }
  }
}
