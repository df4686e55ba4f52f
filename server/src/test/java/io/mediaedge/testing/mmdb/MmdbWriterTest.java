package io.mediaedge.testing.mmdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.maxmind.db.DatabaseRecord;
import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Round trips through MaxMind's own reader: what the writer stores is what the reader finds. */
class MmdbWriterTest {
  @TempDir Path dir;

  private static InetAddress ip(String text) throws IOException {
    return InetAddress.getByName(text);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> lookup(Reader reader, String address) throws IOException {
    return reader.get(ip(address), Map.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {24, 28, 32})
  void everyRecordSizeRoundTripsIpv4AndIpv6Networks(int recordSize) throws IOException {
    Path file = dir.resolve("db-" + recordSize + ".mmdb");
    new MmdbWriter("Test-Country", 6).recordSize(recordSize)
        .put("81.2.69.0/24", Map.of("country", Map.of("iso_code", "GB")))
        .put("81.2.69.128/26", Map.of("country", Map.of("iso_code", "IE")))
        .put("2a01:4f8::/32", Map.of("country", Map.of("iso_code", "DE")))
        .write(file);

    try (Reader reader = new Reader(file.toFile(), Reader.FileMode.MEMORY_MAPPED)) {
      assertEquals(recordSize, reader.getMetadata().recordSize());
      assertEquals(Map.of("country", Map.of("iso_code", "GB")), lookup(reader, "81.2.69.1"));
      assertEquals(Map.of("country", Map.of("iso_code", "IE")), lookup(reader, "81.2.69.160"));
      assertEquals(Map.of("country", Map.of("iso_code", "GB")), lookup(reader, "81.2.69.255"));
      assertEquals(Map.of("country", Map.of("iso_code", "DE")), lookup(reader, "2a01:4f8:c17:1::2"));
      assertNull(lookup(reader, "81.2.70.1"));
      assertNull(lookup(reader, "2a01:4f9::1"));
      assertNull(lookup(reader, "::1"));
    }
  }

  @Test
  void ipv4NetworksAreFoundAsIpv4AndAsMappedIpv6() throws IOException {
    byte[] db = new MmdbWriter("Test", 6).put("10.0.0.0/8", Map.of("v", "ten")).toBytes();
    try (Reader reader = new Reader(new ByteArrayInputStream(db))) {
      DatabaseRecord<Map> record = reader.getRecord(ip("10.20.30.40"), Map.class);
      assertEquals(Map.of("v", "ten"), record.data());
      assertEquals(8, record.network().prefixLength());
      // ::ffff:10.20.30.40 as a true IPv6 address (Java turns the text form into IPv4 by itself).
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xFF;
      mapped[11] = (byte) 0xFF;
      System.arraycopy(ip("10.20.30.40").getAddress(), 0, mapped, 12, 4);
      assertEquals(Map.of("v", "ten"), reader.get(java.net.Inet6Address.getByAddress(null, mapped, -1), Map.class));
      assertEquals(Map.of("v", "ten"), lookup(reader, "::10.20.30.40"));
    }
  }

  @Test
  void ipv4OnlyDatabase() throws IOException {
    byte[] db = new MmdbWriter("Test-IPv4", 4).put("192.0.2.0/24", Map.of("v", "doc")).toBytes();
    try (Reader reader = new Reader(new ByteArrayInputStream(db))) {
      assertEquals(4, reader.getMetadata().ipVersion());
      assertEquals(Map.of("v", "doc"), lookup(reader, "192.0.2.77"));
      assertNull(lookup(reader, "192.0.3.1"));
    }
  }

  @Test
  void everyValueTypeDecodesAsTheReaderDecodesMaxMindData() throws IOException {
    String longText = "x".repeat(70_000);
    Map<String, Object> record = Map.ofEntries(
        Map.entry("text", "Zürich"),
        Map.entry("medium", "m".repeat(300)),
        Map.entry("long", longText),
        Map.entry("uint16", MmdbWriter.uint16(65_535)),
        Map.entry("uint32", 4_000_000_000L),
        Map.entry("asn", 20712),
        Map.entry("zero", 0),
        Map.entry("uint64", BigInteger.ONE.shiftLeft(63)),
        Map.entry("uint128", BigInteger.ONE.shiftLeft(100)),
        Map.entry("int32", -5),
        Map.entry("double", 51.5142),
        Map.entry("float", 1.5f),
        Map.entry("yes", true),
        Map.entry("no", false),
        Map.entry("bytes", new byte[] {1, 2, 3}),
        Map.entry("list", List.of("a", "b")),
        Map.entry("names", Map.of("en", "London", "de", "London")));
    byte[] db = new MmdbWriter("Types", 6).put("2001:db8::/32", record).toBytes();

    try (Reader reader = new Reader(new ByteArrayInputStream(db))) {
      Map<String, Object> back = lookup(reader, "2001:db8::1");
      assertEquals("Zürich", back.get("text"));
      assertEquals(300, ((String) back.get("medium")).length());
      assertEquals(longText, back.get("long"));
      assertEquals(65_535, back.get("uint16"));
      assertEquals(4_000_000_000L, back.get("uint32"));
      assertEquals(20712L, back.get("asn"));
      assertEquals(0L, back.get("zero"));
      assertEquals(BigInteger.ONE.shiftLeft(63), back.get("uint64"));
      assertEquals(BigInteger.ONE.shiftLeft(100), back.get("uint128"));
      assertEquals(-5, back.get("int32"));
      assertEquals(51.5142, back.get("double"));
      assertEquals(1.5f, back.get("float"));
      assertEquals(true, back.get("yes"));
      assertEquals(false, back.get("no"));
      assertEquals(3, ((byte[]) back.get("bytes")).length);
      assertEquals(List.of("a", "b"), back.get("list"));
      assertEquals(Map.of("en", "London", "de", "London"), back.get("names"));
    }
  }

  @Test
  void metadataIsWhatTheReaderExpects() throws IOException {
    Instant built = Instant.parse("2026-11-17T00:00:00Z");
    byte[] db = new MmdbWriter("GeoLite2-ASN", 6).languages("en", "de").description("test ASN")
        .buildTime(built).put("81.2.69.0/24", Map.of("autonomous_system_number", 20712)).toBytes();
    try (Reader reader = new Reader(new ByteArrayInputStream(db))) {
      Metadata metadata = reader.getMetadata();
      assertEquals("GeoLite2-ASN", metadata.databaseType());
      assertEquals(6, metadata.ipVersion());
      assertEquals(2, metadata.binaryFormatMajorVersion());
      assertEquals(0, metadata.binaryFormatMinorVersion());
      assertEquals(List.of("en", "de"), metadata.languages());
      assertEquals(Map.of("en", "test ASN"), metadata.description());
      assertEquals(built, metadata.buildTime());
    }
  }

  @Test
  void laterNetworksWinWhereTheyOverlap() throws IOException {
    byte[] db = new MmdbWriter("dbip", 6)
        .put("192.0.2.0/24", Map.of("country_code", "FR"))
        .put("192.0.2.128/25", Map.of("country_code", "BE"))
        .put("198.51.100.0/25", Map.of("country_code", "IT"))
        .put("198.51.100.0/24", Map.of("country_code", "ES"))
        .toBytes();
    try (Reader reader = new Reader(new ByteArrayInputStream(db))) {
      assertEquals(Map.of("country_code", "FR"), lookup(reader, "192.0.2.1"));
      assertEquals(Map.of("country_code", "BE"), lookup(reader, "192.0.2.200"));
      assertEquals(Map.of("country_code", "ES"), lookup(reader, "198.51.100.1"));
      assertEquals(Map.of("country_code", "ES"), lookup(reader, "198.51.100.200"));
    }
  }

  @Test
  void identicalRecordsAreStoredOnce() {
    Map<String, Object> big = Map.of("organization", "o".repeat(1000));
    MmdbWriter writer = new MmdbWriter("dbip", 6);
    for (int i = 0; i < 1000; i++) {
      writer.put("10." + (i / 256) + "." + (i % 256) + ".0/24", big);
    }
    // 1,000 copies would take a megabyte; one copy and the tree take a few dozen kilobytes.
    assertTrue(writer.toBytes().length < 100_000);
  }

  @Test
  void repeatedValuesArePointersOfEverySize() throws IOException {
    // Pointers carry 11, 19 or 27 bits (plus an offset); the shared values sit past 2 KiB and 512 KiB.
    Map<String, Object> near = Map.of("en", "Near", "de", "Nah");
    Map<String, Object> middle = Map.of("en", "Middle", "de", "Mitte");
    Map<String, Object> far = Map.of("en", "Far", "de", "Fern");
    byte[] db = new MmdbWriter("Pointers", 6)
        .put("10.0.0.0/24", ordered("names", near, "pad", "p".repeat(3000), "middle", middle))
        .put("10.0.1.0/24", ordered("pad", "q".repeat(600_000), "far", far))
        .put("10.0.2.0/24", Map.of("a", near, "b", middle, "c", far, "list", List.of("Near", "Middle")))
        .put("10.0.3.0/24", Map.of("again", List.of("Near", "Middle"), "names", near))
        .toBytes();
    try (Reader reader = new Reader(new ByteArrayInputStream(db))) {
      assertEquals(Map.of("a", near, "b", middle, "c", far, "list", List.of("Near", "Middle")),
          lookup(reader, "10.0.2.9"));
      assertEquals(Map.of("again", List.of("Near", "Middle"), "names", near), lookup(reader, "10.0.3.9"));
      assertEquals(middle, lookup(reader, "10.0.0.9").get("middle"));
    }
    // The repeated 600 KB string would double the file if it were not shared.
    byte[] twice = new MmdbWriter("Pointers", 6)
        .put("10.0.1.0/24", Map.of("pad", "q".repeat(600_000)))
        .put("10.0.2.0/24", Map.of("pad", "q".repeat(600_000), "other", 1))
        .toBytes();
    assertTrue(twice.length < 610_000, "size " + twice.length);
  }

  /** A map that keeps its keys in the order given, so values land at known places in the file. */
  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
