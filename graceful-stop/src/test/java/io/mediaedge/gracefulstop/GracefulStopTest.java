package io.mediaedge.gracefulstop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GracefulStopTest {

  @Test
  void theDrainRunsOnceAndEveryCallerGetsItsAnswer() {
    AtomicInteger runs = new AtomicInteger();
    GracefulStop stop = new GracefulStop(() -> runs.incrementAndGet() > 5);
    assertFalse(stop.run());
    assertFalse(stop.run());
    assertEquals(1, runs.get());
  }

  @Test
  void aCleanDrainIsRememberedAsClean() {
    GracefulStop stop = new GracefulStop(() -> true);
    assertTrue(stop.run());
    assertTrue(stop.run());
  }
}
