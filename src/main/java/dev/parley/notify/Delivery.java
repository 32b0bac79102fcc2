package dev.parley.notify;

import io.vertx.ext.mail.SMTPException;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** What a failed send means for its row: when to try again, or that it never will succeed. */
final class Delivery {

  private Delivery() {
  }

  /**
   * A 5xx answer is final. A 4xx answer, a refused or dropped connection, a timeout or anything else
   * on the way is worth another attempt (until the row is older than the give-up age).
   */
  static boolean isPermanent(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SMTPException s) {
        return s.getReplyCode() >= 500 && s.getReplyCode() < 600;
      }
    }
    return false;
  }

  /** Exponential backoff with jitter: a random point in the upper half of base * 2^(attempt-1), capped at {@code max}. */
  static Duration backoff(Duration base, Duration max, int attempt) {
    long cap = Math.max(1, max.toMillis());
    long full = Math.max(1, base.toMillis());
    for (int i = 1; i < attempt && full < cap; i++) {
      full *= 2;
    }
    full = Math.min(full, cap);
    long half = full / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(full - half + 1));
  }

  /** A short description of a failure for {@code outbox.last_error}. */
  static String describe(Throwable e) {
    if (e instanceof SMTPException s) {
      return "SMTP " + s.getReplyCode() + " " + s.getReplyMessage();
    }
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
