package io.mediaedge.http;

import io.mediaedge.eventschema.HistoryEvent;
import io.mediaedge.eventschema.HistoryEventJson;
import io.mediaedge.media.MediaApi;
import io.mediaedge.upload.UploadService.StoredMedia;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The JSON shapes of media and their events, the same on every endpoint. */
final class MediaJson {
  private MediaJson() {}

  static JsonObject of(StoredMedia media) {
    return new JsonObject()
        .put("id", media.id())
        .put("size", media.size())
        .put("contentType", media.contentType())
        .put("sha256", media.sha256())
        .put("createdAt", media.createdAt().toString());
  }

  static JsonObject of(MediaApi.Listed media) {
    return new JsonObject()
        .put("id", media.id())
        .put("size", media.size())
        .put("contentType", media.contentType())
        .put("sha256", media.sha256())
        .put("createdAt", media.createdAt().toString())
        .put("location", "/v1/media/" + media.id());
  }

  /** Smallest first: READY with its dimensions and bytes, or NONE with the reason; when it was settled. */
  static JsonArray thumbnails(List<MediaApi.SettledThumbnail> thumbnails) {
    JsonArray out = new JsonArray();
    thumbnails.stream().sorted(java.util.Comparator.comparingInt(MediaApi.SettledThumbnail::size)).forEach(t -> {
      JsonObject json = new JsonObject().put("size", t.size()).put("status", t.ready() ? "READY" : "NONE");
      if (t.ready()) {
        json.put("width", t.width()).put("height", t.height()).put("bytes", t.bytes());
      } else {
        json.put("reason", t.reason().orElse("UNKNOWN"));
      }
      out.add(json.put("settledAt", t.settledAt() == null ? null : t.settledAt().toString()));
    });
    return out;
  }

  static JsonArray events(List<HistoryEvent> events) {
    JsonArray out = new JsonArray();
    // the very JSON consumers read on the topic, so the API and Kafka cannot drift apart
    events.forEach(e -> out.add(new JsonObject(HistoryEventJson.encode(e))));
    return out;
  }
}
