package dev.parley.db;

import dev.parley.testing.TestDatabase;
import io.vertx.pgclient.PgConnectOptions;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationsTest {

  @Test
  void migrationsApplyOnAnEmptyDatabaseAndCreateTheSchema() throws Exception {
    PgConnectOptions db = Db.connectOptions(TestDatabase.emptyDatabase());
    String jdbc = Db.jdbcUrl(db);
    assertThat(tables(jdbc, db)).isEmpty();

    int applied = Migrations.migrate(jdbc, db.getUser(), db.getPassword());

    assertThat(applied).isGreaterThanOrEqualTo(2);
    assertThat(tables(jdbc, db)).contains("companies", "users", "groups", "group_members", "sessions", "audit_log",
        "messaging_settings", "designated_staff", "notify_on_read", "flyway_schema_history");
    try (Connection c = DriverManager.getConnection(jdbc, db.getUser(), db.getPassword());
         ResultSet rs = c.createStatement().executeQuery("select count(*) from flyway_schema_history where not success")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
  }

  @Test
  void migratingAnUpToDateDatabaseAgainAppliesNothing() {
    PgConnectOptions db = Db.connectOptions(TestDatabase.emptyDatabase());
    String jdbc = Db.jdbcUrl(db);
    Migrations.migrate(jdbc, db.getUser(), db.getPassword());

    assertThat(Migrations.migrate(jdbc, db.getUser(), db.getPassword())).isZero();
  }

  private static List<String> tables(String jdbc, PgConnectOptions db) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(jdbc, db.getUser(), db.getPassword());
         ResultSet rs = c.createStatement().executeQuery(
             "select table_name from information_schema.tables where table_schema = 'public'")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
