package io.mediaedge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CdnHeadersTest {

  private static MultiMap header(String name, String value) {
    return HttpHeaders.headers().add(name, value);
  }

  @ParameterizedTest(name = "CF-Ray ''{0}'' is PoP ''{1}''")
  @CsvSource(delimiter = '|', value = {
      "8c3d2b1a0f1e2d3c-LHR | LHR",
      "8c3d2b1a0f1e2d3c-lhr | LHR",
      "8c3d2b1a0f1e2d3c-Fra | FRA",
      "8c3d2b1a0f1e2d3c-ICN  | ICN",
      "8c3d2b1a0f1e2d3c-ABCD | ABCD",
      "-SIN | SIN",
      "a-b-NRT | NRT",
      "8c3d2b1a0f1e2d3c | ''",
      "8c3d2b1a0f1e2d3c- | ''",
      "8c3d2b1a0f1e2d3c-LH | ''",
      "8c3d2b1a0f1e2d3c-LHRXX | ''",
      "8c3d2b1a0f1e2d3c-L1R | ''",
      "8c3d2b1a0f1e2d3c-LHR1 | ''",
      "8c3d2b1a0f1e2d3c-<b> | ''",
      "8c3d2b1a0f1e2d3c-LHR-x | ''",
      "8c3d2b1a0f1e2d3c-LH R | ''",
      "8c3d2b1a0f1e2d3c-ÅRH | ''",
      "'' | ''",
      "LHR | ''"})
  void popIsTheCodeAfterTheLastDash(String ray, String pop) {
    assertEquals(pop, CdnHeaders.pop(header("CF-Ray", ray)));
  }

  @Test
  void popIsEmptyWithoutTheHeader() {
    assertEquals("", CdnHeaders.pop(HttpHeaders.headers()));
  }

  @Test
  void anOverlongRayIsIgnored() {
    assertEquals("", CdnHeaders.pop(header("CF-Ray", "8".repeat(61) + "-LHR")));
    assertEquals("LHR", CdnHeaders.pop(header("CF-Ray", "8".repeat(60) + "-LHR")));
  }

  @Test
  void headerNamesAreCaseInsensitive() {
    assertEquals("LHR", CdnHeaders.pop(header("cf-ray", "8c3d2b1a0f1e2d3c-LHR")));
    assertEquals("GB", CdnHeaders.country(header("cf-ipcountry", "GB")));
  }

  @ParameterizedTest(name = "CF-IPCountry ''{0}'' is ''{1}''")
  @CsvSource(delimiter = '|', value = {
      "GB | GB",
      "gb | GB",
      "' de ' | DE",
      "XX | XX",
      "T1 | T1",
      "GBR | ''",
      "G | ''",
      "1A | ''",
      "G- | ''",
      "'' | ''",
      "<script> | ''"})
  void countryIsTwoCharactersAsCloudflareSendsThem(String value, String country) {
    assertEquals(country, CdnHeaders.country(header("CF-IPCountry", value)));
  }

  @Test
  void countryIsEmptyWithoutTheHeader() {
    assertEquals("", CdnHeaders.country(HttpHeaders.headers()));
  }
}
