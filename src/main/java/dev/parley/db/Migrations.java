package dev.parley.db;

import org.flywaydb.core.Flyway;

/** Brings the schema up to date. Blocking (JDBC): call it from a worker thread. */
public final class Migrations {

  private Migrations() {
  }

  public static int migrate(String jdbcUrl, String user, String password) {
    Flyway flyway = Flyway.configure()
        .dataSource(jdbcUrl, user, password)
        .locations("classpath:db/migration")
        .load();
    return flyway.migrate().migrationsExecuted;
  }
}
