package io.mediaedge.upload;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Checks the first bytes of an upload against the media type the client declared.
 *
 * <p>This is a plausibility check, not a decoder: it stops an upload labelled as one media type
 * from carrying something else entirely (an HTML page, an executable, a different format that
 * downstream consumers would mis-handle). Each rule looks only at fixed leading bytes so the
 * check can run on the first chunk of a streamed body without buffering.
 *
 * <p>Where real-world files of one type legitimately start in several ways, all of them are
 * accepted; the per-type notes below say which and why.
 */
public final class MediaSignature {

  /**
   * The most leading bytes any rule inspects. 32 covers the ISO-BMFF {@code ftyp} header plus
   * the first four compatible brands, which is what the HEIF/AVIF rule needs.
   */
  public static final int BYTES_NEEDED = 32;

  // HEIF brands whose coding format is HEVC (ISO/IEC 23008-12): images, then sequences.
  private static final Set<String> HEVC_BRANDS =
      Set.of("heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs");
  // AVIF (AV1 in HEIF): still image and image sequence.
  private static final Set<String> AV1_BRANDS = Set.of("avif", "avis");
  // Structural HEIF brands that say "HEIF image/sequence" without naming the codec; the codec
  // then shows up among the compatible brands (e.g. Nokia samples: major mif1, compat heic).
  private static final Set<String> GENERIC_HEIF_BRANDS = Set.of("mif1", "msf1", "mif2");
  private static final Set<String> HEIF_CODEC_BRANDS = union(HEVC_BRANDS, AV1_BRANDS);
  private static final Set<String> ALL_HEIF_BRANDS = union(HEIF_CODEC_BRANDS, GENERIC_HEIF_BRANDS);

  // Top-level atoms that open a classic (pre-ftyp) QuickTime movie.
  private static final Set<String> QUICKTIME_ATOMS =
      Set.of("moov", "mdat", "wide", "free", "skip", "pnot");

  // 3GPP TS 26.244 brand families (3gp4..., plus the release-6+ extended/general/progressive/
  // streaming profiles); 3g2* is 3GPP2, which clients routinely label video/3gpp too.
  private static final Set<String> THREE_GPP_BRAND_PREFIXES =
      Set.of("3gp", "3g2", "3ge", "3gg", "3gr", "3gs");

  private static final byte[] PNG_MAGIC = {
    (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'
  };
  private static final byte[] EBML_MAGIC = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3};

  private static final Map<String, Predicate<byte[]>> RULES = Map.ofEntries(
      Map.entry("image/jpeg", h -> startsWith(h, 0, (byte) 0xFF, (byte) 0xD8, (byte) 0xFF)),
      Map.entry("image/png", h -> startsWith(h, 0, PNG_MAGIC)),
      Map.entry("image/gif", h -> ascii(h, 0, "GIF87a") || ascii(h, 0, "GIF89a")),
      Map.entry("image/webp", MediaSignature::isWebp),
      Map.entry("image/heic", h -> isHeif(h, HEVC_BRANDS, AV1_BRANDS)),
      // image/heif names the container, not the codec, so either codec family fits.
      Map.entry("image/heif", h -> isHeif(h, HEIF_CODEC_BRANDS, Set.of())),
      Map.entry("image/avif", h -> isHeif(h, AV1_BRANDS, HEVC_BRANDS)),
      Map.entry("video/mp4", MediaSignature::isMp4),
      Map.entry("audio/mp4", MediaSignature::isMp4),
      Map.entry("audio/x-m4a", MediaSignature::isMp4),
      Map.entry("video/x-m4v", MediaSignature::isMp4),
      Map.entry("video/quicktime", MediaSignature::isQuickTime),
      Map.entry("video/3gpp", MediaSignature::is3gpp),
      Map.entry("audio/3gpp", MediaSignature::is3gpp),
      Map.entry("video/webm", h -> startsWith(h, 0, EBML_MAGIC)),
      Map.entry("audio/webm", h -> startsWith(h, 0, EBML_MAGIC)),
      Map.entry("audio/mpeg", h -> isId3v2(h) || isMpegAudioFrame(h)),
      Map.entry("audio/aac", h -> isId3v2(h) || isAdts(h) || ascii(h, 0, "ADIF")),
      Map.entry("audio/ogg", MediaSignature::isOgg),
      Map.entry("video/ogg", MediaSignature::isOgg),
      Map.entry("audio/opus", MediaSignature::isOgg),
      Map.entry("audio/wav", MediaSignature::isWave),
      Map.entry("audio/x-wav", MediaSignature::isWave),
      Map.entry("audio/wave", MediaSignature::isWave),
      Map.entry("audio/vnd.wave", MediaSignature::isWave),
      Map.entry("audio/flac", h -> ascii(h, 0, "fLaC")),
      // "#!AMR" also prefixes the AMR-WB ("#!AMR-WB\n") and multichannel variants; clients
      // label those audio/amr as well, and they are the same family of content.
      Map.entry("audio/amr", h -> ascii(h, 0, "#!AMR")));

