package dev.parley.events;

import dev.parley.Problem;
import dev.parley.db.Db;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * Runs a node's write transactions together (group commit). At most {@code lanes} transactions are
 * open at a time; every write that arrives meanwhile waits for the next free one and then shares it
 * with the others that waited: their statements go down one connection's pipeline side by side and
 * one commit makes them durable together. Under load the batches grow by themselves; alone, a write
 * starts at once.
 *
 * <p>A batch runs in three steps, which is what lets batches run side by side without deadlocking:
 * <ol>
 *   <li>it locks the threads its writes name, in id order;</li>
 *   <li>it runs the writes; each adds the events it owes to the {@link EventBatch} it is given instead
 *       of writing them;</li>
 *   <li>it writes all of those events at once ({@link EventLog#write}: the people's rows locked in id
 *       order, their sequences advanced, one insert), commits, and only then publishes them, after
 *       the events of transactions that were numbered before (see {@link PublishOrder}).</li>
 * </ol>
 * A person's row is therefore locked only for the last step, and every lock is taken in one order.
 * {@code BEGIN} goes down the pipeline with the first statements and {@code COMMIT} right behind the
 * events' insert, so a lone write waits for no round trip of its own to start or end.
 *
 * <p>A write shares the fate of its batch, so two rules hold:
 * <ul>
 *   <li>a write that refuses (fails with a {@link Problem}) does so before its first write statement
 *       and before adding events, so the others can still commit;</li>
 *   <li>when anything else fails (a constraint, a deadlock with another node, the commit itself), the
 *       batch is rolled back and its writes are run again one by one, in the order they came, so one
 *       bad write fails alone, an earlier write still wins over a later one, and the rest are only
 *       delayed.</li>
 * </ul>
 * Work is therefore written to be run again from the start.
 */
public final class GroupCommit {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
  /** Fails when the transaction is already failed (25P02): see the commit in {@link #together}. */
  private static final String PROBE = "select 1";
  private static final String LOCK_THREADS = "select id from threads where id = any($1::uuid[]) order by id for no key update";

  private final Vertx vertx;
  private final Pool pool;
  private final Context context;
  private final int maxBatch;
  private final int lanes;
  private final ArrayDeque<Job<?>> queue = new ArrayDeque<>();
  private final PublishOrder order;
  private int running;
  private final AtomicLong rollbacks = new AtomicLong();

  public GroupCommit(Vertx vertx, Pool pool, int maxBatch, int lanes) {
    this.vertx = vertx;
    this.pool = pool;
    this.context = vertx.getOrCreateContext();
    this.order = new PublishOrder(context, events -> EventLog.publish(vertx, events));
    this.maxBatch = maxBatch;
    this.lanes = lanes;
  }

  /**
   * Runs {@code work} in the next shared transaction and answers its result once that transaction has
   * committed and its events are published (the caller's context gets the callback). {@code thread}
   * is the existing thread the work locks, or null.
   */
  public <T> Future<T> run(UUID thread, BiFunction<SqlConnection, EventBatch, Future<T>> work) {
    Context caller = Vertx.currentContext();
    Promise<T> promise = Promise.promise();
    Job<T> job = new Job<>(thread, work, promise, caller);
    context.runOnContext(v -> {
      queue.add(job);
      drain();
    });
    return promise.future();
  }

  private void drain() {
    while (running < lanes && !queue.isEmpty()) {
      running++;
      List<Job<?>> batch = new ArrayList<>();
      while (!queue.isEmpty() && batch.size() < maxBatch) {
        batch.add(queue.poll());
      }
      together(batch).onComplete(ar -> {
        running--;
        drain();
      });
    }
  }

  private Future<Void> together(List<Job<?>> batch) {
    List<Future<?>> outcomes = new ArrayList<>(batch.size());
    List<EventBatch> owed = new ArrayList<>(batch.size());
    PublishOrder.Turn turn = order.turn();
    Future<List<Event>> tx = pool.withConnection(conn -> {
      // BEGIN, the thread locks and the writes' first statements leave in one flush
      Future<?> begun = conn.query("BEGIN").execute();
      TreeSet<UUID> threads = new TreeSet<>();
      batch.forEach(job -> {
        if (job.thread != null) {
          threads.add(job.thread);
        }
      });
      Future<?> locked = threads.isEmpty() ? Future.succeededFuture()
          : conn.preparedQuery(LOCK_THREADS).execute(Tuple.of((Object) threads.toArray(new UUID[0])));
      for (Job<?> job : batch) {
        EventBatch events = new EventBatch();
        owed.add(events);
        outcomes.add(job.start(conn, events));
      }
      Future<EventLog.Written> written = Future.join(outcomes).transform(ar -> {
        Throwable broke = begun.failed() ? begun.cause() : locked.failed() ? locked.cause() : null;
        EventBatch all = new EventBatch();
        for (int i = 0; i < outcomes.size(); i++) {
          Future<?> f = outcomes.get(i);
          if (f.failed() && !(f.cause() instanceof Problem) && (broke == null || isAborted(broke))) {
            broke = f.cause();
          }
          if (f.succeeded()) {
            all.addAll(owed.get(i));
          }
        }
        return broke == null ? EventLog.write(conn, all) : Future.failedFuture(broke);
      });
      return written.transform(w -> {
        if (w.failed()) {
          return conn.query("ROLLBACK").execute().transform(x -> Future.failedFuture(w.cause()));
        }
        if (!w.result().events().isEmpty()) {
          // the ids are handed out: this transaction's events go out after earlier ones of the same people
          turn.take(w.result().events());
        }
        // COMMIT goes right behind the events' insert, in the same flush. A transaction that failed
        // before it is ended by PostgreSQL at the COMMIT with a rollback, answered without an error;
        // the probe in between fails in that case, so a commit is counted only when the insert and
        // the probe both succeeded
        Future<?> stored = w.result().stored();
        Future<?> probe = conn.query(PROBE).execute();
        Future<?> commit = conn.query("COMMIT").execute();
        return Future.join(stored, probe, commit).transform(x -> stored.failed() ? Future.failedFuture(stored.cause())
            : probe.failed() ? Future.failedFuture(probe.cause())
            : commit.failed() ? Future.failedFuture(commit.cause())
            : Future.succeededFuture(w.result().events()));
      });
    });
    return tx.transform(ar -> {
      if (ar.succeeded()) {
        // after commit, and only then, the doorbells, in id order (PublishOrder); then the answers
        turn.publish(ar.result()).onComplete(x -> {
          for (int i = 0; i < batch.size(); i++) {
            batch.get(i).finish(outcomes.get(i));
          }
        });
        return Future.succeededFuture();
      }
      turn.skip();
      if (Db.isUnavailable(ar.cause()) || batch.size() == 1) {
        batch.forEach(job -> job.finish(Future.failedFuture(ar.cause())));
        return Future.succeededFuture();
      }
      rollbacks.incrementAndGet();
      LOG.warn("a shared write transaction of {} writes was rolled back ({}); running them one by one",
          batch.size(), ar.cause().getMessage());
      Future<Void> chain = Future.succeededFuture();
      for (Job<?> job : batch) {
        chain = chain.transform(x -> together(List.of(job)));
      }
      return chain;
    });
  }

  /** How many shared transactions were rolled back and run again one by one since the start. */
  public long rollbacks() {
    return rollbacks.get();
  }

  /** The echo of an earlier failure in the same transaction, rather than the failure itself. */
  private static boolean isAborted(Throwable t) {
    return t instanceof PgException pg && "25P02".equals(pg.getSqlState());
  }

  private static final class Job<T> {
    private final UUID thread;
    private final BiFunction<SqlConnection, EventBatch, Future<T>> work;
    private final Promise<T> promise;
    private final Context caller;

    Job(UUID thread, BiFunction<SqlConnection, EventBatch, Future<T>> work, Promise<T> promise, Context caller) {
      this.thread = thread;
      this.work = work;
      this.promise = promise;
      this.caller = caller;
    }

    Future<T> start(SqlConnection conn, EventBatch events) {
      try {
        return work.apply(conn, events);
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
