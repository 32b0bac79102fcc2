package dev.parley.notify;

import dev.parley.ParleyConfig;
import dev.parley.Platform;
import dev.parley.Topics;
import io.vertx.core.Future;
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

/**
 * Sends the outbox. Each round claims a batch of due rows (one statement, no transaction held), builds
 * their emails from the database, sends them over SMTP with as many lanes as the SMTP pool has
 * connections, and records each outcome as soon as it is known. It wakes on
 * {@link Topics#OUTBOX_READY}, on a timer, and at once again while batches come back full.
 */
public final class OutboxVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxVerticle.class);
  static final int BATCH = 50;

  private final Platform platform;
  private OutboxRows rows;
  private Emails emails;
  private MailClient mail;
  private Duration lease;
  private int lanes;
  private long timer;
  private boolean busy;
  private boolean again;
  private boolean stopped;

  public OutboxVerticle(Platform platform) {
    this.platform = platform;
  }

  @Override
  public Future<?> start() {
    ParleyConfig config = platform.config();
    rows = new OutboxRows(platform.pool(), config.replyDomain());
    emails = new Emails(config, new ReplyTokens(platform.secrets().replyToken()));
    mail = Mailer.create(vertx, platform);
    lanes = Math.max(1, config.smtpPoolSize());
    // a lease outlives the slowest batch this worker could send (every send hitting the SMTP timeout),
    // so a row is only claimed again when its worker is gone
    long rounds = (BATCH + lanes - 1) / lanes + 1;
    lease = config.smtpTimeout().multipliedBy(2 * rounds).plusSeconds(30);
    // the node that committed the rows wakes at once; the others find them on their next poll
    MessageConsumer<Object> ready = vertx.eventBus().localConsumer(Topics.OUTBOX_READY, m -> wake());
    timer = vertx.setPeriodic(config.outboxPollInterval().toMillis(), id -> wake());
    return ready.completion().onSuccess(v -> wake());
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return mail.close();
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
    round().onComplete(ar -> {
      busy = false;
      if (ar.failed()) {
        if (stopped) {
          return;
        }
        LOG.warn("outbox round failed, next poll retries: {}", ar.cause().toString());
        return;
      }
      if (again || ar.result() >= BATCH) {
        wake();
      }
    });
  }

  private Future<Integer> round() {
    return rows.claim(BATCH, lease).compose(claimed -> {
      if (claimed.isEmpty()) {
        return Future.succeededFuture(0);
      }
      return emails.build(platform.pool(), claimed)
          .compose(this::sendAll)
          .recover(e -> releaseAll(claimed, e))
          .map(claimed.size());
    });
  }

  private Future<Void> sendAll(List<Emails.Built> built) {
    Deque<Emails.Built> queue = new ArrayDeque<>(built);
    List<Future<Void>> running = new ArrayList<>();
    for (int i = 0; i < lanes; i++) {
      running.add(lane(queue));
    }
    return Future.join(running).mapEmpty();
  }

  private Future<Void> lane(Deque<Emails.Built> queue) {
    Emails.Built next = queue.poll();
    if (next == null || stopped) {
      return Future.succeededFuture();
    }
    return deliver(next)
        .recover(e -> {
          LOG.warn("outbox row {}: outcome not recorded ({}); it is tried again when its lease ends", next.row().id(), e.toString());
          return Future.succeededFuture();
        })
        .compose(v -> lane(queue));
  }

  private Future<Void> deliver(Emails.Built b) {
    Claimed row = b.row();
    if (b.refusal() != null) {
      LOG.warn("outbox row {} ({}) not sent: {}", row.id(), row.kind(), b.refusal());
      return rows.failed(row, "not sent: " + b.refusal());
    }
    if (b.mail() == null) {
      return retryOrFail(row, "not built: " + b.problem());
    }
    return mail.sendMail(b.mail()).transform(ar -> {
      if (ar.succeeded()) {
        return rows.sent(row);
      }
      String why = Delivery.describe(ar.cause());
      if (Delivery.isPermanent(ar.cause())) {
        LOG.warn("outbox row {} failed for good: {}", row.id(), why);
        return rows.failed(row, why);
      }
      return retryOrFail(row, why);
    });
  }

  private Future<Void> retryOrFail(Claimed row, String why) {
    if (row.attempts() >= platform.config().outboxMaxAttempts()) {
      LOG.warn("outbox row {} failed after {} attempts: {}", row.id(), row.attempts(), why);
      return rows.failed(row, "gave up after " + row.attempts() + " attempts: " + why);
    }
    Duration after = Delivery.backoff(platform.config().outboxRetryBase(), row.attempts());
    LOG.info("outbox row {} attempt {} failed ({}); next in {} ms", row.id(), row.attempts(), why, after.toMillis());
    return rows.retry(row, after, why);
  }

  private Future<Void> releaseAll(List<Claimed> claimed, Throwable e) {
    List<Future<Void>> out = new ArrayList<>();
    for (Claimed row : claimed) {
      out.add(retryOrFail(row, "not built: " + e));
    }
    return Future.join(out).mapEmpty();
  }
}
