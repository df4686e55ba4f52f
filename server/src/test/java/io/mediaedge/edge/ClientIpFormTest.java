package io.mediaedge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mediaedge.config.IpAddresses;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientIpFormTest {

  @ParameterizedTest(name = "{0} {1} shows ''{2}''")
  @CsvSource(delimiter = '|', value = {
      "full | 203.0.113.9 | 203.0.113.9",
      "full | 2001:db8:1234:5678::9 | 2001:db8:1234:5678:0:0:0:9",
      "full | ::ffff:203.0.113.9 | 203.0.113.9",
      "truncated | 203.0.113.9 | 203.0.113.0",
      "truncated | 203.0.113.255 | 203.0.113.0",
      "truncated | 10.0.0.0 | 10.0.0.0",
      "truncated | ::ffff:203.0.113.9 | 203.0.113.0",
      "truncated | 2001:db8:1234:5678:9abc::9 | 2001:db8:1234:0:0:0:0:0",
      "truncated | 2001:db8:12ff:ffff:ffff:ffff:ffff:ffff | 2001:db8:12ff:0:0:0:0:0",
      "truncated | ::1 | 0:0:0:0:0:0:0:0",
      "none | 203.0.113.9 | ''",
      "none | 2001:db8::9 | ''"})
  void eachFormShowsAsMuchAsItKeeps(String form, String address, String shown) {
    assertEquals(shown, ClientIpForm.parse(form).show(IpAddresses.parse(address).orElseThrow()));
  }

  @ParameterizedTest
  @CsvSource({"FULL, FULL", "Truncated, TRUNCATED", "' none ', NONE"})
  void parseIgnoresCaseAndSpaces(String text, ClientIpForm form) {
    assertEquals(form, ClientIpForm.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"partial", "/24", "", "hashed"})
  void unknownFormsAreRefused(String text) {
    assertThrows(IllegalArgumentException.class, () -> ClientIpForm.parse(text));
  }
}
