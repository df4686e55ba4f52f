package io.mediaedge.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceParentTest {
  private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void wellFormedHeaderIsPassedOnAsItIs() {
    assertEquals(Optional.of(VALID), TraceParent.parse(VALID));
    assertEquals(Optional.of(VALID), TraceParent.parse("  " + VALID + " "));
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", TraceParent.traceId(VALID));
  }

  @Test
  void laterVersionIsReadForItsFourFieldsAndPassedOnAsVersion00() {
    String v1 = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03-future-field";
    assertEquals(Optional.of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03"), TraceParent.parse(v1));
    assertEquals(Optional.of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        TraceParent.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "garbage", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
      "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",
      "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1"})
  void malformedHeaderStartsANewTrace(String header) {
    assertEquals(Optional.empty(), TraceParent.parse(header), header);
    RequestTrace trace = RequestTrace.fromHeaders(List.of(), header);
    assertTrue(TraceParent.parse(trace.traceparent()).isPresent(), trace.traceparent());
  }

  @Test
  void freshTraceIsWellFormedAndNotSampled() {
    for (int i = 0; i < 1000; i++) {
      String fresh = TraceParent.fresh();
      assertEquals(Optional.of(fresh), TraceParent.parse(fresh), fresh);
      assertTrue(fresh.endsWith("-00"), fresh);
    }
  }

  @Test
  void missingHeaderStartsANewTrace() {
    assertEquals(Optional.empty(), TraceParent.parse(null));
    RequestTrace trace = RequestTrace.fromHeaders(List.of("kept"), null);
    assertEquals("kept", trace.requestId());
    assertEquals(TraceParent.traceId(trace.traceparent()), trace.traceId());
  }
}
