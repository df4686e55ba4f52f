package io.mediaedge.testing;

import io.mediaedge.devstack.DevStack;
import io.mediaedge.devstack.DevThumbnails;
import io.mediaedge.thumbnails.ThumbnailsApp;
import io.mediaedge.thumbnails.config.ThumbnailsConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The thumbnails worker for dev mode ({@code io.mediaedge.devstack.DevMode}), in-process, from the
 * committed {@code thumbnails/conf/thumbnails.yaml} with the dev stack's addresses laid over it
 * (the environment still overrides any option, MEDIA_EDGE_THUMBNAILS_...). The tests start theirs
 * through {@link #environment} too.
 */
public final class DevModeThumbnails implements DevThumbnails {
  /** The committed configuration, relative to the repository root (where dev mode runs). */
  static final Path COMMITTED = Path.of("thumbnails/conf/thumbnails.yaml");

  /** The options that point a worker at {@code stack}: its Kafka topic, S3 bucket and Cassandra keyspace. */
  public static Map<String, String> environment(DevStack stack, String topic, String keyspace) {
    Map<String, String> env = new HashMap<>();
    env.put("MEDIA_EDGE_THUMBNAILS_KAFKA_BOOTSTRAP_SERVERS", stack.kafka().bootstrapServers());
    env.put("MEDIA_EDGE_THUMBNAILS_KAFKA_TOPIC", topic);
    env.put("MEDIA_EDGE_THUMBNAILS_STORAGE_ENDPOINT", stack.s3().endpoint().toString());
    env.put("MEDIA_EDGE_THUMBNAILS_STORAGE_REGION", stack.s3().region());
    env.put("MEDIA_EDGE_THUMBNAILS_STORAGE_BUCKET", stack.s3().bucket());
    env.put("MEDIA_EDGE_THUMBNAILS_STORAGE_PATH_STYLE", "true");
    env.put("MEDIA_EDGE_THUMBNAILS_STORAGE_ACCESS_KEY", stack.s3().accessKey());
    env.put("MEDIA_EDGE_THUMBNAILS_STORAGE_SECRET_KEY", stack.s3().secretKey());
    env.put("MEDIA_EDGE_THUMBNAILS_CASSANDRA_CONTACT_POINTS", stack.cassandra().host() + ":" + stack.cassandra().port());
    env.put("MEDIA_EDGE_THUMBNAILS_CASSANDRA_LOCAL_DATACENTER", stack.cassandra().localDatacenter());
    env.put("MEDIA_EDGE_THUMBNAILS_CASSANDRA_KEYSPACE", keyspace);
    return env;
  }

  @Override
  public Running start(DevStack stack) throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    environment(stack, "media.history.v1", "media_edge").forEach(env::putIfAbsent);
    ThumbnailsConfig config = ThumbnailsConfig.load(COMMITTED, env);
    ThumbnailsApp app = ThumbnailsApp.start(config);
    return new Running() {
      @Override
      public String summary() {
        return "sizes " + config.work().sizes() + " of every uploaded image, group " + config.kafka().groupId();
      }

      @Override
      public void stop() {
        app.close();
      }
    };
  }
}
