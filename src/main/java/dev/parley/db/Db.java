package dev.parley.db;

import dev.parley.Problem;
import io.vertx.core.Future;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;

import java.net.ConnectException;

/** Small helpers shared by the repositories: failure translation and column reads. */
public final class Db {

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

  /** Whether the failure says the database cannot be reached (rather than refused a statement). */
  public static boolean isUnavailable(Throwable t) {
    if (t instanceof PgException pg) {
      String state = pg.getSqlState();
      return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }
    return t instanceof ConnectException || isConnectionFailure(t);
  }

  private static boolean isConnectionFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String name = c.getClass().getName();
      if (c instanceof ConnectException
          || name.endsWith("ClosedConnectionException")
          || name.endsWith("NoStackTraceTimeoutException")
          || name.endsWith("ConnectTimeoutException")
          || c instanceof java.util.concurrent.TimeoutException) {
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
