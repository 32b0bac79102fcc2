package dev.parley.notify;

import io.vertx.ext.mail.SMTPException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryTest {

  static SMTPException smtp(int code) {
    return new SMTPException(code + " try later", code, List.of(code + " try later"), false);
  }

  @Test
  void fiveHundredsAreFinalEverythingElseIsRetried() {
    assertThat(Delivery.isPermanent(smtp(550))).isTrue();
    assertThat(Delivery.isPermanent(smtp(554))).isTrue();
    assertThat(Delivery.isPermanent(smtp(421))).isFalse();
    assertThat(Delivery.isPermanent(smtp(451))).isFalse();
    assertThat(Delivery.isPermanent(new ConnectException("Connection refused"))).isFalse();
    assertThat(Delivery.isPermanent(new TimeoutException("timed out"))).isFalse();
    assertThat(Delivery.isPermanent(new RuntimeException("wrapped", smtp(552)))).isTrue();
  }

  @Test
  void backoffDoublesWithJitterInTheUpperHalfAndIsCapped() {
    Duration base = Duration.ofSeconds(30);
    Duration max = Duration.ofHours(1);
    for (int attempt = 1; attempt <= 6; attempt++) {
      long full = 30_000L << (attempt - 1);
      for (int i = 0; i < 200; i++) {
        long ms = Delivery.backoff(base, max, attempt).toMillis();
        assertThat(ms).isBetween(full / 2, full);
      }
    }
    assertThat(Delivery.backoff(base, max, 40)).isLessThanOrEqualTo(max).isGreaterThanOrEqualTo(max.dividedBy(2));
  }
}