  private MediaSignature() {}

  /**
   * Whether {@code head} starts the way a file of {@code mediaType} does.
   *
   * @param mediaType lower-case type/subtype without parameters
   * @param head the first {@code min(BYTES_NEEDED, bodyLength)} bytes of the body; extra bytes
   *     are ignored
   * @return false for unknown types and for heads too short to hold the type's signature
   */
  public static boolean matches(String mediaType, byte[] head) {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(head, "head");
    Predicate<byte[]> rule = RULES.get(mediaType);
    return rule != null && rule.test(head);
  }

  /** Whether there is a signature rule for {@code mediaType} (lower-case, no parameters). */
  public static boolean isKnown(String mediaType) {
    return mediaType != null && RULES.containsKey(mediaType);
  }

  // ---- container rules ------------------------------------------------------------------

  private static boolean isWebp(byte[] h) {
    // RIFF container with form type WEBP; the first chunk must be one of the three WebP
    // bitstream chunk types, which keeps other RIFF forms out.
    return ascii(h, 0, "RIFF") && ascii(h, 8, "WEBP")
        && (ascii(h, 12, "VP8 ") || ascii(h, 12, "VP8L") || ascii(h, 12, "VP8X"));
  }

  private static boolean isWave(byte[] h) {
    // RF64 is the 64-bit-size variant (EBU Tech 3306) used for WAV files above 4 GiB.
    return (ascii(h, 0, "RIFF") || ascii(h, 0, "RF64")) && ascii(h, 8, "WAVE");
  }

  private static boolean isOgg(byte[] h) {
    // "OggS" capture pattern followed by stream structure version 0, the only one defined.
    return ascii(h, 0, "OggS") && h.length > 4 && h[4] == 0;
  }

  /**
   * HEIF/AVIF: the major brand must name the declared codec family, or be a generic HEIF brand
   * whose compatible brands (as far as the head shows them) do not name a different family.
   */
  private static boolean isHeif(byte[] h, Set<String> wanted, Set<String> conflicting) {
    String major = majorBrand(h);
    if (major == null) {
      return false;
    }
    if (wanted.contains(major)) {
      return true;
    }
    if (!GENERIC_HEIF_BRANDS.contains(major)) {
      return false;
    }
    boolean sawConflict = false;
    for (String brand : compatibleBrands(h)) {
      if (wanted.contains(brand)) {
        return true;
      }
      sawConflict |= conflicting.contains(brand);
    }
    // Codec not visible in the head: the generic brand still says "HEIF image", which fits.
    return !sawConflict;
  }

  /**
   * MP4 family: any ISO-BMFF file except HEIF/AVIF images and image sequences. MP4, M4A, M4V,
   * 3GP and QuickTime-branded files share the same box structure and clients mix up their labels
   * freely, so refusing those would only reject real uploads; a HEIF brand, on the other hand,
   * means a still image (or animated image) whose consumers expect an image type.
   */
  private static boolean isMp4(byte[] h) {
    String major = majorBrand(h);
    return major != null && !ALL_HEIF_BRANDS.contains(major);
  }

  private static boolean isQuickTime(byte[] h) {
    String major = majorBrand(h);
    if (major != null) {
      return major.equals("qt  ");
    }
    // Older movies have no ftyp box and open directly with one of the classic atoms.
    return h.length >= 8 && QUICKTIME_ATOMS.contains(fourCc(h, 4));
  }

  private static boolean is3gpp(byte[] h) {
    String major = majorBrand(h);
    return major != null && THREE_GPP_BRAND_PREFIXES.contains(major.substring(0, 3));
  }

