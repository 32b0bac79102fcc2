package dev.parley.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL server run from the binaries on the classpath, keeping its data under the data
 * directory so that a restart keeps everything. Used when no database URL is configured.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Blocking: starts the server (initialising the data directory on first use). */
  public static EmbeddedDatabase start(Path dataDir) throws IOException {
    Path pgData = dataDir.resolve("postgres");
    Files.createDirectories(pgData);
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(pgData)
        .setCleanDataDirectory(false)
        .setServerConfig("max_connections", "200")
        .setServerConfig("fsync", "on")
        // the node stops it (Parley.close) after its own connections: the library's stop hook would run
        // beside the node's on Ctrl-C and end connections still in use, which print FATAL to the console
        .setRegisterShutdownHook(false)
        .start();
    LOG.info("embedded PostgreSQL listening on 127.0.0.1:{} with data in {}", pg.getPort(), pgData);
    return new EmbeddedDatabase(pg);
  }

  /** A throw-away server for tests: data in a temporary directory, removed on close. */
  public static EmbeddedDatabase startEphemeral() throws IOException {
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setServerConfig("max_connections", "300")
        .setServerConfig("fsync", "off")
        .setServerConfig("synchronous_commit", "off")
        .setServerConfig("full_page_writes", "off")
        .start();
    return new EmbeddedDatabase(pg);
  }

  public int port() {
    return postgres.getPort();
  }

  /** Address in the form Parley's configuration takes, as the superuser (who owns the schema). */
  public String url(String database) {
    return url(database, "postgres", "postgres");
  }

  /** Address as another role; {@code user} and {@code password} must need no percent-encoding. */
  public String url(String database, String user, String password) {
    return "postgresql://" + user + ":" + password + "@127.0.0.1:" + port() + "/" + database;
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
