package dev.parley;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClientAddressTest {

  @Test
  void ipv6AddressesAreShownInTheirShortForm() {
    assertThat(ClientAddress.shorten("0:0:0:0:0:0:0:1")).isEqualTo("::1");
    assertThat(ClientAddress.shorten("2001:db8:0:0:0:0:2:1")).isEqualTo("2001:db8::2:1");
    assertThat(ClientAddress.shorten("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
    assertThat(ClientAddress.shorten("2001:0:0:1:0:0:0:1")).isEqualTo("2001:0:0:1::1");
    assertThat(ClientAddress.shorten("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
    assertThat(ClientAddress.shorten("0:0:0:0:0:0:0:0")).isEqualTo("::");
    assertThat(ClientAddress.shorten("fe80:0:0:0:0:0:0:1%eth0")).isEqualTo("fe80::1%eth0");
    assertThat(ClientAddress.shorten("2001:DB8:0:0:0:0:0:AB")).isEqualTo("2001:db8::ab");
  }

  @Test
  void ipv4AddressesAndNamesAreLeftAsTheyAre() {
    assertThat(ClientAddress.shorten("127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(ClientAddress.shorten("::1")).isEqualTo("::1");
    assertThat(ClientAddress.shorten(null)).isNull();
  }
}
