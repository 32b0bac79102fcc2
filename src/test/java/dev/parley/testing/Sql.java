package dev.parley.testing;

import dev.parley.db.Db;
import io.vertx.pgclient.PgConnectOptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Plain JDBC to a node's database, outside the node: it keeps working while the node stops, and it
 * can hold the locks a fault test needs.
 */
public final class Sql {

  private Sql() {
  }

  /** Opens a connection to the database at {@code url} (Parley's form). */
  public static Connection connect(String url) {
    PgConnectOptions o = Db.connectOptions(url);
    try {
      return DriverManager.getConnection(Db.jdbcUrl(o), o.getUser(), o.getPassword());
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first column of the first row of {@code query}, as a number. */
  public static long count(String url, String query) {
    try (Connection c = connect(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(query + ": " + e.getMessage(), e);
    }
  }

  /** Transactions open in that database other than the caller's: none once every write has ended. */
  public static long openTransactions(String url) {
    return count(url, "select count(*) from pg_stat_activity where datname = current_database() "
        + "and xact_start is not null and pid <> pg_backend_pid()");
  }

  /**
   * Holds PostgreSQL's strongest lock on {@code table} until closed: every statement that reads or
   * writes it waits, as when the database is stuck for that part of the write path.
   */
  public static Lock lock(String url, String table) {
    Connection c = connect(url);
    try {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("lock table " + table + " in access exclusive mode");
      }
      return new Lock(c);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A table lock held by a transaction of its own; closing it rolls that transaction back. */
  public record Lock(Connection connection) implements AutoCloseable {
    @Override
    public void close() {
      try (connection) {
        connection.rollback();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
