package io.mediaedge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mediaedge.http.ByteRange.Malformed;
import io.mediaedge.http.ByteRange.MultipleIgnored;
import io.mediaedge.http.ByteRange.None;
import io.mediaedge.http.ByteRange.Result;
import io.mediaedge.http.ByteRange.Satisfiable;
import io.mediaedge.http.ByteRange.Unsatisfiable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ByteRangeTest {

  private static Satisfiable satisfiable(String header, long length) {
    return assertInstanceOf(Satisfiable.class, ByteRange.parse(header, length));
  }

  private static Malformed malformed(String header, long length) {
    return assertInstanceOf(Malformed.class, ByteRange.parse(header, length));
  }

  // ---- no usable header ---------------------------------------------------------------

  @Test
  void absentHeaderServesEverything() {
    assertInstanceOf(None.class, ByteRange.parse(null, 1000));
  }

  @ParameterizedTest
  @ValueSource(strings = {"items=0-1", "pages=1", "none=x", "x-custom=5-", "bites=0-1"})
  void unknownUnitIsIgnored(String header) {
    assertInstanceOf(None.class, ByteRange.parse(header, 1000));
  }

  // ---- single ranges ------------------------------------------------------------------

  @Test
  void closedRangeSelectsThoseBytes() {
    Satisfiable r = satisfiable("bytes=100-199", 1000);
    assertEquals(new Satisfiable(100, 199), r);
    assertEquals(100, r.contentLength());
    assertEquals("bytes 100-199/1000", r.contentRangeHeader(1000));
  }

  @Test
  void suffixRangeSelectsTheLastBytes() {
    Satisfiable r = satisfiable("bytes=-100", 1000);
    assertEquals(new Satisfiable(900, 999), r);
    assertEquals(100, r.contentLength());
    assertEquals("bytes 900-999/1000", r.contentRangeHeader(1000));
  }

  @Test
  void openRangeRunsToTheEnd() {
    Satisfiable r = satisfiable("bytes=900-", 1000);
    assertEquals(new Satisfiable(900, 999), r);
    assertEquals(100, r.contentLength());
  }

  @Test
  void firstByteOnlyIsOneByte() {
    Satisfiable r = satisfiable("bytes=0-0", 1000);
    assertEquals(new Satisfiable(0, 0), r);
    assertEquals(1, r.contentLength());
    assertEquals("bytes 0-0/1000", r.contentRangeHeader(1000));
  }

  @Test
  void lastByteOnlyIsOneByte() {
    assertEquals(new Satisfiable(999, 999), satisfiable("bytes=999-999", 1000));
    assertEquals(new Satisfiable(999, 999), satisfiable("bytes=-1", 1000));
    assertEquals(new Satisfiable(999, 999), satisfiable("bytes=999-", 1000));
  }

  @Test
  void wholeRepresentationAsARange() {
    assertEquals(new Satisfiable(0, 999), satisfiable("bytes=0-", 1000));
    assertEquals(new Satisfiable(0, 999), satisfiable("bytes=0-999", 1000));
  }

  @Test
  void lastPositionBeyondTheEndIsClamped() {
    assertEquals(new Satisfiable(500, 999), satisfiable("bytes=500-1000", 1000));
    assertEquals(new Satisfiable(500, 999), satisfiable("bytes=500-" + Long.MAX_VALUE, 1000));
  }

  @Test
  void suffixLongerThanTheRepresentationSelectsAll() {
    assertEquals(new Satisfiable(0, 999), satisfiable("bytes=-1000", 1000));
    assertEquals(new Satisfiable(0, 999), satisfiable("bytes=-5000", 1000));
    assertEquals(new Satisfiable(0, 999), satisfiable("bytes=-" + Long.MAX_VALUE, 1000));
  }

  @Test
  void unitIsCaseInsensitive() {
    assertEquals(new Satisfiable(0, 9), satisfiable("BYTES=0-9", 100));
    assertEquals(new Satisfiable(0, 9), satisfiable("Bytes=0-9", 100));
  }

  @Test
  void whitespaceAfterEqualsAndAroundTheValueIsTolerated() {
    assertEquals(new Satisfiable(0, 9), satisfiable("bytes= 0-9", 100));
    assertEquals(new Satisfiable(0, 9), satisfiable("bytes=\t0-9 ", 100));
    assertEquals(new Satisfiable(0, 9), satisfiable("  bytes=0-9\t", 100));
  }

  @Test
  void emptyListElementsAreIgnored() {
    // RFC 9110 §5.6.1 asks recipients to skip empty list elements.
    assertEquals(new Satisfiable(0, 9), satisfiable("bytes=0-9,", 100));
    assertEquals(new Satisfiable(0, 9), satisfiable("bytes=, 0-9 ,,", 100));
  }

  @Test
  void leadingZerosAreJustDigits() {
    assertEquals(new Satisfiable(7, 10), satisfiable("bytes=007-0010", 100));
  }

  @Test
  void largeRepresentationsUseLongPositions() {
    long length = 10L * 1024 * 1024 * 1024;
    Satisfiable r = satisfiable("bytes=8589934592-", length);
    assertEquals(new Satisfiable(8589934592L, length - 1), r);
    assertEquals("bytes 8589934592-10737418239/10737418240", r.contentRangeHeader(length));
  }

  // ---- unsatisfiable ------------------------------------------------------------------

  @Test
  void firstPositionAtOrBeyondTheEndIsUnsatisfiable() {
    assertInstanceOf(Unsatisfiable.class, ByteRange.parse("bytes=1000-", 1000));
    assertInstanceOf(Unsatisfiable.class, ByteRange.parse("bytes=1000-1999", 1000));
    assertInstanceOf(Unsatisfiable.class, ByteRange.parse("bytes=5000-6000", 1000));
  }

  @Test
  void zeroLengthSuffixIsUnsatisfiable() {
    assertInstanceOf(Unsatisfiable.class, ByteRange.parse("bytes=-0", 1000));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=0-0", "bytes=0-", "bytes=-1", "bytes=-0", "bytes=5-10"})
  void anyRangeOfAnEmptyRepresentationIsUnsatisfiable(String header) {
    assertInstanceOf(Unsatisfiable.class, ByteRange.parse(header, 0));
  }

  @Test
  void unsatisfiableGivesTheStarContentRange() {
    Unsatisfiable r = assertInstanceOf(Unsatisfiable.class, ByteRange.parse("bytes=2000-", 1000));
    assertEquals("bytes */1000", r.contentRangeHeader(1000));
  }

  // ---- malformed ----------------------------------------------------------------------

  @Test
  void firstAfterLastIsMalformed() {
    malformed("bytes=5-1", 1000);
  }

  @Test
  void firstAfterLastIsMalformedEvenForAnEmptyRepresentation() {
    malformed("bytes=5-1", 0);
  }

  @Test
  void emptyRangeSetIsMalformed() {
    malformed("bytes=", 1000);
    malformed("bytes= ", 1000);
    malformed("bytes=,", 1000);
    malformed("bytes= , ,", 1000);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "bytes=99999999999999999999-",
      "bytes=0-99999999999999999999",
      "bytes=-99999999999999999999",
      "bytes=9223372036854775808-",
      "bytes=-9223372036854775808"})
  void numbersTooLargeForALongAreMalformed(String header) {
    malformed(header, 1000);
  }

  @Test
  void largestLongIsStillANumber() {
    assertInstanceOf(Unsatisfiable.class,
        ByteRange.parse("bytes=" + Long.MAX_VALUE + "-", 1000));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "bytes=+1-2", "bytes=1-+2", "bytes=--1", "bytes=-1-2", "bytes=1--2", "bytes=0x10-",
      "bytes=1 0-20", "bytes=10 -20", "bytes=10- 20", "bytes=- 5", "bytes=1.5-2",
      "bytes=a-b", "bytes=-", "bytes=5", "bytes=1-2-3", "bytes=\u0661-\u0662",
      "bytes=١٢-", "bytes=0-9;x"})
  void nonDigitSyntaxIsMalformed(String header) {
    malformed(header, 1000);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes", "0-9", "", "   ", "bytes 0-9", "=0-9", "bytes =0-9",
      "by tes=0-9", "bytes\t=0-9", "b\u00e9tes=0-9", "bytes:0-9"})
  void headerWithoutAValidUnitIsMalformed(String header) {
    malformed(header, 1000);
  }

  @Test
  void malformedEntryAmongSeveralIsMalformed() {
    malformed("bytes=0-1, x-2", 1000);
    malformed("bytes=0-1,5-1", 1000);
  }

  @Test
  void headerLongerThanOneKibibyteIsMalformed() {
    String header = "bytes=0-" + "0".repeat(1024);
    Malformed r = malformed(header, 1000);
    assertTrue(r.why().contains("too long"));
  }

  @Test
  void headerOfExactlyOneKibibyteIsParsed() {
    String header = "bytes=" + "0".repeat(1024 - "bytes=-9".length()) + "-9";
    assertEquals(1024, header.length());
    assertEquals(new Satisfiable(0, 9), satisfiable(header, 1000));
  }

  @Test
  void malformedReasonDoesNotEchoTheHeader() {
    Malformed r = malformed("bytes=<script>-1", 1000);
    assertTrue(!r.why().contains("<script>"));
  }

  // ---- several ranges -----------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"bytes=1-2,3-4", "bytes=0-0, -1", "bytes=0-1 , 0-1", "bytes=500-,-5",
      "bytes=2000-3000,4000-"})
  void severalRangesAreIgnoredInFavourOfTheFullBody(String header) {
    assertInstanceOf(MultipleIgnored.class, ByteRange.parse(header, 1000));
  }

  // ---- API contracts ------------------------------------------------------------------

  @Test
  void negativeLengthIsAProgrammingError() {
    assertThrows(IllegalArgumentException.class, () -> ByteRange.parse("bytes=0-1", -1));
  }

  @Test
  void satisfiableRejectsInvertedOrNegativeBounds() {
    assertThrows(IllegalArgumentException.class, () -> new Satisfiable(5, 4));
    assertThrows(IllegalArgumentException.class, () -> new Satisfiable(-1, 4));
  }

  @Test
  void resultsCompareByValue() {
    Result a = ByteRange.parse("bytes=1-2", 10);
    Result b = ByteRange.parse("bytes=1-2", 10);
    assertEquals(a, b);
    assertEquals(new None(), ByteRange.parse(null, 10));
  }
}
