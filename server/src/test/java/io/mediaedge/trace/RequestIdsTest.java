package io.mediaedge.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestIdsTest {

  @ParameterizedTest
  @ValueSource(strings = {"abc", "0f8fad5b-d9cb-469f-a165-70867728950e", "01ARZ3NDEKTSV4RRFFQ69G5FAV",
      "Root=1-5759e988-bd862e3fe1be46a994272793", "8c1b2a7f3e9d1c44-FRA", "app/ios:retry+2@edge_1.x~y", "x"})
  void saneClientIdIsKept(String id) {
    assertTrue(RequestIds.sane(id), id);
    assertEquals(id, RequestIds.keepOrMake(List.of(id)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "tab\there", "new\nline", "cr\rlf", "quote\"d", "back\\slash", "<script>",
      "semi;colon", "comma,list", "percent%0a", "ünïcode", "emoji\uD83D\uDE00", "nul\u0000", "{\"json\":1}"})
  void hostileOrOddIdIsReplaced(String id) {
    assertFalse(RequestIds.sane(id), id);
    String made = RequestIds.keepOrMake(List.of(id));
    assertNotEquals(id, made);
    assertTrue(made.matches("[0-9a-f]{32}"), made);
  }

  @Test
  void idLongerThanTheLimitIsReplaced() {
    String longest = "a".repeat(RequestIds.MAX_LENGTH);
    assertEquals(longest, RequestIds.keepOrMake(List.of(longest)));
    String tooLong = longest + "a";
    assertNotEquals(tooLong, RequestIds.keepOrMake(List.of(tooLong)));
  }

  @Test
  void missingOrRepeatedHeaderGetsAFreshId() {
    assertTrue(RequestIds.keepOrMake(List.of()).matches("[0-9a-f]{32}"));
    assertTrue(RequestIds.keepOrMake(null).matches("[0-9a-f]{32}"));
    // Two ids for one request: which one a proxy or a log would keep is anyone's guess.
    String made = RequestIds.keepOrMake(List.of("first", "second"));
    assertTrue(made.matches("[0-9a-f]{32}"), made);
  }

  @Test
  void freshIdsDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      assertTrue(seen.add(RequestIds.fresh()));
    }
  }
}
