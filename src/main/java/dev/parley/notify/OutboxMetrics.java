package dev.parley.notify;

import dev.parley.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbox in figures: counters of what this node's worker recorded (sent, failed for good, put
 * back for a retry), and gauges of the whole outbox, all companies together, read from the database
 * by {@link #refresh()} just before each scrape. One per node.
 */
public final class OutboxMetrics {

  // each count comes from its partial index; the oldest pending row is one of the few pending ones.
  // A notification still waiting for its reader is pending but not late: it does not count as oldest
  private static final String FIGURES = """
      select (select count(*) from outbox where status = 'pending') as pending,
             (select count(*) from outbox where status = 'pending'
                 and waits_for_reader and attempts = 0 and next_attempt_at > now()) as waiting,
             (select count(*) from outbox where status = 'failed') as failed,
             (select coalesce(extract(epoch from now() - min(queued_at)), 0)
                from outbox where status = 'pending'
                 and not (waits_for_reader and attempts = 0 and next_attempt_at > now())) as oldest""";

  private final Pool pool;
  final Counter sent;
  final Counter failed;
  final Counter retried;
  private final AtomicLong pendingNow = new AtomicLong();
  private final AtomicLong waitingNow = new AtomicLong();
  private final AtomicLong failedNow = new AtomicLong();
  private final AtomicLong oldestPendingSeconds = new AtomicLong();

  public OutboxMetrics(Metrics metrics, Pool pool) {
    MeterRegistry registry = metrics.registry();
    this.pool = pool;
    sent = Counter.builder("parley.outbox.sent").description("emails the SMTP server accepted").register(registry);
    failed = Counter.builder("parley.outbox.failed").description("emails marked failed for good").register(registry);
    retried = Counter.builder("parley.outbox.retried").description("failed attempts put back for a later retry")
        .register(registry);
    Gauge.builder("parley.outbox.pending", pendingNow, AtomicLong::get)
        .description("emails waiting to be sent").register(registry);
    Gauge.builder("parley.outbox.waiting.for.reader", waitingNow, AtomicLong::get)
        .description("notification jobs of new messages still within their company's delay, waiting for their readers")
        .register(registry);
    Gauge.builder("parley.outbox.undelivered", failedNow, AtomicLong::get)
        .description("emails marked failed and not sent again").register(registry);
    Gauge.builder("parley.outbox.oldest.pending", oldestPendingSeconds, AtomicLong::get).baseUnit("seconds")
        .description("how long the longest-waiting email has been queued").register(registry);
  }

  /** Reads the gauges' figures from the database. */
  public Future<Void> refresh() {
    return pool.query(FIGURES).execute().map(rows -> {
      Row r = rows.iterator().next();
      pendingNow.set(r.getLong("pending"));
      waitingNow.set(r.getLong("waiting"));
      failedNow.set(r.getLong("failed"));
      oldestPendingSeconds.set(Math.round(r.getNumeric("oldest").doubleValue()));
      return null;
    });
  }
}
