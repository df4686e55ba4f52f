package io.mediaedge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tus {@code Upload-Metadata} header: "key base64value" pairs separated by commas. */
class UploadMetadataTest {
  private static final int MAX = 4096;

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonObject parse(String header) {
    return UploadMetadata.parse(header, MAX);
  }

  private static String refusal(String header) {
    return assertThrows(IllegalArgumentException.class, () -> parse(header)).getMessage();
  }

  @Test
  void pairsDecodeToText() {
    JsonObject metadata = parse("filename " + b64("world.jpg") + ",filetype " + b64("image/jpeg"));
    assertEquals(new JsonObject().put("filename", "world.jpg").put("filetype", "image/jpeg"), metadata);
  }

  @Test
  void theTusSpecExampleParses() {
    JsonObject metadata = parse("filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential");
    assertEquals(new JsonObject().put("filename", "world_domination_plan.pdf").put("is_confidential", ""), metadata);
  }

  @Test
  void aKeyWithoutValueIsEmptyText() {
    assertEquals(new JsonObject().put("flag", "").put("other", ""), parse("flag,other "));
    assertEquals(new JsonObject().put("empty", ""), parse("empty " + b64("")));
  }

  @Test
  void unicodeTextSurvives() {
    assertEquals("사진 📷.jpg", parse("filename " + b64("사진 📷.jpg")).getString("filename"));
  }

  @Test
  void jsonObjectAndArrayValuesStayNested() {
    JsonObject metadata = parse("device " + b64("{\"model\":\"Pixel 8\",\"os\":{\"name\":\"android\",\"v\":15}}")
        + ",tags " + b64(" [\"cat\", \"garden\"] "));
    assertEquals("Pixel 8", metadata.getJsonObject("device").getString("model"));
    assertEquals(15, metadata.getJsonObject("device").getJsonObject("os").getInteger("v"));
    assertEquals(new JsonArray().add("cat").add("garden"), metadata.getJsonArray("tags"));
  }

  @Test
  void textThatOnlyLooksLikeJsonStaysText() {
    JsonObject metadata = parse("a " + b64("{not json") + ",b " + b64("[1,") + ",c " + b64("42") + ",d " + b64("true"));
    assertEquals("{not json", metadata.getString("a"));
    assertEquals("[1,", metadata.getString("b"));
    assertEquals("42", metadata.getString("c"), "scalars stay the client's text");
    assertEquals("true", metadata.getString("d"));
  }

  @Test
  void tooDeeplyNestedJsonStaysText() {
    String deep = "[".repeat(1500) + "]".repeat(1500);
    assertEquals(deep, UploadMetadata.parse("deep " + b64(deep), 64 * 1024).getString("deep"));
  }

  @Test
  void spacesAroundPairsAreTolerated() {
    JsonObject metadata = parse("  filename " + b64("a.jpg") + " ,  filetype " + b64("image/jpeg") + "  ");
    assertEquals(new JsonObject().put("filename", "a.jpg").put("filetype", "image/jpeg"), metadata);
  }

  @Test
  void base64WithoutPaddingIsAccepted() {
    assertEquals("a", parse("k YQ").getString("k"));
  }

  @Test
  void absentOrBlankHeaderIsEmptyMetadata() {
    assertEquals(new JsonObject(), parse(null));
    assertEquals(new JsonObject(), parse(""));
    assertEquals(new JsonObject(), parse("   "));
  }

  @Test
  void twoSpacesBetweenKeyAndValueAreRefused() {
    assertTrue(refusal("filename  " + b64("a.jpg")).contains("'key base64value' pairs"));
    assertTrue(refusal("filename " + b64("a") + " " + b64("b")).contains("'key base64value' pairs"));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"a YQ==,,b Yg==", "a YQ==,", ",a YQ==", ",", "a YQ==, ,b Yg=="})
  void anEmptyPairIsRefused(String header) {
    assertTrue(refusal(header).contains("pairs"));
  }

  @ParameterizedTest(name = "value ''{0}''")
  @ValueSource(strings = {"not*base64", "YQ=a", "Y", "d29ybGQ-anBn", "d29ybGQ_anBn", "%%%"})
  void invalidBase64IsRefusedNamingTheKey(String value) {
    assertEquals("has a value for 'filename' that is not valid base64", refusal("filename " + value));
  }

  @Test
  void aValueThatIsNotUtf8IsRefused() {
    String latin1 = Base64.getEncoder().encodeToString("caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
    assertEquals("has a value for 'name' that is not UTF-8 text", refusal("name " + latin1));
    String loneSurrogate = Base64.getEncoder().encodeToString(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
    assertEquals("has a value for 'name' that is not UTF-8 text", refusal("name " + loneSurrogate));
    String overlong = Base64.getEncoder().encodeToString(new byte[] {(byte) 0xC0, (byte) 0xAF});
    assertEquals("has a value for 'name' that is not UTF-8 text", refusal("name " + overlong));
  }

  @Test
  void aDuplicateKeyIsRefused() {
    assertEquals("names the key 'filename' twice", refusal("filename " + b64("a") + ",filename " + b64("b")));
    assertEquals("names the key 'flag' twice", refusal("flag,flag"));
  }

  @Test
  void keysAreCaseSensitive() {
    assertEquals(2, parse("Name " + b64("a") + ",name " + b64("b")).size());
  }

  @ParameterizedTest(name = "key ''{0}''")
  @ValueSource(strings = {"fil\u00e9name", "tab\tkey", "nul\u0000key", "del\u007fkey"})
  void aKeyOutsidePrintableAsciiIsRefused(String key) {
    assertTrue(refusal(key + " " + b64("v")).startsWith("has an invalid key"));
  }

  @Test
  void anOverlongKeyIsRefusedAndAbbreviatedInTheMessage() {
    String key = "k".repeat(129);
    String message = refusal(key + " " + b64("v"));
    assertEquals("has an invalid key '" + "k".repeat(32) + "…'", message);
    assertEquals(1, parse("k".repeat(128) + " " + b64("v")).size());
  }

  @Test
  void aHeaderLongerThanTheLimitIsRefusedBeforeParsing() {
    String value = b64("x".repeat(100));
    String header = "a " + value;
    assertEquals(1, UploadMetadata.parse(header, header.length()).size());
    assertEquals("is longer than " + (header.length() - 1) + " bytes", assertThrows(IllegalArgumentException.class,
        () -> UploadMetadata.parse(header, header.length() - 1)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> UploadMetadata.parse("a,".repeat(1_000_000), MAX));
  }

  @Test
  void atMost64KeysAreAccepted() {
    String keys64 = IntStream.range(0, 64).mapToObj(i -> "k" + i).collect(Collectors.joining(","));
    assertEquals(64, parse(keys64).size());
    assertEquals("has more than 64 keys", refusal(keys64 + ",k64"));
  }
}
