package dev.parley.testing;

import dev.parley.db.Db;
import dev.parley.db.Migrations;
import dev.parley.db.Roles;
import dev.parley.embedded.EmbeddedDatabase;
import io.vertx.pgclient.PgConnectOptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM (embedded binaries), with a migrated template database;
 * every test class gets a fresh copy of it. Addresses handed out name the owner (the superuser);
 * nodes run as {@link #RUNTIME_ROLE}, see {@link #runtimeUrl}.
 */
public final class TestDatabase {

  /** The role test nodes run as, as Parley runs on its embedded database: it owns nothing. */
  public static final String RUNTIME_ROLE = "parley_app";
  private static final String RUNTIME_PASSWORD = "runtime-" + ProcessHandle.current().pid();
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedDatabase server;

  private TestDatabase() {
  }

  public static synchronized EmbeddedDatabase server() {
    if (server == null) {
      try {
        server = EmbeddedDatabase.startEphemeral();
        exec("postgres", "create database parley_template");
        Migrations.migrate(jdbc("parley_template"), "postgres", "postgres");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            server.close();
          } catch (Exception ignored) {
            // the JVM is going away
          }
        }));
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the test database", e);
      }
    }
    return server;
  }

  /** A new database with the current schema and no rows; answers its URL in Parley's form. */
  public static synchronized String newDatabase() {
    server();
    String name = "t_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    exec("postgres", "create database " + name + " template parley_template");
    return server.url(name);
  }

  /** An empty database without the schema, for migration tests. */
  public static synchronized String emptyDatabase() {
    server();
    String name = "e_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    exec("postgres", "create database " + name);
    return server.url(name);
  }

  /**
   * The address of the same database as the runtime role, which is created on that server if
   * missing; {@code ownerUrl} names the owner.
   */
  public static synchronized String runtimeUrl(String ownerUrl) {
    PgConnectOptions o = Db.connectOptions(ownerUrl);
    try {
      Roles.ensureLogin(Db.jdbcUrl(o), o.getUser(), o.getPassword(), RUNTIME_ROLE, RUNTIME_PASSWORD);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the runtime role: " + e.getMessage(), e);
    }
    return "postgresql://" + RUNTIME_ROLE + ":" + RUNTIME_PASSWORD + "@" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }

  public static String jdbc(String database) {
    return "jdbc:postgresql://127.0.0.1:" + server().port() + "/" + database;
  }

  public static void exec(String database, String sql) {
    try (Connection c = DriverManager.getConnection(jdbc(database), "postgres", "postgres");
         Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (Exception e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
