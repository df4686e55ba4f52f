package io.mediaedge.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.config.CheckableMediaTypes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MediaSignatureTest {

  // ---- sample heads, modelled on what real encoders/devices write ----------------------

  static final byte[] JPEG_JFIF = cat(hex("FF D8 FF E0 00 10"), ascii("JFIF"), hex("00 01 01 00 00 48 00 48 00 00"));
  static final byte[] JPEG_EXIF = cat(hex("FF D8 FF E1 1C 45"), ascii("Exif"), hex("00 00 4D 4D 00 2A"));
  static final byte[] PNG = cat(hex("89 50 4E 47 0D 0A 1A 0A 00 00 00 0D"), ascii("IHDR"), hex("00 00 01 00 00 00 01 00 08 06 00 00 00"));
  static final byte[] GIF89A = cat(ascii("GIF89a"), hex("01 00 01 00 80 00 00"));
  static final byte[] GIF87A = cat(ascii("GIF87a"), hex("20 03 58 02 F7 00 00"));
  static final byte[] WEBP_LOSSY = cat(ascii("RIFF"), hex("24 10 00 00"), ascii("WEBPVP8 "), hex("18 10 00 00 30 4B 00 9D 01 2A"));
  static final byte[] WEBP_LOSSLESS = cat(ascii("RIFF"), hex("1A 00 00 00"), ascii("WEBPVP8L"), hex("0D 00 00 00 2F 00 00 00"));
  static final byte[] WEBP_EXTENDED = cat(ascii("RIFF"), hex("5C 3B 00 00"), ascii("WEBPVP8X"), hex("0A 00 00 00 10 00 00 00"));
  // iPhone camera HEIC: major heic, compatible mif1 heic, then the meta box.
  static final byte[] HEIC_IPHONE = cat(hex("00 00 00 18"), ascii("ftypheic"), hex("00 00 00 00"), ascii("mif1heic"), hex("00 00 0D 70"), ascii("meta"));
  // HEVC image sequence (animated HEIC / "heics").
  static final byte[] HEIC_SEQUENCE = cat(hex("00 00 00 1C"), ascii("ftyphevc"), hex("00 00 00 00"), ascii("msf1hevciso8"), hex("00 00 00 00"));
  // Nokia-style HEIF: generic major brand, codec only among the compatible brands.
  static final byte[] HEIF_GENERIC_HEVC = cat(hex("00 00 00 1C"), ascii("ftypmif1"), hex("00 00 00 00"), ascii("mif1heicmiaf"), hex("00 00 00 00"));
  static final byte[] HEIF_GENERIC_AV1 = cat(hex("00 00 00 1C"), ascii("ftypmif1"), hex("00 00 00 00"), ascii("mif1avifmiaf"), hex("00 00 00 00"));
  static final byte[] HEIF_GENERIC_ONLY = cat(hex("00 00 00 18"), ascii("ftypmif1"), hex("00 00 00 00"), ascii("mif1miaf"), hex("00 00 00 00 00 00 00 00"));
  // libavif output: major avif, compatible avif mif1 miaf MA1B (box is exactly 32 bytes).
  static final byte[] AVIF = cat(hex("00 00 00 20"), ascii("ftypavif"), hex("00 00 00 00"), ascii("avifmif1miafMA1B"));
  static final byte[] AVIF_SEQUENCE = cat(hex("00 00 00 2C"), ascii("ftypavis"), hex("00 00 00 00"), ascii("avisavifmsf1iso8mif1miafMA1B"));
  static final byte[] MP4_ISOM = cat(hex("00 00 00 20"), ascii("ftypisom"), hex("00 00 02 00"), ascii("isomiso2avc1mp41"));
  static final byte[] MP4_MP42 = cat(hex("00 00 00 18"), ascii("ftypmp42"), hex("00 00 00 00"), ascii("mp42isom"), hex("00 00 00 08"), ascii("free"));
  static final byte[] M4A = cat(hex("00 00 00 20"), ascii("ftypM4A "), hex("00 00 02 00"), ascii("M4A isomiso2"), hex("00 00 00 00"));
  static final byte[] M4V = cat(hex("00 00 00 1C"), ascii("ftypM4V "), hex("00 00 00 01"), ascii("isomavc1M4V "), hex("00 00 00 08"));
  static final byte[] MOV_FTYP = cat(hex("00 00 00 14"), ascii("ftypqt  "), hex("00 00 02 00"), ascii("qt  "), hex("00 00 00 08"), ascii("wide"), hex("00 8F 2A 5B"), ascii("mdat"));
  static final byte[] MOV_CLASSIC_WIDE = cat(hex("00 00 00 08"), ascii("wide"), hex("00 12 A4 10"), ascii("mdat"));
  static final byte[] MOV_CLASSIC_MOOV = cat(hex("00 00 05 3A"), ascii("moov"), hex("00 00 00 6C"), ascii("mvhd"));
  static final byte[] MOV_CLASSIC_MDAT = cat(hex("00 01 F3 10"), ascii("mdat"), hex("00 00 00 00 00 00"));
  static final byte[] THREE_GP = cat(hex("00 00 00 18"), ascii("ftyp3gp4"), hex("00 00 02 00"), ascii("isom3gp4"), hex("00 00 00 08"), ascii("free"));
  static final byte[] THREE_GP_R6 = cat(hex("00 00 00 1C"), ascii("ftyp3gr6"), hex("00 00 00 00"), ascii("isom3gr63gp6"));
  static final byte[] THREE_G2 = cat(hex("00 00 00 18"), ascii("ftyp3g2a"), hex("00 00 00 00"), ascii("3g2amp42"));
  static final byte[] WEBM = hex("1A 45 DF A3 9F 42 86 81 01 42 F7 81 01 42 F2 81 04 42 F3 81 08 42 82 84 77 65 62 6D");
  static final byte[] MP3_ID3 = cat(ascii("ID3"), hex("04 00 00 00 00 0F 76"), ascii("TXXX"), hex("00 00 00 12"));
  static final byte[] MP3_FRAME = hex("FF FB 90 64 00 0F F0 00 00 69 00 00 00 08");
  static final byte[] MP3_MPEG2_FRAME = hex("FF F3 64 C4 00 00 00 03 48");
  static final byte[] AAC_ADTS = hex("FF F1 50 80 2E 7F FC 21 1A");
  static final byte[] AAC_ADTS_MPEG2 = hex("FF F9 4C 80 1F FF FC");
  static final byte[] AAC_ADIF = cat(ascii("ADIF"), hex("00 00 01 F4 00 00"));
  static final byte[] OGG_VORBIS = cat(ascii("OggS"), hex("00 02 00 00 00 00 00 00 00 00 5A 1B 00 00 00 00 00 00 A6 3F 12 4C 01 1E 01"), ascii("vorbis"));
  static final byte[] OGG_OPUS = cat(ascii("OggS"), hex("00 02 00 00 00 00 00 00 00 00 C8 2B 00 00 00 00 00 00 71 09 1E 8C 01 13"), ascii("OpusHead"));
  static final byte[] WAV = cat(ascii("RIFF"), hex("24 08 00 00"), ascii("WAVEfmt "), hex("10 00 00 00 01 00 02 00"));
  static final byte[] WAV_RF64 = cat(ascii("RF64"), hex("FF FF FF FF"), ascii("WAVEds64"), hex("1C 00 00 00"));
  static final byte[] FLAC = cat(ascii("fLaC"), hex("00 00 00 22 10 00 10 00"));
  static final byte[] AMR = cat(ascii("#!AMR\n"), hex("3C 48 F5 1F"));
  static final byte[] AMR_WB = cat(ascii("#!AMR-WB\n"), hex("2C 10"));

  /** Each type with a real-looking head and the number of leading bytes its rule needs. */
  static Stream<Arguments> validHeads() {
    return Stream.of(
        Arguments.of("image/jpeg", JPEG_JFIF, 3),
        Arguments.of("image/jpeg", JPEG_EXIF, 3),
        Arguments.of("image/png", PNG, 8),
        Arguments.of("image/gif", GIF89A, 6),
        Arguments.of("image/gif", GIF87A, 6),
        Arguments.of("image/webp", WEBP_LOSSY, 16),
        Arguments.of("image/webp", WEBP_LOSSLESS, 16),
        Arguments.of("image/webp", WEBP_EXTENDED, 16),
        Arguments.of("image/heic", HEIC_IPHONE, 12),
        Arguments.of("image/heic", HEIC_SEQUENCE, 12),
        Arguments.of("image/heic", HEIF_GENERIC_HEVC, 12),
        Arguments.of("image/heif", HEIC_IPHONE, 12),
        Arguments.of("image/heif", HEIF_GENERIC_HEVC, 12),
        Arguments.of("image/heif", HEIF_GENERIC_AV1, 12),
        Arguments.of("image/heif", AVIF, 12),
        Arguments.of("image/avif", AVIF, 12),
        Arguments.of("image/avif", AVIF_SEQUENCE, 12),
        Arguments.of("image/avif", HEIF_GENERIC_AV1, 12),
        Arguments.of("video/mp4", MP4_ISOM, 12),
        Arguments.of("video/mp4", MP4_MP42, 12),
        Arguments.of("audio/mp4", M4A, 12),
        Arguments.of("audio/x-m4a", M4A, 12),
        Arguments.of("video/x-m4v", M4V, 12),
        Arguments.of("video/quicktime", MOV_FTYP, 12),
        Arguments.of("video/quicktime", MOV_CLASSIC_WIDE, 8),
        Arguments.of("video/quicktime", MOV_CLASSIC_MOOV, 8),
        Arguments.of("video/quicktime", MOV_CLASSIC_MDAT, 8),
        Arguments.of("video/3gpp", THREE_GP, 12),
        Arguments.of("video/3gpp", THREE_GP_R6, 12),
        Arguments.of("video/3gpp", THREE_G2, 12),
        Arguments.of("audio/3gpp", THREE_GP, 12),
        Arguments.of("video/webm", WEBM, 4),
        Arguments.of("audio/webm", WEBM, 4),
        Arguments.of("audio/mpeg", MP3_ID3, 10),
        Arguments.of("audio/mpeg", MP3_FRAME, 3),
        Arguments.of("audio/mpeg", MP3_MPEG2_FRAME, 3),
        Arguments.of("audio/aac", AAC_ADTS, 3),
        Arguments.of("audio/aac", AAC_ADTS_MPEG2, 3),
        Arguments.of("audio/aac", AAC_ADIF, 4),
        Arguments.of("audio/aac", MP3_ID3, 10),
        Arguments.of("audio/ogg", OGG_VORBIS, 5),
        Arguments.of("video/ogg", OGG_VORBIS, 5),
        Arguments.of("audio/opus", OGG_OPUS, 5),
        Arguments.of("audio/wav", WAV, 12),
        Arguments.of("audio/x-wav", WAV, 12),
        Arguments.of("audio/wave", WAV, 12),
        Arguments.of("audio/vnd.wave", WAV, 12),
        Arguments.of("audio/wav", WAV_RF64, 12),
        Arguments.of("audio/flac", FLAC, 4),
        Arguments.of("audio/amr", AMR, 5),
        Arguments.of("audio/amr", AMR_WB, 5));
  }

  /** Content of one kind declared as another type that it must not pass for. */
  static Stream<Arguments> mismatches() {
    return Stream.of(
        Arguments.of("image/jpeg", PNG),
        Arguments.of("image/png", JPEG_JFIF),
        Arguments.of("image/gif", PNG),
        Arguments.of("image/webp", WAV),
        Arguments.of("image/heic", AVIF),
        Arguments.of("image/heic", HEIF_GENERIC_AV1),
        Arguments.of("image/heic", MP4_ISOM),
        Arguments.of("image/heif", MP4_ISOM),
        Arguments.of("image/avif", HEIC_IPHONE),
        Arguments.of("image/avif", HEIF_GENERIC_HEVC),
        Arguments.of("image/avif", JPEG_JFIF),
        Arguments.of("video/mp4", HEIC_IPHONE),
        Arguments.of("video/mp4", AVIF),
        Arguments.of("video/mp4", HEIF_GENERIC_ONLY),
        Arguments.of("video/mp4", WEBM),
        Arguments.of("audio/mp4", MP3_ID3),
        Arguments.of("audio/x-m4a", AAC_ADTS),
        Arguments.of("video/x-m4v", MOV_CLASSIC_MOOV),
        Arguments.of("video/quicktime", MP4_ISOM),
        Arguments.of("video/quicktime", HEIC_IPHONE),
        Arguments.of("video/3gpp", MP4_ISOM),
        Arguments.of("audio/3gpp", M4A),
        Arguments.of("video/webm", MP4_ISOM),
        Arguments.of("audio/webm", OGG_OPUS),
        Arguments.of("audio/mpeg", AAC_ADTS),
        Arguments.of("audio/mpeg", JPEG_JFIF),
        Arguments.of("audio/mpeg", FLAC),
        Arguments.of("audio/aac", MP3_FRAME),
        Arguments.of("audio/aac", JPEG_JFIF),
        Arguments.of("audio/ogg", FLAC),
        Arguments.of("video/ogg", WEBM),
        Arguments.of("audio/opus", WEBM),
        Arguments.of("audio/wav", WEBP_LOSSY),
        Arguments.of("audio/x-wav", AMR),
        Arguments.of("audio/wave", OGG_VORBIS),
        Arguments.of("audio/vnd.wave", MP3_ID3),
        Arguments.of("audio/flac", OGG_VORBIS),
        Arguments.of("audio/amr", MP3_ID3));
  }

  static List<String> knownTypes() {
    return List.of("image/jpeg", "image/png", "image/gif", "image/webp", "image/heic",
        "image/heif", "image/avif", "video/mp4", "audio/mp4", "audio/x-m4a", "video/x-m4v",
        "video/quicktime", "video/3gpp", "audio/3gpp", "video/webm", "audio/webm",
        "audio/mpeg", "audio/aac", "audio/ogg", "video/ogg", "audio/opus", "audio/wav",
        "audio/x-wav", "audio/wave", "audio/vnd.wave", "audio/flac", "audio/amr");
  }

  // ---- table-driven behaviour -----------------------------------------------------------

  @ParameterizedTest(name = "{0} accepts its own header #{index}")
  @MethodSource("validHeads")
  void realHeaderMatchesDeclaredType(String type, byte[] head, int signatureLength) {
    assertTrue(MediaSignature.matches(type, head));
  }

  @ParameterizedTest(name = "{0} decided within BYTES_NEEDED #{index}")
  @MethodSource("validHeads")
  void headCutToBytesNeededStillMatches(String type, byte[] head, int signatureLength) {
    byte[] cut = Arrays.copyOf(head, Math.min(head.length, MediaSignature.BYTES_NEEDED));
    assertTrue(MediaSignature.matches(type, cut));
  }

  @ParameterizedTest(name = "{0} exactly its signature #{index}")
  @MethodSource("validHeads")
  void headOfExactlyTheSignatureLengthMatches(String type, byte[] head, int signatureLength) {
    assertTrue(MediaSignature.matches(type, Arrays.copyOf(head, signatureLength)));
  }

  @ParameterizedTest(name = "{0} one byte short #{index}")
  @MethodSource("validHeads")
  void headShorterThanSignatureIsRejected(String type, byte[] head, int signatureLength) {
    assertFalse(MediaSignature.matches(type, Arrays.copyOf(head, signatureLength - 1)));
  }

  @ParameterizedTest(name = "{0} trailing junk after head ignored #{index}")
  @MethodSource("validHeads")
  void bytesBeyondTheHeadAreIgnored(String type, byte[] head, int signatureLength) {
    byte[] longer = Arrays.copyOf(head, head.length + 64);
    Arrays.fill(longer, head.length, longer.length, (byte) 0xEE);
    assertTrue(MediaSignature.matches(type, longer));
  }

  @ParameterizedTest(name = "{0} refuses foreign content #{index}")
  @MethodSource("mismatches")
  void contentOfAnotherTypeIsRejected(String type, byte[] head) {
    assertFalse(MediaSignature.matches(type, head));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("knownTypes")
  void emptyHeadIsRejectedForEveryType(String type) {
    assertFalse(MediaSignature.matches(type, new byte[0]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("knownTypes")
  void htmlIsRejectedForEveryType(String type) {
    assertFalse(MediaSignature.matches(type, ascii("<!DOCTYPE html><html><script>")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("knownTypes")
  void zeroBytesAreRejectedForEveryType(String type) {
    assertFalse(MediaSignature.matches(type, new byte[MediaSignature.BYTES_NEEDED]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("knownTypes")
  void everySupportedTypeIsKnown(String type) {
    assertTrue(MediaSignature.isKnown(type));
  }

  @Test
  void theConfigAcceptsExactlyTheTypesThatHaveASignatureRule() {
    assertEquals(Set.copyOf(knownTypes()), CheckableMediaTypes.ALL);
  }

  // ---- individual cases ---------------------------------------------------------------

  @Test
  void pngDeclaredAsJpegIsRejected() {
    assertFalse(MediaSignature.matches("image/jpeg", PNG));
  }

  @Test
  void bytesNeededCoversFtypWithFourCompatibleBrands() {
    assertEquals(32, MediaSignature.BYTES_NEEDED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/html", "image/svg+xml", "application/octet-stream",
      "image/bmp", "audio/amr-wb", "", "IMAGE/JPEG", "image/jpeg; charset=x", " image/jpeg"})
  void typesWithoutASignatureAreUnknownAndNeverMatch(String type) {
    assertFalse(MediaSignature.isKnown(type));
    assertFalse(MediaSignature.matches(type, JPEG_JFIF));
  }

  @Test
  void nullTypeIsNotKnown() {
    assertFalse(MediaSignature.isKnown(null));
  }

  @Test
  void nullArgumentsToMatchesAreProgrammingErrors() {
    assertThrows(NullPointerException.class, () -> MediaSignature.matches(null, PNG));
    assertThrows(NullPointerException.class, () -> MediaSignature.matches("image/png", null));
  }

  @Test
  void pngWithCorruptedLineEndingMagicIsRejected() {
    // The CR LF in the PNG magic exists to catch text-mode transfers; a LF-only copy fails.
    byte[] mangled = cat(hex("89 50 4E 47 0A 1A 0A 00 00 00 0D"), ascii("IHDR"));
    assertFalse(MediaSignature.matches("image/png", mangled));
  }

  @Test
  void gifWithUnknownVersionIsRejected() {
    assertFalse(MediaSignature.matches("image/gif", cat(ascii("GIF88a"), hex("01 00 01 00"))));
  }

  @Test
  void riffThatIsNotWebpIsRejectedAsWebp() {
    assertFalse(MediaSignature.matches("image/webp", WAV));
    // RIFF/WEBP form but no VP8 bitstream chunk first.
    byte[] odd = cat(ascii("RIFF"), hex("24 10 00 00"), ascii("WEBPJUNK"), hex("00 00 00 00"));
    assertFalse(MediaSignature.matches("image/webp", odd));
  }

  @Test
  void ftypBoxTooSmallToHoldABrandIsRejected() {
    byte[] head = cat(hex("00 00 00 08"), ascii("ftypisom"), hex("00 00 00 00"));
    assertFalse(MediaSignature.matches("video/mp4", head));
  }

  @Test
  void ftypWithNonPrintableMajorBrandIsRejected() {
    byte[] head = cat(hex("00 00 00 18"), ascii("ftyp"), hex("00 01 02 03 00 00 00 00"), ascii("isommp42"));
    assertFalse(MediaSignature.matches("video/mp4", head));
  }

  @Test
  void ftypNotAtOffsetFourIsRejected() {
    byte[] head = cat(hex("00 00 00 00 00 18"), ascii("ftypisom"), hex("00 00 00 00"));
    assertFalse(MediaSignature.matches("video/mp4", head));
  }

  @Test
  void quickTimeBrandedMovieDeclaredAsMp4IsAccepted() {
    // Same box structure; clients often label iPhone .mov uploads video/mp4.
    assertTrue(MediaSignature.matches("video/mp4", MOV_FTYP));
  }

  @Test
  void threeGppDeclaredAsMp4IsAccepted() {
    assertTrue(MediaSignature.matches("video/mp4", THREE_GP));
  }

  @Test
  void heifSequenceBrandsAreNotAcceptedAsMp4() {
    assertFalse(MediaSignature.matches("video/mp4", HEIC_SEQUENCE));
    assertFalse(MediaSignature.matches("video/mp4", AVIF_SEQUENCE));
  }

  @Test
  void genericHeifWhoseCodecIsNotVisibleFitsEveryHeifType() {
    assertTrue(MediaSignature.matches("image/heic", HEIF_GENERIC_ONLY));
    assertTrue(MediaSignature.matches("image/heif", HEIF_GENERIC_ONLY));
    assertTrue(MediaSignature.matches("image/avif", HEIF_GENERIC_ONLY));
  }

  @Test
  void compatibleBrandsBeyondTheFtypBoxAreNotRead() {
    // Box size 16 means no compatible brands; the "avif" after it belongs to the next box.
    byte[] head = cat(hex("00 00 00 10"), ascii("ftypmif1"), hex("00 00 00 00"), ascii("avif"));
    assertTrue(MediaSignature.matches("image/heic", head));
  }

  @Test
  void mp4BrandedFileIsNotAnImage() {
    assertFalse(MediaSignature.matches("image/heif", MP4_MP42));
    assertFalse(MediaSignature.matches("image/avif", M4A));
  }

  @Test
  void classicQuickTimeAtomUnknownIsRejected() {
    byte[] head = cat(hex("00 00 00 08"), ascii("junk"), hex("00 00 00 00"));
    assertFalse(MediaSignature.matches("video/quicktime", head));
  }

  @Test
  void id3TagWithInvalidSizeByteIsRejected() {
    // Sync-safe size bytes never have the top bit set.
    byte[] head = cat(ascii("ID3"), hex("04 00 00 00 00 8F 76"));
    assertFalse(MediaSignature.matches("audio/mpeg", head));
  }

  @Test
  void id3TagWithVersionFfIsRejected() {
    byte[] head = cat(ascii("ID3"), hex("FF 00 00 00 00 0F 76"));
    assertFalse(MediaSignature.matches("audio/mpeg", head));
  }

  @Test
  void mpegFrameWithBadBitrateIndexIsRejected() {
    assertFalse(MediaSignature.matches("audio/mpeg", hex("FF FB F0 64")));
  }

  @Test
  void mpegFrameWithReservedVersionIsRejected() {
    assertFalse(MediaSignature.matches("audio/mpeg", hex("FF EB 90 64")));
  }

  @Test
  void mpegFrameWithReservedSampleRateIsRejected() {
    assertFalse(MediaSignature.matches("audio/mpeg", hex("FF FB 9C 64")));
  }

  @Test
  void mpegFrameWithFreeFormatBitrateIsAccepted() {
    assertTrue(MediaSignature.matches("audio/mpeg", hex("FF FB 00 64")));
  }

  @Test
  void mpegFrameWithoutFullSyncIsRejected() {
    assertFalse(MediaSignature.matches("audio/mpeg", hex("FF DB 90 64")));
  }

  @Test
  void adtsWithReservedSamplingIndexIsRejected() {
    // Sampling-frequency index 13.
    assertFalse(MediaSignature.matches("audio/aac", hex("FF F1 74 80")));
  }

  @Test
  void adtsWithNonZeroLayerIsRejected() {
    assertFalse(MediaSignature.matches("audio/aac", hex("FF F3 50 80")));
  }

  @Test
  void oggWithUnknownStreamVersionIsRejected() {
    assertFalse(MediaSignature.matches("audio/ogg", cat(ascii("OggS"), hex("01 02 00 00"))));
  }

  @Test
  void riffThatIsNotWaveIsRejectedAsWav() {
    assertFalse(MediaSignature.matches("audio/wav", WEBP_LOSSY));
    byte[] avi = cat(ascii("RIFF"), hex("00 10 00 00"), ascii("AVI LIST"));
    assertFalse(MediaSignature.matches("audio/wav", avi));
  }

  @Test
  void amrWithoutMagicIsRejected() {
    assertFalse(MediaSignature.matches("audio/amr", cat(ascii("#!AMX\n"), hex("3C 48"))));
  }

  @Test
  void matchingDoesNotModifyTheHead() {
    byte[] head = HEIC_IPHONE.clone();
    MediaSignature.matches("image/heic", head);
    MediaSignature.matches("video/mp4", head);
    assertTrue(Arrays.equals(HEIC_IPHONE, head));
  }

  // ---- helpers ------------------------------------------------------------------------

  static byte[] hex(String spaced) {
    String[] parts = spaced.trim().split("\\s+");
    byte[] out = new byte[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = (byte) Integer.parseInt(parts[i], 16);
    }
    return out;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
