package dev.parley.inbound;

import dev.parley.Platform;
import dev.parley.Problem;
import dev.parley.db.Db;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Reads the replies mailbox over IMAP and hands each new email to {@link Ingest}.
 * <ul>
 *   <li>Only the node holding the mailbox's PostgreSQL advisory lock reads it. The lock is held on a
 *       connection of its own, so it is let go as soon as that node stops or dies.</li>
 *   <li>UIDVALIDITY and the last UID taken are kept in PostgreSQL and advanced one email at a time,
 *       after the email was taken, so a restart neither re-reads nor skips; a taken email is marked \Seen.</li>
 *   <li>Waits with IDLE when the server has it (woken regularly to stay alive), else polls at the
 *       configured interval; backs off exponentially while the server or the database is unreachable.</li>
 *   <li>All IMAP work runs on one worker thread of its own, never on an event loop.</li>
 * </ul>
 */
public final class ImapPoller extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ImapPoller.class);

  private static final long LOCK_CHECK_MS = 10_000;
  /** Attempts at an email whose taking fails for a reason other than an outage, before moving past it. */
  private static final int MAX_ATTEMPTS = 5;
  private static final long IDLE_WAKE_MS = 25_000;
  private static final long MAX_BACKOFF_MS = 5 * 60_000;
  private static final int BATCH = 25;

  private final Platform platform;
  private final String mailboxKey;
  private final long lockKey;
  private final ImapMailbox mailbox;
  private Ingest ingest;
  private WorkerExecutor imap;

  private volatile boolean stopped;
  private volatile boolean locked;
  private int failures;
  private long nextTimer = -1;
  private long lockTimer = -1;
  private SqlConnection lockConnection;
  private final Map<Long, Integer> attempts = new HashMap<>();
  private Future<?> running = Future.succeededFuture();

  public ImapPoller(Platform platform) {
    this.platform = platform;
    this.mailboxKey = ImapMailbox.key(platform.mail(), platform.config().imapFolder());
    this.mailbox = new ImapMailbox(platform.mail(), platform.config().imapFolder());
    this.lockKey = lockKey(mailboxKey);
  }

  /** The advisory lock key of a mailbox: the first 8 bytes of the SHA-256 of its key. */
  static long lockKey(String mailboxKey) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(("parley.inbound." + mailboxKey).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(d).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Future<?> start() {
    ingest = new Ingest(platform);
    imap = vertx.createSharedWorkerExecutor("parley-imap-" + UUID.randomUUID(), 1, 2, TimeUnit.MINUTES);
    lockTimer = vertx.setPeriodic(LOCK_CHECK_MS, id -> checkLock());
    LOG.info("reading replies from {}", mailbox);
    schedule(0);
    return Future.succeededFuture();
  }

  /** Finishes the email in hand, then lets go of the IMAP connection and the lock. */
  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(nextTimer);
    vertx.cancelTimer(lockTimer);
    vertx.executeBlocking(() -> {
      mailbox.wake();
      return null;
    }, false);
    return running.transform(v -> Future.succeededFuture())
        .timeout(15, TimeUnit.SECONDS)
        .transform(v -> vertx.executeBlocking(() -> {
          mailbox.closeQuietly();
          return null;
        }, false))
        .transform(v -> unlock())
        .transform(v -> imap.close())
        .recover(e -> Future.succeededFuture());
  }

  private void schedule(long delayMs) {
    if (stopped) {
      return;
    }
    nextTimer = vertx.setTimer(Math.max(1, delayMs), id -> {
      nextTimer = -1;
      running = cycle();
    });
  }

  /** Takes the mailbox's lock when free; true while this node holds it. */
  private Future<Boolean> lock() {
    if (lockConnection != null) {
      return Future.succeededFuture(true);
    }
    return platform.pool().getConnection().compose(conn -> InboundStore.tryLock(conn, lockKey).compose(taken -> {
      if (!taken) {
        return conn.close().map(false);
      }
      lockConnection = conn;
      // the connection's end is handled below; without a handler of its own the client prints the
      // error that ended it (a database stopping says FATAL) straight to the console
      conn.exceptionHandler(e -> LOG.debug("the lock's connection to {} ended: {}", mailboxKey, e.getMessage()));
      conn.closeHandler(v -> {
        if (lockConnection == conn) {
          lockConnection = null;
          this.locked = false;
          wakeIdle();
        }
      });
      return Future.succeededFuture(true);
    }, e -> conn.close().transform(v -> Future.failedFuture(e))));
  }

  /** The lock lives as long as its connection: a connection that stopped answering means it is lost. */
  private void checkLock() {
    SqlConnection conn = lockConnection;
    if (conn != null && !stopped) {
      conn.query("select 1").execute().onFailure(e -> {
        if (lockConnection == conn) {
          LOG.warn("lost the lock on {} ({}); another node may read it now", mailboxKey, e.getMessage());
          lockConnection = null;
          locked = false;
          conn.close();
          wakeIdle();
        }
      });
    }
  }

  private Future<Void> unlock() {
    SqlConnection conn = lockConnection;
    lockConnection = null;
    locked = false;
    if (conn == null) {
      return Future.succeededFuture();
    }
    return InboundStore.unlock(conn, lockKey).eventually(conn::close).recover(e -> Future.succeededFuture());
  }

  /** What to do after a cycle. */
  private enum Next { IDLE, POLL, AGAIN }

  private Future<Next> cycle() {
    Future<Next> f = lock().compose(held -> {
      if (!held) {
        locked = false;
        return blocking(() -> {
          mailbox.closeQuietly();
          return Next.POLL;
        });
      }
      locked = true;
      return drain();
    });
    f.onComplete(ar -> {
      if (stopped) {
        return;
      }
      if (ar.succeeded()) {
        if (failures > 0) {
          LOG.info("replies mailbox reachable again");
        }
        failures = 0;
        if (ar.result() == Next.IDLE) {
          running = idle();
        } else if (ar.result() == Next.AGAIN) {
          schedule(0);
        } else {
          schedule(platform.config().imapPollInterval().toMillis());
        }
      } else {
        failures++;
        long delay = backoff();
        LOG.warn("replies mailbox {} not read ({}); trying again in {} ms", mailboxKey, describe(ar.cause()), delay);
        blocking(() -> {
          mailbox.closeQuietly();
          return null;
        }).onComplete(v -> schedule(delay));
      }
    });
    return f;
  }

  private long backoff() {
    long base = Math.max(1000, platform.config().imapPollInterval().toMillis());
    long d = Math.min(MAX_BACKOFF_MS, base << Math.min(failures - 1, 20));
    return d + ThreadLocalRandom.current().nextLong(d / 5 + 1);
  }

  /** Reads everything above the saved position, in batches, one email at a time. */
  private Future<Next> drain() {
    return blocking(mailbox::open).compose(uidValidity -> InboundStore.position(platform.pool(), mailboxKey).compose(saved -> {
      boolean reset = saved.isEmpty() || saved.get().uidValidity() != uidValidity;
      if (reset) {
        LOG.info("replies mailbox {} read from the start (UIDVALIDITY {})", mailboxKey, uidValidity);
      }
      long last = reset ? 0 : saved.get().lastUid();
      Future<Void> start = reset
          ? InboundStore.savePosition(platform.pool(), mailboxKey, new InboundStore.Position(uidValidity, 0))
          : Future.succeededFuture();
      return start.compose(v -> batches(uidValidity, last, reset));
    }));
  }

  private Future<Next> batches(long uidValidity, long last, boolean skipSeen) {
    if (stopped || !locked) {
      return Future.succeededFuture(Next.POLL);
    }
    return blocking(() -> mailbox.fetchAfter(last, skipSeen, BATCH, MimeReader.MAX_RAW_BYTES)).compose(batch -> {
      if (batch.isEmpty()) {
        return blocking(() -> !mailbox.supportsIdle() ? Next.POLL : mailbox.hasAfter(last) ? Next.AGAIN : Next.IDLE);
      }
      return each(batch, 0, uidValidity).compose(reached -> reached < 0
          ? Future.succeededFuture(Next.POLL)
          : batches(uidValidity, reached, skipSeen));
    });
  }

  /** Takes the emails of a batch in UID order; answers the last UID taken, or -1 when stopped early. */
  private Future<Long> each(List<ImapMailbox.Fetched> batch, int i, long uidValidity) {
    if (i >= batch.size()) {
      return Future.succeededFuture(batch.get(batch.size() - 1).uid());
    }
    if (stopped || !locked) {
      return Future.succeededFuture(-1L);
    }
    ImapMailbox.Fetched m = batch.get(i);
    return take(m).compose(taken -> {
      if (!taken) {
        return Future.failedFuture(Problem.unavailable("the same email is being taken elsewhere"));
      }
      return blocking(() -> {
        mailbox.markSeen(m.uid());
        return null;
      }).compose(v -> InboundStore.savePosition(platform.pool(), mailboxKey, new InboundStore.Position(uidValidity, m.uid())))
          .compose(v -> each(batch, i + 1, uidValidity));
    });
  }

  /**
   * True when the email is done with (taken, or given up after repeated failures); false to try again
   * later. An outage (database, shutdown) fails the batch so that it is retried, never skipped.
   */
  private Future<Boolean> take(ImapMailbox.Fetched m) {
    if (m.raw() == null) {
      if (!m.seen()) {
        LOG.warn("email UID {} in {} left out: {} bytes is over the limit", m.uid(), mailboxKey, m.size());
      }
      return Future.succeededFuture(true);
    }
    return ingest.accept(m.raw(), Ingest.Channel.IMAP).map(outcome -> {
      attempts.remove(m.uid());
      return outcome.isFinal();
    }).recover(e -> {
      Throwable t = Db.translateFailure(e).cause();
      boolean outage = stopped || (t instanceof Problem p && (p.status() == 503 || p.status() == 429))
          || String.valueOf(e.getMessage()).contains("closed");
      int tried = attempts.merge(m.uid(), 1, Integer::sum);
      if (outage || tried < MAX_ATTEMPTS) {
        return Future.failedFuture(e);
      }
      attempts.remove(m.uid());
      LOG.error("email UID {} in {} could not be taken after {} attempts; moving past it", m.uid(), mailboxKey, tried, e);
      return Future.succeededFuture(true);
    });
  }

  /** Waits for the server to announce new mail (or for the regular wake-up), then reads again. */
  private Future<Void> idle() {
    // A message that lands between the last check and the IDLE command is not announced by every
    // server, so an IDLE never waits longer than the poll interval.
    long wake = vertx.setTimer(Math.min(IDLE_WAKE_MS, Math.max(1000, platform.config().imapPollInterval().toMillis())),
        id -> wakeIdle());
    Future<Void> waited = blocking(() -> {
      if (!stopped && locked) {
        mailbox.idle();
      }
      return null;
    });
    return waited.onComplete(ar -> {
      vertx.cancelTimer(wake);
      if (stopped) {
        return;
      }
      if (ar.failed()) {
        failures++;
        long delay = backoff();
        LOG.warn("IDLE on {} ended ({}); reading again in {} ms", mailboxKey, describe(ar.cause()), delay);
        blocking(() -> {
          mailbox.closeQuietly();
          return null;
        }).onComplete(v -> schedule(delay));
      } else {
        schedule(0);
      }
    });
  }

  private void wakeIdle() {
    vertx.executeBlocking(() -> {
      mailbox.wake();
      return null;
    }, false);
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return imap.executeBlocking(work, true);
  }

  private static String describe(Throwable t) {
    return t == null ? "unknown" : t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
