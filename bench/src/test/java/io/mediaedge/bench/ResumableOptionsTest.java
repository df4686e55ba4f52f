package io.mediaedge.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResumableOptionsTest {
  private static ResumableOptions parse(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--runtime-classpath";
    all[1] = "cp.txt";
    System.arraycopy(args, 0, all, 2, args.length);
    return ResumableOptions.parse(all);
  }

  @Test
  void theFullRunIsTheIssuesSize() {
    ResumableOptions o = parse("--results", "out");
    assertFalse(o.quick());
    assertEquals(1_600_000_000L, o.common().size());
    assertEquals(90_000_000L, o.patchSize());
    assertEquals(3, o.cuts());
    assertEquals("out", o.common().resultsDir().toString());
  }

  @Test
  void quickIsSmallerWithTheSameCuts() {
    ResumableOptions o = parse("--quick");
    assertTrue(o.quick());
    assertEquals(300_000_000L, o.common().size());
    assertEquals(40_000_000L, o.patchSize());
    assertArrayEquals(new long[] {60_000_000L, 150_000_000L, 240_000_000L}, o.cutPositions());
  }

  @Test
  void explicitSizesWinOverQuick() {
    ResumableOptions o = parse("--size", "100MB", "--quick", "--patch", "10MB");
    assertEquals(100_000_000L, o.common().size());
    assertEquals(10_000_000L, o.patchSize());
  }
}
