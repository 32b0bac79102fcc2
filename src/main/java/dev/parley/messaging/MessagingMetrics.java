package dev.parley.messaging;

import dev.parley.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;

import java.util.EnumMap;
import java.util.Map;

/**
 * Messaging in figures: messages sent, by where they came from; how long a send or a reply took to be
 * answered; catch-up requests of the live feed, and those answered "resync" (the client reloads).
 */
final class MessagingMetrics {

  private final Map<Commands.Source, Counter> sent = new EnumMap<>(Commands.Source.class);
  final Timer newThread;
  final Timer reply;
  final Counter catchUps;
  final Counter resyncs;

  MessagingMetrics(Metrics metrics) {
    for (Commands.Source source : Commands.Source.values()) {
      sent.put(source, metrics.counter("parley.messages.sent", "messages sent (a retry answered from its Idempotency-Key "
          + "is not counted again)", "via", source.wire()));
    }
    newThread = send(metrics, "thread");
    reply = send(metrics, "reply");
    catchUps = metrics.counter("parley.catch.up.requests", "catch-up requests of the live feed (GET /api/events)");
    resyncs = metrics.counter("parley.catch.up.resyncs", "catch-ups answered resync: the client reloads its view");
  }

  private static Timer send(Metrics metrics, String kind) {
    return metrics.latency("parley.send.duration", "a send or reply, from its request read to its answer written",
        "kind", kind);
  }

  /** Counts a message that was written now (not one an earlier request with the same key wrote). */
  MessagingService.Sent counted(MessagingService.Sent s, Commands.Source source) {
    if (!s.replayed()) {
      sent.get(source).increment();
    }
    return s;
  }
}
