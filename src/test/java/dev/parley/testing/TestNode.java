package dev.parley.testing;

import dev.parley.Parley;
import dev.parley.ParleyConfig;
import dev.parley.db.Db;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** A real Parley node for tests: its own database (a fresh copy of the schema), HTTP port and data dir. */
public final class TestNode implements AutoCloseable {

  /** Longer than any start seen on a busy machine (migrations, the embedded servers, a cluster join). */
  private static final java.time.Duration START_LIMIT = java.time.Duration.ofMinutes(3);

  private final Parley node;
  private final String dbUrl;
  private final Map<String, String> env;

  private TestNode(Parley node, String dbUrl, Map<String, String> env) {
    this.node = node;
    this.dbUrl = dbUrl;
    this.env = env;
  }

  public static TestNode start() {
    return start(Map.of());
  }

  /** Starts a node; {@code overrides} are configuration keys (the environment variable names). */
  public static TestNode start(Map<String, String> overrides) {
    return start(overrides, Clock.systemUTC());
  }

  /** As {@link #start(Map)}, with the node's clock (rate limits, audit windows) under the test's control. */
  public static TestNode start(Map<String, String> overrides, Clock clock) {
    Map<String, String> env = new HashMap<>();
    env.put(ParleyConfig.DB_URL, TestDatabase.newDatabase());
    env.putAll(defaults());
    env.putAll(overrides);
    return startWith(env, clock);
  }

