package dev.parley.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The benchmark's PostgreSQL: real server binaries (the same embedded distribution Parley uses by
 * default) with durable commits (fsync and synchronous_commit on) and pg_stat_statements loaded
 * (tracking nested statements too), or
 * a database given by URL. Also seeds the people straight in SQL.
 */
final class BenchDatabase implements AutoCloseable {

  private final EmbeddedPostgres embedded;
  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final String database;

  private BenchDatabase(EmbeddedPostgres embedded, String host, int port, String user, String password, String database) {
    this.embedded = embedded;
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.database = database;
  }

  static BenchDatabase start(Path dataDir) throws Exception {
    if (Files.exists(dataDir)) {
      try (var walk = Files.walk(dataDir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(dataDir);
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(true)
        .setServerConfig("max_connections", "300")
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("shared_buffers", "512MB")
        .setServerConfig("shared_preload_libraries", "pg_stat_statements")
        // "all" also counts the statements run inside others: the foreign key checks, which lock rows
        .setServerConfig("pg_stat_statements.track", "all")
        .start();
    BenchDatabase db = new BenchDatabase(pg, "127.0.0.1", pg.getPort(), "postgres", "postgres", "parley");
    db.exec("postgres", "create database parley");
    return db;
  }

  /** A database that is already running, at {@code postgresql://user:pass@host:port/db}. */
  static BenchDatabase external(String url) {
    URI u = URI.parse(url);
    return new BenchDatabase(null, u.host, u.port, u.user, u.password, u.database);
  }

  private record URI(String host, int port, String user, String password, String database) {
    static URI parse(String url) {
      java.net.URI u = java.net.URI.create(url.replaceFirst("^jdbc:", ""));
      String[] info = u.getUserInfo() == null ? new String[] {"postgres", ""} : u.getUserInfo().split(":", 2);
      return new URI(u.getHost(), u.getPort() == -1 ? 5432 : u.getPort(), info[0], info.length > 1 ? info[1] : "",
          u.getPath().substring(1));
    }
  }

  boolean embedded() {
    return embedded != null;
  }

  int port() {
    return port;
  }

  String host() {
    return host;
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  /** Parley's form of the address of {@code db}. */
  String url(String db) {
    return "postgresql://" + user + ":" + password + "@" + host + ":" + port + "/" + db;
  }

  String url() {
    return url(database);
  }

  /** The postmaster's pid (for CPU accounting), or 0 when unknown. */
  long postmasterPid(Path dataDir) {
    try {
      return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
    } catch (Exception e) {
      return 0;
    }
  }

  Connection connect(String db) throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + db, user, password);
  }

  void exec(String db, String sql) throws Exception {
    try (Connection c = connect(db); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** A bcrypt hash of {@link Driver#PASSWORD} at cost 4, so that thousands of sign-ins stay cheap. */
  static String cheapHash() {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    return OpenBSDBCrypt.generate("2b", Driver.PASSWORD.toCharArray(), salt, 4);
  }

  /**
   * Creates a company and its people in one go: staff senders, receivers of whom a share are
   * clients, and idle people for the connection count. Emails are {@code <prefix><kind><i>@bench.test}.
   * The company's notification delay is {@code notificationDelaySeconds}.
   */
  void seed(String prefix, int senders, int receivers, double clientShare, int idle, int notificationDelaySeconds)
      throws Exception {
    String hash = cheapHash();
    try (Connection c = connect(database)) {
      c.setAutoCommit(false);
      UUID company;
      // 0 by default: the bench counts emails as they are sent, not after the notification delay
      try (PreparedStatement s = c.prepareStatement(
          "insert into companies (name, notification_delay_seconds) values (?, ?) returning id")) {
        s.setString(1, "Bench " + prefix);
        s.setInt(2, notificationDelaySeconds);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          company = (UUID) r.getObject(1);
        }
      }
      try (PreparedStatement s = c.prepareStatement("insert into messaging_settings (company_id) values (?)")) {
        s.setObject(1, company);
        s.executeUpdate();
      }
      String insert = """
          insert into users (company_id, email, name, role, password_hash)
          select ?, ? || i || '@bench.test', ? || ' ' || i,
                 case when ? and (i % 1000) < ? then 'client' else 'staff' end, ?
            from generate_series(0, ? - 1) as i""";
      List<Object[]> groups = new ArrayList<>();
      groups.add(new Object[] {"sender", "Sender", false, senders});
      groups.add(new Object[] {"receiver", "Receiver", true, receivers});
      groups.add(new Object[] {"idle", "Idle", false, idle});
      for (Object[] g : groups) {
        try (PreparedStatement s = c.prepareStatement(insert)) {
          s.setObject(1, company);
          s.setString(2, prefix + g[0]);
          s.setString(3, (String) g[1]);
          s.setBoolean(4, (Boolean) g[2]);
          s.setInt(5, (int) Math.round(clientShare * 1000));
          s.setString(6, hash);
          s.setInt(7, (Integer) g[3]);
          s.executeUpdate();
        }
      }
      c.commit();
    }
  }

  /** Empties pg_stat_statements before the measured steps. */
  void resetStatements() {
    try {
      exec(database, "create extension if not exists pg_stat_statements");
      exec(database, "select pg_stat_statements_reset()");
    } catch (Exception e) {
      System.err.println("pg_stat_statements not available: " + e.getMessage());
    }
  }

  /** The rows, WAL and statements PostgreSQL has counted so far, or null when unreadable. */
  DbCounters counters() {
    try (Connection c = connect(database)) {
      return DbCounters.read(c);
    } catch (Exception e) {
      System.err.println("statistics not readable: " + e.getMessage());
      return null;
    }
  }

  @Override
  public void close() throws Exception {
    if (embedded != null) {
      embedded.close();
    }
  }
}
