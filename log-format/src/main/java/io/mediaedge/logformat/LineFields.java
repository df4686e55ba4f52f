package io.mediaedge.logformat;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a deployable adds to each JSON line from what the logging thread is doing right now
 * (media-edge: {@code requestId} and {@code traceId} of the request being served). {@code current}
 * is called on the thread that logs, once per line, and gives the fields that apply (none outside
 * a request). The {@code names} are the line's own even on lines that lack them: a key-value pair
 * or an MDC entry by one of these names is dropped, so it cannot pass for a request id.
 *
 * @param names every field {@code current} may give
 * @param current the fields of the line being written, in the order they are to appear
 */
public record LineFields(Set<String> names, Supplier<Map<String, String>> current) {
  /** Nothing beyond the event's own fields (insights, which serves no request ids). */
  public static final LineFields NONE = new LineFields(Set.of(), Map::of);

  public LineFields {
    names = Set.copyOf(names);
  }
}
