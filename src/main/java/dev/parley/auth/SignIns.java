package dev.parley.auth;

import dev.parley.Metrics;
import io.micrometer.core.instrument.Counter;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** Sign-in attempts by how they ended ({@code parley_sign_ins_total{outcome}}), one counter per outcome. */
final class SignIns {

  /** How a sign-in step ended. A two-factor sign-in counts {@code TOTP_REQUIRED} and then its second step's outcome. */
  enum Outcome {
    /** A session started. */
    SUCCESS,
    /** The address or the password is not right (the same answer for both). */
    WRONG_PASSWORD,
    /** Refused by a sign-in rate limit before the password was checked. */
    LOCKED,
    /** The password was right; a second-factor code is asked for. */
    TOTP_REQUIRED,
    /** The second-factor code was not right. */
    WRONG_CODE,
    /** The password opens accounts in several companies: the caller is asked to pick one. */
    COMPANY_REQUIRED
  }

  private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);

  SignIns(Metrics metrics) {
    for (Outcome o : Outcome.values()) {
      counters.put(o, metrics.counter("parley.sign.ins", "sign-in attempts, by outcome",
          "outcome", o.name().toLowerCase(Locale.ROOT)));
    }
  }

  void count(Outcome outcome) {
    counters.get(outcome).increment();
  }
}
