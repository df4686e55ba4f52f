package io.mediaedge.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class S3AssemblyStateTest {
  private static final String KEY = "media/0123456789abcdef0123/019ab";
  /** S3 quotes ETags; upload ids are opaque and may hold any URL-safe character. */
  private static final String UPLOAD_ID = "2~ab-CD_ef.gh+ij/kl=";

  @Test
  void aStateSurvivesEncodingWithEveryPartInOrder() {
    S3AssemblyState state = S3AssemblyState.begun(KEY, UPLOAD_ID).withPart("\"e1\"").withPart("\"e2\"");
    S3AssemblyState read = S3AssemblyState.decode(state.encode());
    assertEquals(KEY, read.key());
    assertEquals(UPLOAD_ID, read.uploadId());
    assertEquals(List.of("\"e1\"", "\"e2\""), read.partEtags());
    assertEquals(2, read.partEtags().size());
  }

  @Test
  void aBegunAssemblyWritesPartOneFirst() {
    assertEquals(0, S3AssemblyState.decode(S3AssemblyState.begun(KEY, UPLOAD_ID).encode()).partEtags().size());
  }

  @Test
  void legacyColumnsBecomeTheSameStateAsTheAdapterWouldMake() {
    String legacy = S3AssemblyState.fromLegacy(KEY, UPLOAD_ID, List.of("\"e1\"", "\"e2\""));
    assertEquals(S3AssemblyState.begun(KEY, UPLOAD_ID).withPart("\"e1\"").withPart("\"e2\"").encode(), legacy);
    // A row whose upload had no part yet kept no list (Cassandra reads an empty list as null).
    assertEquals(S3AssemblyState.begun(KEY, UPLOAD_ID).encode(), S3AssemblyState.fromLegacy(KEY, UPLOAD_ID, null));
  }

  @Test
  void anythingButThisFormatIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> S3AssemblyState.decode(null));
    assertThrows(IllegalArgumentException.class, () -> S3AssemblyState.decode("not json"));
    assertThrows(IllegalArgumentException.class, () -> S3AssemblyState.decode("{\"format\":\"s3-multipart/2\","
        + "\"key\":\"k\",\"uploadId\":\"u\"}"));
    assertThrows(IllegalArgumentException.class, () -> S3AssemblyState.decode("{\"format\":\"s3-multipart/1\","
        + "\"key\":\"k\"}"));
    assertThrows(IllegalArgumentException.class, () -> S3AssemblyState.decode("{\"format\":\"s3-multipart/1\","
        + "\"key\":\"k\",\"uploadId\":\"u\",\"partEtags\":[1]}"));
  }
}
