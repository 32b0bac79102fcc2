package dev.parley.db;

import dev.parley.Problem;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a node's short write transactions together. One transaction is open at a time; every write
 * that arrives while it runs waits for the next, and then all of them share it: their statements go
 * down one connection's pipeline side by side and one commit makes them durable together. Under load
 * the batches grow by themselves; alone, a write starts at once and waits for nothing.
 *
 * <p>Because a node has at most one of these transactions open, its writes never wait on each other's
 * row locks or deadlock among themselves; writes of other nodes still lock in id order.
 *
 * <p>A write shares the fate of its batch, so two rules hold:
 * <ul>
 *   <li>a write that refuses (fails with a {@link Problem}) does so before its first write statement,
 *       so the others can still commit;</li>
 *   <li>when anything else fails (a constraint, a deadlock with another node, the commit itself), the
 *       batch is rolled back and each of its writes is run again in a transaction of its own, so one
 *       bad write fails alone and the rest are only delayed.</li>
 * </ul>
 * Work is therefore written to be run again from the start: ids and checks are decided outside it.
 */
public final class GroupCommit {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  private final Pool pool;
  private final Context context;
  private final int maxBatch;
  private final ArrayDeque<Job<?>> queue = new ArrayDeque<>();
  private boolean running;

  public GroupCommit(Vertx vertx, Pool pool, int maxBatch) {
    this.pool = pool;
    this.context = vertx.getOrCreateContext();
    this.maxBatch = maxBatch;
  }

  /**
   * Runs {@code work} in the next shared transaction; the answer is its result once that transaction
   * has committed (the caller's context gets the callback).
   */
  public <T> Future<T> run(Function<SqlConnection, Future<T>> work) {
    Context caller = Vertx.currentContext();
    Promise<T> promise = Promise.promise();
    Job<T> job = new Job<>(work, promise, caller);
    context.runOnContext(v -> {
      queue.add(job);
      drain();
    });
    return promise.future();
  }

  private void drain() {
    if (running || queue.isEmpty()) {
      return;
    }
    running = true;
    List<Job<?>> batch = new ArrayList<>();
    while (!queue.isEmpty() && batch.size() < maxBatch) {
      batch.add(queue.poll());
    }
    Future<Void> done = batch.size() == 1 ? alone(batch.get(0)) : together(batch);
    done.onComplete(ar -> {
      running = false;
      drain();
    });
  }

  private Future<Void> alone(Job<?> job) {
    return job.alone(pool);
  }

  private Future<Void> together(List<Job<?>> batch) {
    List<Future<?>> outcomes = new ArrayList<>(batch.size());
    Future<Void> tx = pool.withTransaction(conn -> {
      for (Job<?> job : batch) {
        outcomes.add(job.start(conn));
      }
      return Future.join(outcomes).transform(ar -> {
        Throwable broke = null;
        for (Future<?> f : outcomes) {
          if (f.failed() && !(f.cause() instanceof Problem) && (broke == null || isAborted(broke))) {
            broke = f.cause();
          }
        }
        return broke == null ? Future.succeededFuture() : Future.failedFuture(broke);
      });
    });
    return tx.transform(ar -> {
      if (ar.succeeded()) {
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).finish(outcomes.get(i));
        }
        return Future.succeededFuture();
      }
      LOG.warn("a shared write transaction of {} writes was rolled back ({}); running them one by one",
          batch.size(), ar.cause().getMessage());
      if (Db.isUnavailable(ar.cause())) {
        batch.forEach(job -> job.finish(Future.failedFuture(ar.cause())));
        return Future.succeededFuture();
      }
      // rolled back: each write again in a transaction of its own, in the order they came, so that
      // only the one at fault fails and an earlier write still wins over a later one
      Future<Void> chain = Future.succeededFuture();
      for (Job<?> job : batch) {
        chain = chain.transform(x -> alone(job));
      }
      return chain;
    });
  }

  /** The echo of an earlier failure in the same transaction, rather than the failure itself. */
  private static boolean isAborted(Throwable t) {
    return t instanceof PgException pg && "25P02".equals(pg.getSqlState());
  }

  private static final class Job<T> {
    private final Function<SqlConnection, Future<T>> work;
    private final Promise<T> promise;
    private final Context caller;

    Job(Function<SqlConnection, Future<T>> work, Promise<T> promise, Context caller) {
      this.work = work;
      this.promise = promise;
      this.caller = caller;
    }

    Future<Void> alone(Pool pool) {
      return pool.withTransaction(this::start).transform(ar -> {
        finish(ar);
        return Future.succeededFuture();
      });
    }

    Future<T> start(SqlConnection conn) {
      try {
        return work.apply(conn);
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
