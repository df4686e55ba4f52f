package io.mediaedge.insights.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creating the topics insights owns when they are missing (blocking; call off the event loop). */
final class Topics {
  private Topics() {}

  /** @return true when it was created, false when it existed */
  static boolean ensure(List<String> bootstrapServers, NewTopic topic, String what) {
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers),
        AdminClientConfig.CLIENT_ID_CONFIG, "insights-admin"))) {
      admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create the " + what + " topic " + topic.name() + ": " + e.getCause(), e);
      }
      return false;
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the " + what + " topic", e);
    }
  }
}