  /**
   * The major brand of a leading ISO-BMFF {@code ftyp} box, or null when the head does not start
   * with a plausible one (box size must cover major brand and minor version; brands are
   * printable four-character codes).
   */
  private static String majorBrand(byte[] h) {
    if (h.length < 12 || !ascii(h, 4, "ftyp") || ftypBoxSize(h) < 16) {
      return null;
    }
    return isFourCc(h, 8) ? fourCc(h, 8) : null;
  }

  /** Compatible brands that lie inside both the ftyp box and the head. */
  private static List<String> compatibleBrands(byte[] h) {
    long end = Math.min(ftypBoxSize(h), h.length);
    List<String> brands = new ArrayList<>();
    for (int off = 16; off + 4 <= end; off += 4) {
      if (isFourCc(h, off)) {
        brands.add(fourCc(h, off));
      }
    }
    return brands;
  }

  private static long ftypBoxSize(byte[] h) {
    return ((h[0] & 0xFFL) << 24) | ((h[1] & 0xFFL) << 16) | ((h[2] & 0xFFL) << 8) | (h[3] & 0xFFL);
  }

  // ---- audio elementary streams --------------------------------------------------------

  /**
   * ID3v2 tag header as its spec describes it: "ID3", two version bytes below 0xFF, a flags
   * byte, then four sync-safe size bytes below 0x80. The audio frames follow the tag, beyond
   * the head, so the tag itself is all we can check.
   */
  private static boolean isId3v2(byte[] h) {
    if (h.length < 10 || !ascii(h, 0, "ID3")) {
      return false;
    }
    if ((h[3] & 0xFF) == 0xFF || (h[4] & 0xFF) == 0xFF) {
      return false;
    }
    for (int i = 6; i < 10; i++) {
      if ((h[i] & 0x80) != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * MPEG-1/2/2.5 audio frame header: 11 sync bits, then version, layer, bitrate and sample-rate
   * fields that must not hold their reserved/forbidden values. Layer 00 is reserved here and is
   * exactly what distinguishes ADTS (AAC) from MP3. Free-format bitrate (0000) is valid and kept.
   */
  private static boolean isMpegAudioFrame(byte[] h) {
    if (h.length < 3 || (h[0] & 0xFF) != 0xFF || (h[1] & 0xE0) != 0xE0) {
      return false;
    }
    int version = (h[1] >> 3) & 0x3;
    int layer = (h[1] >> 1) & 0x3;
    int bitrate = (h[2] >> 4) & 0xF;
    int sampleRate = (h[2] >> 2) & 0x3;
    return version != 0b01 && layer != 0b00 && bitrate != 0xF && sampleRate != 0b11;
  }

  /**
   * ADTS frame header: 12 sync bits, layer 00, and a sampling-frequency index in the defined
   * range 0..12 (13, 14 are reserved and 15 "explicit" is not allowed in ADTS).
   */
  private static boolean isAdts(byte[] h) {
    if (h.length < 3 || (h[0] & 0xFF) != 0xFF || (h[1] & 0xF6) != 0xF0) {
      return false;
    }
    int samplingIndex = (h[2] >> 2) & 0xF;
    return samplingIndex <= 12;
  }

  // ---- byte helpers --------------------------------------------------------------------

  private static boolean startsWith(byte[] h, int offset, byte... expected) {
    if (h.length < offset + expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (h[offset + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean ascii(byte[] h, int offset, String expected) {
    if (h.length < offset + expected.length()) {
      return false;
    }
    for (int i = 0; i < expected.length(); i++) {
      if (h[offset + i] != (byte) expected.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isFourCc(byte[] h, int offset) {
    for (int i = offset; i < offset + 4; i++) {
      if (h[i] < 0x20 || h[i] > 0x7E) {
        return false;
      }
    }
    return true;
  }

  private static String fourCc(byte[] h, int offset) {
    return new String(h, offset, 4, StandardCharsets.US_ASCII);
  }

  @SafeVarargs
  private static Set<String> union(Set<String>... sets) {
    Set<String> all = new HashSet<>();
    for (Set<String> s : sets) {
      all.addAll(s);
    }
    return Set.copyOf(all);
  }
}
