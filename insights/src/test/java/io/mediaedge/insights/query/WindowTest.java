package io.mediaedge.insights.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WindowTest {

  @Test
  void minutesAndHours() {
    assertEquals(5, Window.parse("5m", 1440).minutes());
    assertEquals(15, Window.parse("15m", 1440).minutes());
    assertEquals(60, Window.parse("1h", 1440).minutes());
    assertEquals(1440, Window.parse("24h", 1440).minutes());
    assertEquals("1h", Window.parse("60m", 1440).toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "0m", "-5m", "5 m", "5s", "1d", "1.5h", "m", "99999999m"})
  void malformedWindowsAreRefusedWithTheReason(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Window.parse(text, 1440));
    assertTrue(e.getMessage().startsWith("window "), e.getMessage());
  }

  @Test
  void aWindowLongerThanTheRetentionIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Window.parse("25h", 1440));
    assertTrue(e.getMessage().contains("at most 24h"), e.getMessage());
  }

  @Test
  void theWindowEndsWithTheCurrentMinute() {
    assertEquals(96, new Window(5).firstMinute(100));
  }

  @Test
  void stepsGiveAboutSixtyPoints() {
    assertEquals(1, InsightsQueries.defaultStep(new Window(5)));
    assertEquals(1, InsightsQueries.defaultStep(new Window(60)));
    assertEquals(30, InsightsQueries.defaultStep(new Window(1440)));
  }
}
