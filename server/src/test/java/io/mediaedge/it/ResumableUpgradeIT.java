package io.mediaedge.it;

import static io.mediaedge.it.EdgeClient.json;
import static io.mediaedge.it.HistoryFlowsIT.freshUser;
import static io.mediaedge.it.TusProtocolIT.header;
import static io.mediaedge.it.TusProtocolIT.metadata;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.mediaedge.devstack.DevStack;
import io.mediaedge.it.TusProtocolIT.TusHandlerHeaders;
import io.mediaedge.it.UploadFailuresIT.Leftovers;
import io.mediaedge.storage.ObjectKeys;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.Part;

/**
 * Uploads begun before schema version 5, whose rows keep S3's upload id and part ETags in
 * columns of their own and no storage state, continue after the upgrade. Each test begins an
 * upload through the API, then rewrites its row as an earlier release wrote it, from what S3
 * itself lists for the upload.
 */
class ResumableUpgradeIT {
  private static final int MIB = 1 << 20;
  /** The shared server's resumable.partSize. */
  private static final int PART = 8 * MIB;
  private static final String VIDEO = "video/mp4";

  private static TestStack stack;
  private static EdgeClient client;
  private static CqlSession cql;
  private static String keyspace;

  @BeforeAll
  static void start() {
    stack = TestStack.get();
    client = EdgeClient.http11(stack);
    var cassandra = stack.dev().cassandra();
    cql = CqlSession.builder().addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
        .withLocalDatacenter(cassandra.localDatacenter()).build();
    keyspace = stack.server().config().history().keyspace();
  }

  @AfterAll
  static void stop() {
    if (cql != null) {
      cql.close();
    }
  }

  @Test
  void anUploadWithALegacyRowIsFinishedAfterTheUpgrade() {
    String user = freshUser("tus-upgrade");
    String token = stack.token(user);
    byte[] file = MediaSamples.mp4(PART + MIB + 4321);
    String location = create(token, file.length);
    String id = location.substring(location.lastIndexOf('/') + 1);
    // One full part and a tail past it.
    int first = PART + 1000;
    assertEquals(204, patch(location, token, 0, Arrays.copyOf(file, first)).statusCode());
    List<String> etags = rewriteAsLegacy(user, id);
    assertEquals(1, etags.size());

    assertEquals(String.valueOf(first), header(head(location, token), "Upload-Offset"));
    HttpResponse<byte[]> rest = patch(location, token, first, Arrays.copyOfRange(file, first, file.length));
    assertEquals(204, rest.statusCode(), () -> new String(rest.body()));
    assertEquals(String.valueOf(file.length), header(rest, "Upload-Offset"));
    assertNotNull(row(id).getString("storage_state"), "the first commit after the upgrade writes the storage state");

    assertArrayEquals(file, client.get("/v1/media/" + id, token).body());
    assertEquals(MediaSamples.sha256(file),
        json(client.get("/v1/media?limit=1", token)).getJsonArray("items").getJsonObject(0).getString("sha256"));
    assertEquals(Set.of(ObjectKeys.mediaKey(user, id)), Leftovers.objects(user), "no tail objects are left");
    assertTrue(Leftovers.multipartUploads(user).isEmpty());
  }

  @Test
  void aLegacyUploadWithoutPartsIsTerminatedCleanly() {
    String user = freshUser("tus-upgrade");
    String token = stack.token(user);
    String location = create(token, 100_000);
    String id = location.substring(location.lastIndexOf('/') + 1);
    // A tail only: the legacy row has an upload id and no part ETags.
    assertEquals(204, patch(location, token, 0, MediaSamples.mp4(1000)).statusCode());
    assertEquals(List.of(), rewriteAsLegacy(user, id));
    assertFalse(Leftovers.multipartUploads(user).isEmpty());

    HttpResponse<byte[]> deleted = client.send(client.request(location, token).header("Tus-Resumable", "1.0.0")
        .DELETE().build());
    assertEquals(204, deleted.statusCode(), () -> new String(deleted.body()));
    assertTrue(Leftovers.multipartUploads(user).isEmpty(), "multipart upload aborted");
    assertTrue(Leftovers.objects(user).isEmpty(), "tail removed");
    assertEquals(404, head(location, token).statusCode());
  }

  /**
   * Makes the upload's row what a release before schema version 5 wrote: S3's upload id and the
   * parts' ETags (as S3 lists them) in their own columns, no storage state. Returns the ETags.
   */
  private static List<String> rewriteAsLegacy(String user, String id) {
    String key = ObjectKeys.mediaKey(user, id);
    MultipartUpload upload = stack.s3().listMultipartUploads(r -> r.bucket(DevStack.BUCKET).prefix(key)).join()
        .uploads().stream().filter(u -> u.key().equals(key)).findFirst().orElseThrow();
    List<String> etags = stack.s3().listParts(r -> r.bucket(DevStack.BUCKET).key(key).uploadId(upload.uploadId()))
        .join().parts().stream().sorted(Comparator.comparing(Part::partNumber)).map(Part::eTag).toList();
    cql.execute("UPDATE " + keyspace + ".resumable_uploads SET storage_state = null, s3_upload_id = ?,"
        + " part_etags = ? WHERE upload_id = ?", upload.uploadId(), etags, id);
    Row legacy = row(id);
    assertNull(legacy.getString("storage_state"));
    assertEquals(upload.uploadId(), legacy.getString("s3_upload_id"));
    return etags;
  }

  private static Row row(String id) {
    return cql.execute("SELECT storage_state, s3_upload_id FROM " + keyspace + ".resumable_uploads"
        + " WHERE upload_id = ?", id).one();
  }

  private static String create(String token, long length) {
    HttpResponse<byte[]> created = client.send(client.request("/v1/uploads/", token).header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", String.valueOf(length)).header("Upload-Metadata", metadata("filetype", VIDEO))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(201, created.statusCode(), () -> new String(created.body()));
    return header(created, "Location");
  }

  private static HttpResponse<byte[]> head(String location, String token) {
    return client.send(client.request(location, token).header("Tus-Resumable", "1.0.0")
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
  }

  private static HttpResponse<byte[]> patch(String location, String token, long offset, byte[] body) {
    return client.send(client.request(location, token).header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", String.valueOf(offset)).header("Content-Type", TusHandlerHeaders.OFFSET_STREAM)
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }
}
