package io.mediaedge.testing.mmdb;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes MaxMind DB ({@code .mmdb}) files, following the MaxMind DB File Format Specification 2.0,
 * so tests and benchmarks can build databases with known answers. No Java writer is published.
 *
 * <pre>{@code
 * new MmdbWriter("GeoLite2-Country", 6)
 *     .put("81.2.69.0/24", Map.of("country", Map.of("iso_code", "GB")))
 *     .put("2a01:4f8::/32", Map.of("country", Map.of("iso_code", "DE")))
 *     .write(dir.resolve("country.mmdb"));
 * }</pre>
 *
 * <p>Values: {@code String}, {@code Map<String, ?>} (map), {@code List<?>} (array), {@code Boolean},
 * {@code Double}, {@code Float}, {@code byte[]}; {@code Integer} and {@code Long} become uint32 when
 * they fit (as MaxMind's own ids and AS numbers are), {@code Long} above that uint64, a negative
 * {@code Integer} int32, {@code BigInteger} uint64 or uint128. {@link #uint16}, {@link #uint64} and
 * {@link #int32} force a type.
 *
 * <p>In an IPv6 database ({@code ipVersion} 6) IPv4 networks are stored under {@code ::/96}, where
 * readers look IPv4 addresses up, and {@code ::ffff:0:0/96} is aliased to that subtree, as in
 * MaxMind's databases. A later {@code put} wins for every address it covers. Identical records are
 * stored once, and repeated strings, maps and arrays inside them are pointers to their first copy.
 * The search tree uses the smallest record size that fits (24, 28 or 32 bits) unless
 * {@link #recordSize} picks one.
 */
public final class MmdbWriter {
  private static final byte[] METADATA_MARKER = {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF,
      'M', 'a', 'x', 'M', 'i', 'n', 'd', '.', 'c', 'o', 'm'};
  private static final int DATA_SEPARATOR = 16;
  private static final int EMPTY = -1;
  // Data section types (spec, "Output Data Section").
  private static final int UTF8 = 2;
  private static final int DOUBLE = 3;
  private static final int BYTES = 4;
  private static final int UINT16 = 5;
  private static final int UINT32 = 6;
  private static final int MAP = 7;
  private static final int INT32 = 8;
  private static final int UINT64 = 9;
  private static final int UINT128 = 10;
  private static final int ARRAY = 11;
  private static final int BOOLEAN = 14;
  private static final int FLOAT = 15;

  /** A value with an explicit data-section type. */
  public record Typed(int type, Object value) {}

  private final String databaseType;
  private final int ipVersion;
  private int recordSize;
  private List<String> languages = List.of("en");
  private Map<String, String> description = Map.of();
  private Instant buildTime = Instant.now();

  // The search tree: child >= 0 is a node, EMPTY is "no data", and -(i + 2) is record i.
  private int[] left = new int[1024];
  private int[] right = new int[1024];
  private int nodes = 1;
  private final List<Object> records = new ArrayList<>();
  private final Map<Object, Integer> recordIndex = new HashMap<>();

  public MmdbWriter(String databaseType, int ipVersion) {
    if (ipVersion != 4 && ipVersion != 6) {
      throw new IllegalArgumentException("ipVersion must be 4 or 6");
    }
    this.databaseType = databaseType;
    this.ipVersion = ipVersion;
    left[0] = EMPTY;
    right[0] = EMPTY;
  }

  public static Typed uint16(int value) {
    return new Typed(UINT16, BigInteger.valueOf(value));
  }

  public static Typed uint64(long value) {
    return new Typed(UINT64, BigInteger.valueOf(value));
  }

  public static Typed int32(int value) {
    return new Typed(INT32, value);
  }

  /** 24, 28 or 32 bits per search-tree record; 0 (the default) picks the smallest that fits. */
  public MmdbWriter recordSize(int bits) {
    if (bits != 0 && bits != 24 && bits != 28 && bits != 32) {
      throw new IllegalArgumentException("record size must be 24, 28 or 32");
    }
    this.recordSize = bits;
    return this;
  }

  public MmdbWriter languages(String... codes) {
    this.languages = List.of(codes);
    return this;
  }

  public MmdbWriter description(String english) {
    this.description = Map.of("en", english);
    return this;
  }

  public MmdbWriter buildTime(Instant time) {
    this.buildTime = time;
    return this;
  }

  /** Maps a network in CIDR notation ({@code 81.2.69.0/24}, {@code 2a01:4f8::/32}) to a record. */
  public MmdbWriter put(String cidr, Map<String, ?> record) {
    int slash = cidr.indexOf('/');
    try {
      InetAddress address = InetAddress.getByName(slash < 0 ? cidr : cidr.substring(0, slash));
      int bits = address.getAddress().length * 8;
      return put(address, slash < 0 ? bits : Integer.parseInt(cidr.substring(slash + 1)), record);
    } catch (UnknownHostException | NumberFormatException e) {
      throw new IllegalArgumentException("not a network: " + cidr, e);
    }
  }

  public MmdbWriter put(InetAddress network, int prefixLength, Map<String, ?> record) {
    byte[] address = network.getAddress();
    if (prefixLength < 0 || prefixLength > address.length * 8) {
      throw new IllegalArgumentException("prefix /" + prefixLength + " does not fit " + network);
    }
    if (ipVersion == 4 && address.length == 16) {
      throw new IllegalArgumentException("an IPv4 database cannot hold " + network.getHostAddress());
    }
    if (ipVersion == 6 && address.length == 4) {
      address = Arrays.copyOf(new byte[12], 16);
      System.arraycopy(network.getAddress(), 0, address, 12, 4);
      prefixLength += 96;
    }
    insert(address, prefixLength, -(recordIndex(record) + 2));
    return this;
  }

  private int recordIndex(Map<String, ?> record) {
    return recordIndex.computeIfAbsent(record, r -> {
      records.add(r);
      return records.size() - 1;
    });
  }

  private void insert(byte[] address, int prefixLength, int value) {
    if (prefixLength == 0) {
      left[0] = value;
      right[0] = value;
      return;
    }
    int node = 0;
    for (int depth = 0; depth < prefixLength - 1; depth++) {
      int child = child(node, bit(address, depth));
      if (child < 0) {
        // Empty or a wider network's record: split, both halves keeping what was there.
        child = newNode(child, child);
        setChild(node, bit(address, depth), child);
      }
      node = child;
    }
    setChild(node, bit(address, prefixLength - 1), value);
  }

  private static int bit(byte[] address, int index) {
    return (address[index >> 3] >> (7 - (index & 7))) & 1;
  }

  private int child(int node, int bit) {
    return bit == 0 ? left[node] : right[node];
  }

  private void setChild(int node, int bit, int value) {
    if (bit == 0) {
      left[node] = value;
    } else {
      right[node] = value;
    }
  }

  private int newNode(int leftChild, int rightChild) {
    if (nodes == left.length) {
      left = Arrays.copyOf(left, nodes * 2);
      right = Arrays.copyOf(right, nodes * 2);
    }
    left[nodes] = leftChild;
    right[nodes] = rightChild;
    return nodes++;
  }

  /** Writes the database to {@code file} (replacing it; not atomically). */
  public void write(Path file) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      writeTo(out);
    }
  }

  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writeTo(out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private void writeTo(OutputStream out) throws IOException {
    if (ipVersion == 6) {
      aliasIpv4Mapped();
    }
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    Map<Object, Integer> written = new HashMap<>();
    long[] offsets = new long[records.size()];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = data.size();
      encode(data, records.get(i), written);
    }
    // Number the nodes reachable from the root (splits and aliases may leave others behind).
    int[] ids = new int[nodes];
    Arrays.fill(ids, -1);
    int[] order = new int[nodes];
    int count = 0;
    ids[0] = 0;
    order[count++] = 0;
    for (int i = 0; i < count; i++) {
      for (int child : new int[] {left[order[i]], right[order[i]]}) {
        if (child >= 0 && ids[child] < 0) {
          ids[child] = count;
          order[count++] = child;
        }
      }
    }
    long largest = (long) count + DATA_SEPARATOR + data.size();
    int bits = recordSize != 0 ? recordSize : largest < (1L << 24) ? 24 : largest < (1L << 28) ? 28 : 32;
    if (largest >= (1L << bits)) {
      throw new IllegalStateException("record size " + bits + " is too small for " + largest);
    }
    byte[] node = new byte[bits / 4];
    for (int i = 0; i < count; i++) {
      long l = recordValue(left[order[i]], ids, count, offsets);
      long r = recordValue(right[order[i]], ids, count, offsets);
      switch (bits) {
        case 24 -> {
          putBytes(node, 0, l, 3);
          putBytes(node, 3, r, 3);
        }
        case 28 -> {
          putBytes(node, 0, l, 3);
          node[3] = (byte) (((l >> 24) & 0x0F) << 4 | ((r >> 24) & 0x0F));
          putBytes(node, 4, r, 3);
        }
        default -> {
          putBytes(node, 0, l, 4);
          putBytes(node, 4, r, 4);
        }
      }
      out.write(node);
    }
    out.write(new byte[DATA_SEPARATOR]);
    data.writeTo(out);
    out.write(METADATA_MARKER);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("node_count", (long) count);
    metadata.put("record_size", uint16(bits));
    metadata.put("ip_version", uint16(ipVersion));
    metadata.put("database_type", databaseType);
    metadata.put("languages", languages);
    metadata.put("binary_format_major_version", uint16(2));
    metadata.put("binary_format_minor_version", uint16(0));
    metadata.put("build_epoch", uint64(buildTime.getEpochSecond()));
    metadata.put("description", description);
    ByteArrayOutputStream meta = new ByteArrayOutputStream();
    encode(meta, metadata, null); // metadata is decoded on its own: no pointers into the data section
    meta.writeTo(out);
  }

  /** Points ::ffff:0:0/96 at the IPv4 subtree under ::/96, when there is one. */
  private void aliasIpv4Mapped() {
    int ipv4 = 0;
    for (int depth = 0; depth < 96 && ipv4 >= 0; depth++) {
      ipv4 = left[ipv4];
    }
    if (ipv4 < 0) {
      return;
    }
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xFF;
    mapped[11] = (byte) 0xFF;
    insert(mapped, 96, ipv4);
  }

  private static long recordValue(int child, int[] ids, int nodeCount, long[] offsets) {
    if (child == EMPTY) {
      return nodeCount;
    }
    return child >= 0 ? ids[child] : nodeCount + DATA_SEPARATOR + offsets[-child - 2];
  }

  private static void putBytes(byte[] target, int at, long value, int length) {
    for (int i = 0; i < length; i++) {
      target[at + i] = (byte) (value >> (8 * (length - 1 - i)));
    }
  }

  /**
   * Encodes {@code value}; with {@code written} (value to data-section offset), a string, map or
   * array already written is stored as a pointer to it, as MaxMind's writer does, so repeated
   * names and keys take a few bytes each.
   */
  private static void encode(ByteArrayOutputStream out, Object value, Map<Object, Integer> written) {
    boolean shareable = written != null && (value instanceof Map<?, ?> || value instanceof List<?>
        || value instanceof String text && text.length() > 3);
    if (shareable) {
      Integer offset = written.get(value);
      if (offset != null) {
        pointer(out, offset);
        return;
      }
      written.put(value, out.size());
    }
    if (value instanceof Typed typed) {
      encodeTyped(out, typed.type(), typed.value());
    } else if (value instanceof String text) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      control(out, UTF8, bytes.length);
      out.writeBytes(bytes);
    } else if (value instanceof Map<?, ?> map) {
      control(out, MAP, map.size());
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        encode(out, (String) entry.getKey(), written);
        encode(out, entry.getValue(), written);
      }
    } else if (value instanceof List<?> list) {
      control(out, ARRAY, list.size());
      list.forEach(item -> encode(out, item, written));
    } else if (value instanceof Boolean flag) {
      control(out, BOOLEAN, flag ? 1 : 0);
    } else if (value instanceof Double number) {
      control(out, DOUBLE, 8);
      out.writeBytes(ByteBuffer.allocate(8).putDouble(number).array());
    } else if (value instanceof Float number) {
      control(out, FLOAT, 4);
      out.writeBytes(ByteBuffer.allocate(4).putFloat(number).array());
    } else if (value instanceof byte[] bytes) {
      control(out, BYTES, bytes.length);
      out.writeBytes(bytes);
    } else if (value instanceof Integer number) {
      encodeTyped(out, number < 0 ? INT32 : UINT32, number < 0 ? number : BigInteger.valueOf(number));
    } else if (value instanceof Long number) {
      if (number < 0) {
        throw new IllegalArgumentException("negative long " + number + ": use int32 or a double");
      }
      encodeTyped(out, number < (1L << 32) ? UINT32 : UINT64, BigInteger.valueOf(number));
    } else if (value instanceof BigInteger number) {
      encodeTyped(out, number.bitLength() <= 64 ? UINT64 : UINT128, number);
    } else {
      throw new IllegalArgumentException("cannot store a " + (value == null ? "null" : value.getClass().getName()));
    }
  }

  private static void encodeTyped(ByteArrayOutputStream out, int type, Object value) {
    if (type == INT32) {
      control(out, INT32, 4);
      out.writeBytes(ByteBuffer.allocate(4).putInt((Integer) value).array());
      return;
    }
    BigInteger number = (BigInteger) value;
    int maxBytes = switch (type) {
      case UINT16 -> 2;
      case UINT32 -> 4;
      case UINT64 -> 8;
      case UINT128 -> 16;
      default -> throw new IllegalArgumentException("unsupported explicit type " + type);
    };
    if (number.signum() < 0 || number.bitLength() > maxBytes * 8) {
      throw new IllegalArgumentException(number + " does not fit type " + type);
    }
    // Unsigned integers are stored big-endian in as few bytes as they need (0 needs none).
    byte[] bytes = number.toByteArray();
    int skip = 0;
    while (skip < bytes.length && bytes[skip] == 0) {
      skip++;
    }
    control(out, type, bytes.length - skip);
    out.write(bytes, skip, bytes.length - skip);
  }

  /** A pointer (type 1) to a data-section offset: 001SSVVV, then SS + 1 bytes (spec, "Pointer - 1"). */
  private static void pointer(ByteArrayOutputStream out, int offset) {
    if (offset < 1 << 11) {
      out.write(0x20 | offset >> 8);
      out.write(offset);
    } else if (offset < (1 << 19) + 2048) {
      int value = offset - 2048;
      out.write(0x28 | value >> 16);
      out.write(value >> 8);
      out.write(value);
    } else if (offset < (1 << 27) + 526_336) {
      int value = offset - 526_336;
      out.write(0x30 | value >> 24);
      out.write(value >> 16);
      out.write(value >> 8);
      out.write(value);
    } else {
      out.write(0x38);
      out.writeBytes(ByteBuffer.allocate(4).putInt(offset).array());
    }
  }

  /** The control byte(s): type in the top 3 bits (or an extended type byte), then the size. */
  private static void control(ByteArrayOutputStream out, int type, int size) {
    int sizeBits;
    byte[] sizeBytes;
    if (size < 29) {
      sizeBits = size;
      sizeBytes = new byte[0];
    } else if (size < 29 + 256) {
      sizeBits = 29;
      sizeBytes = new byte[] {(byte) (size - 29)};
    } else if (size < 285 + 65_536) {
      sizeBits = 30;
      sizeBytes = new byte[] {(byte) ((size - 285) >> 8), (byte) (size - 285)};
    } else {
      sizeBits = 31;
      int rest = size - 65_821;
      sizeBytes = new byte[] {(byte) (rest >> 16), (byte) (rest >> 8), (byte) rest};
    }
    if (type <= 7) {
      out.write(type << 5 | sizeBits);
    } else {
      out.write(sizeBits);
      out.write(type - 7);
    }
    out.writeBytes(sizeBytes);
  }
}
