package io.mediaedge.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import io.mediaedge.eventschema.Origin;
import io.mediaedge.history.MediaRecord;
import java.util.Map;

/** Reads a {@code media_by_owner} row back into a {@link MediaRecord}. */
final class MediaRows {
  private MediaRows() {}

  static MediaRecord media(Row row) {
    Map<String, String> properties = row.getMap("properties", String.class, String.class);
    Origin origin = new Origin(row.getString("region"), row.getString("pop"), row.getString("country"),
        row.getString("city"), row.getString("asn"), row.getString("isp"), row.getString("client_ip"), properties);
    return new MediaRecord(row.getString("owner"), row.getString("media_id"),
        MediaRecord.Status.valueOf(row.getString("status")), row.getString("content_type"), row.getLong("size"),
        row.getString("sha256"), row.getString("object_key"), row.getInstant("created_at"),
        row.getInstant("deleted_at"), origin);
  }
}