  public static Map<String, String> defaults() {
    Map<String, String> env = new HashMap<>();
    try {
      env.put(ParleyConfig.DATA_DIR, Files.createTempDirectory("parley-test").toString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    int port = freePort();
    env.put(ParleyConfig.HTTP_PORT, Integer.toString(port));
    env.put(ParleyConfig.PUBLIC_URL, "http://localhost:" + port);
    env.put(ParleyConfig.EMBEDDED_SMTP_PORT, Integer.toString(freePort()));
    env.put(ParleyConfig.EMBEDDED_IMAP_PORT, Integer.toString(freePort()));
    env.put(ParleyConfig.DEMO, "false");
    env.put(ParleyConfig.BCRYPT_COST, "4");
    env.put(ParleyConfig.LOGIN_LIMIT_ACCOUNT, "50");
    env.put(ParleyConfig.LOGIN_LIMIT_ADDRESS, "10000");
    env.put(ParleyConfig.SEND_LIMIT_PER_MINUTE, "100000");
    return env;
  }

  /**
   * Two nodes in a Hazelcast cluster on loopback, sharing one database and data directory (hence the
   * signing keys), each with its own ports; {@code overrides} apply to both (and may turn
   * {@code PARLEY_CLUSTER} off, for two nodes that share only the database).
   */
  public static TestNode[] cluster(Map<String, String> overrides) {
    int port1 = freePort();
    int port2 = freePort();
    Map<String, String> first = new HashMap<>();
    first.put(ParleyConfig.CLUSTER, "true");
    first.put(ParleyConfig.CLUSTER_HOST, "127.0.0.1");
    first.put(ParleyConfig.CLUSTER_PORT, Integer.toString(port1));
    first.put(ParleyConfig.CLUSTER_MEMBERS, "127.0.0.1:" + port1 + ",127.0.0.1:" + port2);
    first.putAll(overrides);
    TestNode node1 = start(first);
    try {
      return new TestNode[] {node1, startWith(beside(node1, port2))};
    } catch (RuntimeException e) {
      node1.close();
      throw e;
    }
  }

  /**
   * A new node that joins {@code member}'s cluster, on the same database and data directory with
   * ports of its own: the node started in place of one that stopped, in a rolling restart.
   */
  public static TestNode joining(TestNode member) {
    int port = freePort();
    Map<String, String> env = beside(member, port);
    env.put(ParleyConfig.CLUSTER_MEMBERS, "127.0.0.1:" + member.env().get(ParleyConfig.CLUSTER_PORT) + ",127.0.0.1:" + port);
    return startWith(env);
  }

  /**
   * {@code member}'s configuration with HTTP, mail and cluster ports of a node of its own; its public
   * address too, unless the member's is a balancer's (not its own port).
   */
  private static Map<String, String> beside(TestNode member, int clusterPort) {
    Map<String, String> env = new HashMap<>(member.env());
    int http = freePort();
    env.put(ParleyConfig.HTTP_PORT, Integer.toString(http));
    if (("http://localhost:" + member.env().get(ParleyConfig.HTTP_PORT)).equals(member.env().get(ParleyConfig.PUBLIC_URL))) {
      env.put(ParleyConfig.PUBLIC_URL, "http://localhost:" + http);
    }
    env.put(ParleyConfig.EMBEDDED_SMTP_PORT, Integer.toString(freePort()));
    env.put(ParleyConfig.EMBEDDED_IMAP_PORT, Integer.toString(freePort()));
    env.put(ParleyConfig.CLUSTER_PORT, Integer.toString(clusterPort));
    return env;
  }

  /**
   * Starts a node on {@code given}. Its {@code PARLEY_DB_URL} names the database's owner, unless
   * {@code PARLEY_DB_OWNER_URL} is given too: the node migrates as the owner and runs as the runtime
   * role, as Parley does on its embedded database.
   */
  public static TestNode startWith(Map<String, String> given) {
    return startWith(given, Clock.systemUTC());
  }

  /** As {@link #startWith(Map)}, with the node's clock (rate limits, audit windows) under the test's control. */
  public static TestNode startWith(Map<String, String> given, Clock clock) {
    Map<String, String> env = new HashMap<>(given);
    String owner = env.get(ParleyConfig.DB_OWNER_URL);
    if (owner == null && env.get(ParleyConfig.DB_URL) != null) {
      owner = env.get(ParleyConfig.DB_URL);
      env.put(ParleyConfig.DB_OWNER_URL, owner);
      env.put(ParleyConfig.DB_URL, TestDatabase.runtimeUrl(owner));
    }
    ParleyConfig config = ParleyConfig.from(new JsonObject(), env);
    Parley node;
    try {
      // bounded: a start that never ends fails its test instead of holding up the whole run
      node = Parley.start(config, clock).await(START_LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the node did not start within " + START_LIMIT.toSeconds() + " s", e);
    }
    return new TestNode(node, owner, env);
  }

  public Parley parley() {
    return node;
  }

  public String baseUrl() {
    return "http://localhost:" + node.httpPort();
  }

  public int port() {
    return node.httpPort();
  }

  /** The node's database as its owner (for what the runtime role may not do, see {@link #asOwner}). */
  public String dbUrl() {
    return dbUrl;
  }

  /** Runs {@code sql} as the database's owner: a test's setup that the node's own role is not allowed. */
  public void asOwner(String sql) {
    PgConnectOptions o = Db.connectOptions(dbUrl);
    try (Connection c = DriverManager.getConnection(Db.jdbcUrl(o), o.getUser(), o.getPassword());
         Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (Exception e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  public Map<String, String> env() {
    return env;
  }

  public Path dataDir() {
    return Path.of(env.get(ParleyConfig.DATA_DIR));
  }

  public Api api() {
    return new Api(baseUrl());
  }

  public Fixtures fixtures() {
    return new Fixtures(node.platform());
  }

  /**
   * Runs {@code work} while holding PostgreSQL's strongest lock on the {@code sessions} table: any
   * statement that reads or writes it waits until {@code work} is done, so whatever succeeds meanwhile
   * did not touch that table.
   */
  public void whileSessionsTableLocked(Runnable work) {
    SqlConnection conn = node.platform().pool().getConnection().await();
    try {
      Transaction tx = conn.begin().await();
      conn.query("lock table sessions in access exclusive mode").execute().await();
      try {
        work.run();
      } finally {
        tx.rollback().await();
      }
    } finally {
      conn.close().await();
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    node.close().await();
  }
}
