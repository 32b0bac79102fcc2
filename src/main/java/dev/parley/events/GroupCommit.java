package dev.parley.events;

import dev.parley.Deadline;
import dev.parley.Metrics;
import dev.parley.Problem;
import dev.parley.Topics;
import dev.parley.db.Db;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * Runs a node's write transactions together (group commit). At most {@code lanes} transactions are
 * open at a time; every write that arrives meanwhile waits for the next free one and then shares it
 * with the others that waited: their statements go down one connection's pipeline side by side and
 * one commit makes them durable together. Under load the batches grow by themselves; alone, a write
 * starts at once.
 *
 * <p>A batch runs in three steps:
 * <ol>
 *   <li>it locks the threads its writes name, in id order (the only rows a send locks);</li>
 *   <li>it runs the writes; each adds the change it makes for the live feed to the {@link Changes} it
 *       is given instead of writing it;</li>
 *   <li>it inserts those changes in one statement ({@link ChangeLog#write}), commits, and only then
 *       publishes them, after the changes of earlier transactions of the same threads (see
 *       {@link PublishOrder}).</li>
 * </ol>
 * {@code BEGIN} goes down the pipeline with the first statements and {@code COMMIT} right behind the
 * changes' insert, so a lone write waits for no round trip of its own to start or end.
 *
 * <p>A write shares the fate of its batch, so two rules hold:
 * <ul>
 *   <li>a write that refuses (fails with a {@link Problem}) does so before its first write statement
 *       and before adding its change, so the others can still commit;</li>
 *   <li>when anything else fails (a constraint, a deadlock with another node, the commit itself), the
 *       batch is rolled back and its writes are run again one by one, in the order they came, so one
 *       bad write fails alone, an earlier write still wins over a later one, and the rest are only
 *       delayed.</li>
 * </ul>
 * Work is therefore written to be run again from the start.
 *
 * <p>Every write has a deadline by which it must have committed. A write still waiting then is
 * answered 503 and never runs. A transaction whose {@code COMMIT} has not been sent by the deadline of
 * one of its writes is abandoned: all its writes are answered 503 at once, and when its statements
 * come back (its running statement is cancelled, so that is soon) it is rolled back instead of
 * committed, so a write answered this way was not saved and never will be. A write whose {@code COMMIT} was already on its way is answered 503 too, saying the
 * outcome is unknown (as when a connection breaks during a commit): it may have committed, which is
 * why a client retries a send with the same Idempotency-Key, stored in the same transaction, and gets
 * the first answer if it did.
 */
public final class GroupCommit {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
  /** Fails when the transaction is already failed (25P02): see the commit in {@link #together}. */
  private static final String PROBE = "select 1";
  private static final String LOCK_THREADS = "select id from threads where id = any($1::uuid[]) order by id for no key update";
  private static final String TIMED_OUT = "the database did not answer in time; nothing was saved, try again shortly";
  private static final String OUTCOME_UNKNOWN = "the database did not confirm in time whether this was saved; "
      + "retry with the same Idempotency-Key to find out";
  private static final String STOPPING = "this server is stopping; try again shortly";

  private final Vertx vertx;
  private final Pool pool;
  private final Context context;
  private final int maxBatch;
  private final int lanes;
  private final Duration timeout;
  private final ArrayDeque<Job<?>> queue = new ArrayDeque<>();
  private final PublishOrder<Change> order;
  private int running;
  private boolean closing;
  private final Promise<Void> idle = Promise.promise();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong rollbacks = new AtomicLong();
  private final AtomicLong abandoned = new AtomicLong();
  private final CommitMetrics metrics;

  /** {@code timeout}: the deadline of a write handed in without one, counted from then. */
  public GroupCommit(Vertx vertx, Pool pool, int maxBatch, int lanes, Duration timeout) {
    this(vertx, pool, maxBatch, lanes, timeout, Metrics.off());
  }

  /** As above, measured into {@code metrics} (see {@link CommitMetrics}). */
  public GroupCommit(Vertx vertx, Pool pool, int maxBatch, int lanes, Duration timeout, Metrics metrics) {
    this.metrics = new CommitMetrics(metrics);
    this.vertx = vertx;
    this.pool = pool;
    this.context = vertx.getOrCreateContext();
    this.order = new PublishOrder<>(context, changes -> publish(vertx, changes));
    this.maxBatch = maxBatch;
    this.lanes = lanes;
    this.timeout = timeout;
  }

  /** Runs {@code work} as {@link #run(UUID, Deadline, BiFunction)} does, with this group commit's own timeout. */
  public <T> Future<T> run(UUID thread, BiFunction<SqlConnection, Changes, Future<T>> work) {
    return run(thread, Deadline.after(timeout), work);
  }

  /**
   * Runs {@code work} in the next shared transaction and answers its result once that transaction has
   * committed and its changes are published (the caller's context gets the callback). {@code thread}
   * is the existing thread the work locks, or null. Not committed by {@code deadline}: a 503
   * {@link Problem} (see the class comment for what it means).
   */
  public <T> Future<T> run(UUID thread, Deadline deadline, BiFunction<SqlConnection, Changes, Future<T>> work) {
    Context caller = Vertx.currentContext();
    Promise<T> promise = Promise.promise();
    Job<T> job = new Job<>(thread, work, promise, caller);
    pending.incrementAndGet();
    context.runOnContext(v -> {
      if (closing) {
        answer(job, Future.failedFuture(Problem.unavailable(STOPPING)));
      } else if (deadline.passed()) {
        answer(job, Future.failedFuture(Problem.unavailable(TIMED_OUT)));
      } else {
        queue.add(job);
        job.timer = vertx.setTimer(Math.max(1, deadline.remainingMillis()), t -> expire(job));
        drain();
      }
    });
    return promise.future();
  }

  /**
   * Takes no more writes (they answer 503) and completes once every write handed in before has been
   * answered and every transaction has ended.
   */
  public Future<Void> close() {
    context.runOnContext(v -> {
      closing = true;
      drain();
    });
    return idle.future();
  }

  private void drain() {
    while (running < lanes && !queue.isEmpty()) {
      running++;
      List<Job<?>> jobs = new ArrayList<>();
      while (!queue.isEmpty() && jobs.size() < maxBatch) {
        jobs.add(queue.poll());
      }
      together(new Batch(jobs)).onComplete(ar -> {
        running--;
        drain();
      });
    }
    if (closing && running == 0 && queue.isEmpty()) {
      idle.tryComplete();
    }
  }

  /** The deadline of a write has come: it is answered now, whatever its transaction does later. */
  private void expire(Job<?> job) {
    if (job.answered) {
      return;
    }
    Batch batch = job.batch;
    if (batch == null) {
      queue.remove(job);
      answer(job, Future.failedFuture(Problem.unavailable(TIMED_OUT)));
      drain();
    } else if (!batch.committing) {
      // its writes share its fate: none of them may commit any more
      batch.abandoned = true;
      abandoned.incrementAndGet();
      LOG.warn("a write transaction of {} writes did not commit in time: abandoned, it will be rolled back", batch.jobs.size());
      batch.jobs.forEach(j -> answer(j, Future.failedFuture(Problem.unavailable(TIMED_OUT))));
      cancel(batch);
    } else {
      answer(job, Future.failedFuture(Problem.unavailable(OUTCOME_UNKNOWN)));
    }
  }

  private Future<Void> together(Batch batch) {
    long started = System.nanoTime();
    List<Job<?>> jobs = batch.jobs;
    List<Future<?>> outcomes = new ArrayList<>(jobs.size());
    List<Changes> owed = new ArrayList<>(jobs.size());
    PublishOrder<Change>.Turn turn = order.turn();
    Future<List<Change>> tx = pool.withConnection(conn -> {
      if (batch.abandoned) {
        return Future.failedFuture(Problem.unavailable(TIMED_OUT));
      }
      batch.conn = conn;
      // BEGIN, the thread locks and the writes' first statements leave in one flush
      Future<?> begun = conn.query("BEGIN").execute();
      TreeSet<UUID> threads = new TreeSet<>();
      jobs.forEach(job -> {
        if (job.thread != null) {
          threads.add(job.thread);
        }
      });
      Future<?> locked = threads.isEmpty() ? Future.succeededFuture()
          : conn.preparedQuery(LOCK_THREADS).execute(Tuple.of((Object) threads.toArray(new UUID[0])));
      for (Job<?> job : jobs) {
        Changes changes = new Changes();
        owed.add(changes);
        outcomes.add(job.start(conn, changes));
      }
      Future<Changes> written = Future.join(outcomes).transform(ar -> {
        Throwable broke = begun.failed() ? begun.cause() : locked.failed() ? locked.cause() : null;
        Changes all = new Changes();
        for (int i = 0; i < outcomes.size(); i++) {
          Future<?> f = outcomes.get(i);
          if (f.failed() && !(f.cause() instanceof Problem) && (broke == null || isAborted(broke))) {
            broke = f.cause();
          }
          if (f.succeeded()) {
            all.addAll(owed.get(i));
          }
        }
        if (broke == null && batch.abandoned) {
          broke = Problem.unavailable(TIMED_OUT);
        }
        return broke == null ? Future.succeededFuture(all) : Future.failedFuture(broke);
      });
      return written.transform(w -> {
        if (w.failed() || batch.abandoned) {
          Throwable cause = w.failed() ? w.cause() : Problem.unavailable(TIMED_OUT);
          return settle(conn, batch).transform(x -> Future.failedFuture(cause));
        }
        List<Change> changes = w.result().list;
        if (!changes.isEmpty()) {
          // every statement has run and every lock is held: this transaction's changes go out after
          // those of earlier transactions of the same threads
          TreeSet<UUID> changed = new TreeSet<>();
          // (a change of no thread, a draft of a new conversation, goes after the earlier ones of its writer)
          changes.forEach(c -> changed.add(c.threadId() != null ? c.threadId() : c.actorId()));
          turn.take(changed);
        }
        // the changes' insert, then COMMIT right behind it, in the same flush. A transaction that failed
        // before it is ended by PostgreSQL at the COMMIT with a rollback, answered without an error;
        // the probe in between fails in that case, so a commit is counted only when the insert and
        // the probe both succeeded. From here on the transaction may commit: it is no longer abandoned
        batch.committing = true;
        Future<List<Change>> stored = ChangeLog.write(conn, changes);
        Future<?> probe = conn.query(PROBE).execute();
        Future<?> commit = conn.query("COMMIT").execute();
        return Future.join(stored, probe, commit).transform(x -> stored.failed() ? Future.failedFuture(stored.cause())
            : probe.failed() ? Future.failedFuture(probe.cause())
            : commit.failed() ? Future.failedFuture(commit.cause())
            : Future.succeededFuture(stored.result()));
      });
    });
    return tx.transform(ar -> {
      if (ar.succeeded()) {
        metrics.committed(jobs.size(), System.nanoTime() - started);
        // after commit, and only then, the doorbells, in id order (PublishOrder); then the answers
        turn.publish(ar.result()).onComplete(x -> {
          for (int i = 0; i < jobs.size(); i++) {
            answer(jobs.get(i), outcomes.get(i));
          }
        });
        return Future.succeededFuture();
      }
      turn.skip();
      if (batch.abandoned) {
        return Future.succeededFuture();
      }
      if (Db.isUnavailable(ar.cause()) || jobs.size() == 1) {
        jobs.forEach(job -> answer(job, Future.failedFuture(ar.cause())));
        return Future.succeededFuture();
      }
      rollbacks.incrementAndGet();
      LOG.warn("a shared write transaction of {} writes was rolled back ({}); running them one by one",
          jobs.size(), ar.cause().getMessage());
      // waiting for their turn, they are as good as queued: a deadline that passes now answers that write alone
      jobs.forEach(job -> job.batch = null);
      Future<Void> chain = Future.succeededFuture();
      for (Job<?> job : jobs) {
        chain = chain.transform(x -> job.answered ? Future.succeededFuture() : together(new Batch(List.of(job))));
      }
      return chain;
    });
  }

  /**
   * Asks PostgreSQL to cancel the statement an abandoned transaction is waiting on (a lock, say), so
   * that it rolls back and lets go of its locks and its connection now rather than when the wait ends.
   * The transaction rolls back either way: this only makes it sooner. A database that does not
   * answer at all does not answer this either, which changes nothing.
   */
  private static void cancel(Batch batch) {
    if (batch.conn == null) {
      return;
    }
    try {
      batch.cancel = PgConnection.cast(batch.conn).cancelRequest()
          .onFailure(e -> LOG.debug("could not cancel an abandoned transaction's statement: {}", e.getMessage()));
    } catch (ClassCastException notPostgres) {
      // nothing to cancel with: the transaction ends when its statements come back
    }
  }

  /**
   * Rolls a failed or abandoned transaction back and leaves its connection fit for the next one. A
   * cancel request travels on a connection of its own and may reach the server after the statement it
   * was meant for has ended: it would then cancel whatever the connection runs next, another batch's
   * write. So the rollback waits until the request has been delivered, and a probe then takes any
   * cancellation still pending (a backend that is idle drops it; one running the probe fails it, and
   * the probe runs again) before the connection goes back to the pool.
   */
  private static Future<?> settle(SqlConnection conn, Batch batch) {
    Future<?> delivered = batch.cancel == null ? Future.succeededFuture() : batch.cancel;
    return delivered.transform(x -> conn.query("ROLLBACK").execute())
        .transform(x -> x.failed() ? conn.query("ROLLBACK").execute() : Future.succeededFuture(x.result()))
        // the deadline may have passed while the rollback ran: its cancel is settled too
        .transform(x -> batch.cancel == null ? Future.succeededFuture()
            : batch.cancel.transform(y -> conn.query(PROBE).execute())
                .transform(y -> y.failed() ? conn.query(PROBE).execute() : Future.succeededFuture(y.result())));
  }

  /** Answers a write once (on this group commit's context): the first of its outcome and its deadline wins. */
  private void answer(Job<?> job, AsyncResult<?> outcome) {
    if (job.answered) {
      return;
    }
    job.answered = true;
    vertx.cancelTimer(job.timer);
    pending.decrementAndGet();
    job.finish(outcome);
  }

  /**
   * After commit: one message per change on {@link Topics#CHANGES}, which every node's live fan-out
   * receives once. Losing it (a node dying now) is repaired by catch-up.
   */
  private static void publish(Vertx vertx, List<Change> changes) {
    long committedAt = CommitMetrics.epochMicros();
    for (Change c : changes) {
      vertx.eventBus().publish(Topics.CHANGES, c.toJson().put(CommitMetrics.COMMITTED_AT, committedAt).encode());
    }
  }

  /** How many shared transactions were rolled back and run again one by one since the start. */
  public long rollbacks() {
    return rollbacks.get();
  }

  /** How many transactions were abandoned because they had not committed by a write's deadline. */
  public long abandoned() {
    return abandoned.get();
  }

  /** Writes handed in and not answered yet (waiting or in a transaction). */
  public int pending() {
    return pending.get();
  }

  /** The echo of an earlier failure in the same transaction, rather than the failure itself. */
  private static boolean isAborted(Throwable t) {
    return t instanceof PgException pg && "25P02".equals(pg.getSqlState());
  }

  /** The writes of one transaction. Touched only on the group commit's context. */
  private static final class Batch {
    private final List<Job<?>> jobs;
    /** A write's deadline passed before the COMMIT was sent: the transaction must roll back. */
    private boolean abandoned;
    /** The COMMIT has been sent. */
    private boolean committing;
    /** The connection of the transaction, once it has one. */
    private SqlConnection conn;
    /** The cancel request sent for its statement, when it was abandoned. */
    private Future<Void> cancel;

    Batch(List<Job<?>> jobs) {
      this.jobs = jobs;
      jobs.forEach(j -> j.batch = this);
    }
  }

  private static final class Job<T> {
    private final UUID thread;
    private final BiFunction<SqlConnection, Changes, Future<T>> work;
    private final Promise<T> promise;
    private final Context caller;
    private long timer = -1;
    private Batch batch;
    private boolean answered;

    Job(UUID thread, BiFunction<SqlConnection, Changes, Future<T>> work, Promise<T> promise, Context caller) {
      this.thread = thread;
      this.work = work;
      this.promise = promise;
      this.caller = caller;
    }

    Future<T> start(SqlConnection conn, Changes changes) {
      try {
        return work.apply(conn, changes);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }

    @SuppressWarnings("unchecked")
    void finish(AsyncResult<?> outcome) {
      Runnable complete = () -> {
        if (outcome.succeeded()) {
          promise.complete((T) outcome.result());
        } else {
          promise.fail(outcome.cause());
        }
      };
      if (caller == null) {
        complete.run();
      } else {
        caller.runOnContext(v -> complete.run());
      }
    }
  }
}
