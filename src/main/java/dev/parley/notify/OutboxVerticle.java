package dev.parley.notify;

import dev.parley.ParleyConfig;
import dev.parley.Platform;
import dev.parley.Topics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.ext.mail.MailClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Sends the outbox. Each round claims a batch of due rows (one statement, no transaction held), builds
 * their emails from the database, sends them over SMTP with as many lanes as the SMTP pool has
 * connections, and records each outcome as soon as it is known. It wakes on
 * {@link Topics#OUTBOX_READY}, on a timer, and at once again while batches come back full.
 *
 * <p>An outcome that cannot be written (the database is briefly away) is written again with backoff
 * for as long as the lease lasts, so an email that went out is not sent again when the lease ends.
 * A worker that stops finishes the emails it is sending and hands the rest of its batch back.
 */
public final class OutboxVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxVerticle.class);
  static final int BATCH = 50;
  /** Outcome writes stop being retried this long before the lease ends, when another worker may take the row. */
  private static final Duration LEASE_MARGIN = Duration.ofSeconds(10);
  private static final Duration WRITE_RETRY_FIRST = Duration.ofMillis(100);
  private static final Duration WRITE_RETRY_MAX = Duration.ofSeconds(5);
  /** How long a stopping worker waits for the emails it is sending and their outcomes, at most. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  private final Platform platform;
  private final OutboxMetrics metrics;
  private final Messages messages;
  private OutboxRows rows;
  private Emails emails;
  private MailClient mail;
  private Duration lease;
  private int lanes;
  private long timer;
  private boolean busy;
  private boolean again;
  private boolean stopped;
  private long stopDeadline;
  private Duration stopGrace;
  private Future<Integer> current = Future.succeededFuture(0);

  /** {@code messages}: the loader the emails read messages with (the one the thread API uses). */
  public OutboxVerticle(Platform platform, OutboxMetrics metrics, Messages messages) {
    this.platform = platform;
    this.metrics = metrics;
    this.messages = messages;
  }

  @Override
  public Future<?> start() {
    ParleyConfig config = platform.config();
    rows = new OutboxRows(platform.pool(), config.replyDomain());
    emails = new Emails(config, new ReplyTokens(platform.secrets().replyToken()), messages,
        new PasswordLinkTokens(platform.secrets().passwordLink()));
    mail = Mailer.create(vertx, platform);
    lanes = Math.max(1, config.smtpPoolSize());
    // a node stops the worker as its drain begins and must be gone within the shutdown time: the
    // last quarter of it is left for closing the pool and leaving the cluster
    Duration budget = config.shutdownTimeout().minus(config.shutdownTimeout().dividedBy(4));
    stopGrace = budget.compareTo(STOP_GRACE) < 0 ? budget : STOP_GRACE;
    // a lease outlives the slowest batch this worker could send (every send hitting the SMTP timeout),
    // so a row is only claimed again when its worker is gone
    long rounds = (BATCH + lanes - 1) / lanes + 1;
    lease = config.smtpTimeout().multipliedBy(2 * rounds).plus(LEASE_MARGIN).plusSeconds(30);
    // the node that committed the rows wakes at once; the others find them on their next poll
    MessageConsumer<Object> ready = vertx.eventBus().localConsumer(Topics.OUTBOX_READY, m -> wake());
    timer = vertx.setPeriodic(config.outboxPollInterval().toMillis(), id -> wake());
    return ready.completion().onSuccess(v -> wake());
  }

  /**
   * Starts no new round; lets the running one finish the sends it began and hand back the rest, within
   * {@link #STOP_GRACE} and three quarters of {@code PARLEY_SHUTDOWN_SECONDS}.
   */
  @Override
  public Future<?> stop() {
    stopped = true;
    stopDeadline = System.nanoTime() + stopGrace.toNanos();
    vertx.cancelTimer(timer);
    return current.timeout(Math.max(1, stopGrace.toMillis()), TimeUnit.MILLISECONDS)
        .transform(ar -> {
          if (ar.failed()) {
            LOG.warn("outbox worker stopped before its last round ended ({}); its rows are taken again when their lease ends",
                ar.cause().toString());
          }
          return mail.close();
        });
  }

  private void wake() {
    if (stopped) {
      return;
    }
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    again = false;
    current = round();
    current.onComplete(ar -> {
      busy = false;
      if (stopped) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("outbox round failed, next poll retries: {}", ar.cause().toString());
        return;
      }
      if (again || ar.result() >= BATCH) {
        wake();
      }
    });
  }

  private Future<Integer> round() {
    long leaseEnds = System.nanoTime() + lease.toNanos();
    // due message jobs first: the notification rows they become are claimed by this same round
    return rows.expand(BATCH).compose(jobs -> rows.claim(BATCH, lease, platform.config().outboxGiveUpAfter()).compose(claimed -> {
      if (claimed.isEmpty()) {
        return Future.succeededFuture(jobs);
      }
      return emails.build(platform.pool(), claimed)
          .compose(built -> sendAll(built, leaseEnds))
          .recover(e -> releaseAll(claimed, e, leaseEnds))
          .map(Math.max(jobs, claimed.size()));
    }));
  }

  private Future<Void> sendAll(List<Emails.Built> built, long leaseEnds) {
    Deque<Emails.Built> queue = new ArrayDeque<>(built);
    List<Future<Void>> running = new ArrayList<>();
    for (int i = 0; i < lanes; i++) {
      running.add(lane(queue, leaseEnds));
    }
    return Future.join(running).transform(ar -> handBack(queue, leaseEnds));
  }

  /** What no lane took (the worker is stopping) goes back to the queue for any worker to send now. */
  private Future<Void> handBack(Deque<Emails.Built> queue, long leaseEnds) {
    if (queue.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Claimed> left = new ArrayList<>(queue.size());
    queue.forEach(b -> left.add(b.row()));
    queue.clear();
    return record(() -> rows.release(left), leaseEnds)
        .onSuccess(v -> LOG.info("outbox worker stopping: {} unsent emails handed back", left.size()))
        .recover(e -> {
          LOG.warn("outbox worker stopping: {} unsent emails not handed back ({}); they are taken again when their lease ends",
              left.size(), e.toString());
          return Future.succeededFuture();
        });
  }

  private Future<Void> lane(Deque<Emails.Built> queue, long leaseEnds) {
    if (stopped || queue.isEmpty()) {
      return Future.succeededFuture();
    }
    Emails.Built next = queue.poll();
    return deliver(next, leaseEnds)
        .recover(e -> {
          LOG.warn("outbox row {}: outcome not recorded ({}); it is tried again when its lease ends", next.row().id(), e.toString());
          return Future.succeededFuture();
        })
        .compose(v -> lane(queue, leaseEnds));
  }

  private Future<Void> deliver(Emails.Built b, long leaseEnds) {
    Claimed row = b.row();
    if (b.refusal() != null) {
      LOG.warn("outbox row {} ({}) not sent: {}", row.id(), row.kind(), b.refusal());
      return failed(row, "not sent: " + b.refusal(), leaseEnds);
    }
    if (b.mail() == null) {
      return retryOrFail(row, "not built: " + b.problem(), leaseEnds);
    }
    return mail.sendMail(b.mail()).transform(ar -> {
      if (ar.succeeded()) {
        return record(() -> rows.sent(row), leaseEnds).onSuccess(v -> metrics.sent.increment());
      }
      String why = Delivery.describe(ar.cause());
      if (Delivery.isPermanent(ar.cause())) {
        LOG.warn("outbox row {} failed for good: {}", row.id(), why);
        return failed(row, why, leaseEnds);
      }
      return retryOrFail(row, why, leaseEnds);
    });
  }

  /** A temporary failure is tried again with backoff until the row is older than the give-up age. */
  private Future<Void> retryOrFail(Claimed row, String why, long leaseEnds) {
    ParleyConfig config = platform.config();
    if (row.overdue()) {
      LOG.warn("outbox row {} failed: still undelivered after {} days ({} attempts): {}",
          row.id(), config.outboxGiveUpAfter().toDays(), row.attempts(), why);
      return failed(row, "gave up after " + config.outboxGiveUpAfter().toDays() + " days and " + row.attempts()
          + " attempts: " + why, leaseEnds);
    }
    Duration after = Delivery.backoff(config.outboxRetryBase(), config.outboxRetryMax(), row.attempts());
    LOG.info("outbox row {} attempt {} failed ({}); next in {} ms", row.id(), row.attempts(), why, after.toMillis());
    return record(() -> rows.retry(row, after, why), leaseEnds).onSuccess(v -> metrics.retried.increment());
  }

  private Future<Void> failed(Claimed row, String why, long leaseEnds) {
    return record(() -> rows.failed(row, why), leaseEnds).onSuccess(v -> metrics.failed.increment());
  }

  private Future<Void> releaseAll(List<Claimed> claimed, Throwable e, long leaseEnds) {
    List<Future<Void>> out = new ArrayList<>();
    for (Claimed row : claimed) {
      out.add(retryOrFail(row, "not built: " + e, leaseEnds));
    }
    return Future.join(out).mapEmpty();
  }

  private Future<Void> record(Supplier<Future<Void>> write, long leaseEnds) {
    return record(write, leaseEnds, WRITE_RETRY_FIRST);
  }

  /**
   * Runs an outcome write, and again after a growing pause while it fails, until just before the lease
   * ends (or the stop grace is over).
   */
  private Future<Void> record(Supplier<Future<Void>> write, long leaseEnds, Duration pause) {
    return write.get().recover(e -> {
      long now = System.nanoTime();
      boolean leaseEnding = now + pause.toNanos() > leaseEnds - LEASE_MARGIN.toNanos();
      if (leaseEnding || (stopped && now > stopDeadline)) {
        return Future.failedFuture(e);
      }
      LOG.debug("outbox outcome not written ({}); again in {} ms", e.toString(), pause.toMillis());
      Promise<Void> again = Promise.promise();
      Duration longer = pause.multipliedBy(2).compareTo(WRITE_RETRY_MAX) > 0 ? WRITE_RETRY_MAX : pause.multipliedBy(2);
      vertx.setTimer(pause.toMillis(), id -> record(write, leaseEnds, longer).onComplete(again));
      return again.future();
    });
  }
}
