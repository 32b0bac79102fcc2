package dev.parley.db;

import dev.parley.Problem;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;

import java.io.IOException;

/** Small helpers shared by the repositories: failure translation and column reads. */
public final class Db {

  /** What the pool's wait for a free connection fails with when it runs out (it has no type of its own). */
  private static final String POOL_WAIT_TIMED_OUT = "Timeout waiting for connection";

  private Db() {
  }

  /** Turns database failures into problems a client can be told about. */
  public static <T> Future<T> translate(Future<T> future) {
    return future.recover(Db::translateFailure);
  }

  public static <T> Future<T> translateFailure(Throwable t) {
    if (t instanceof Problem) {
      return Future.failedFuture(t);
    }
    if (isUnavailable(t)) {
      return Future.failedFuture(Problem.unavailable("the database is unavailable, try again shortly"));
    }
    if (t instanceof PgException pg) {
      if ("23505".equals(pg.getSqlState())) {
        return Future.failedFuture(Problem.conflict("duplicate", "that already exists"));
      }
      if ("23503".equals(pg.getSqlState())) {
        return Future.failedFuture(Problem.invalid("a referenced record does not exist"));
      }
    }
    return Future.failedFuture(t);
  }

  /**
   * Whether the failure says the database cannot be reached or cannot serve now, rather than refused
   * a statement: the one place that decides what answers 503 {@code unavailable}. That is: the
   * server's connection and shutdown errors (SQLSTATE 08..., 57P...), a refused, reset or closed
   * connection (any I/O error underneath), a timeout, and the pool's wait for a free connection
   * running out.
   */
  public static boolean isUnavailable(Throwable t) {
    if (t instanceof PgException pg) {
      String state = pg.getSqlState();
      return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }
    return isConnectionFailure(t);
  }

  private static boolean isConnectionFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String name = c.getClass().getName();
      if (c instanceof IOException
          || c instanceof java.util.concurrent.TimeoutException
          || name.endsWith("ClosedConnectionException")
          || name.endsWith("NoStackTraceTimeoutException")
          || name.endsWith("ConnectTimeoutException")
          || (c instanceof VertxException && POOL_WAIT_TIMED_OUT.equals(c.getMessage()))) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  /** Parses {@code postgresql://user:pass@host:port/db} (also {@code postgres://}). */
  public static PgConnectOptions connectOptions(String url) {
    String u = url.startsWith("jdbc:") ? url.substring(5) : url;
    return PgConnectOptions.fromUri(u);
  }

  /** The JDBC form of the same address, for Flyway. */
  public static String jdbcUrl(PgConnectOptions o) {
    return "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }
}
