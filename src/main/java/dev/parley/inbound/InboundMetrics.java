package dev.parley.inbound;

import dev.parley.Metrics;
import io.micrometer.core.instrument.Counter;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Inbound emails by what became of them ({@code parley_inbound_emails_total{outcome, reason}}). The
 * reasons are the fixed set the pipeline gives; any other is counted as {@code other}, so that no
 * label ever takes a value from the email itself.
 */
final class InboundMetrics {

  static final Set<String> REASONS = Set.of(
      // automatic mail (MimeReader)
      "auto_submitted", "auto_reply", "precedence", "null_return_path", "report", "mailer_daemon",
      // dropped
      "no_sender", "own_address", "no_reply_address", "rate_limited", "bad_token", "unknown_recipient", "inactive_user",
      "no_recipients",
      // refused (the sender is told)
      "wrong_sender", "convenience_mode_off", "left_thread", "too_long", "empty",
      // rejected
      "too_large", "malformed");

  private final Metrics metrics;
  /** One counter per outcome and reason, made on first use: at most the few dozen the sets allow. */
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  InboundMetrics(Metrics metrics) {
    this.metrics = metrics;
    for (Outcome.Kind kind : Outcome.Kind.values()) {
      counter(kind, "none");
    }
  }

  void count(Outcome outcome) {
    String reason = outcome.reason() == null ? "none" : REASONS.contains(outcome.reason()) ? outcome.reason() : "other";
    counter(outcome.kind(), reason).increment();
  }

  private Counter counter(Outcome.Kind kind, String reason) {
    return counters.computeIfAbsent(kind.wire() + ' ' + reason, k -> metrics.counter("parley.inbound.emails",
        "inbound emails (IMAP and webhook), by what became of them", "outcome", kind.wire(), "reason", reason));
  }
}
