package dev.parley.bench;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The pgbench baseline's scripts run against the benchmark's real PostgreSQL and write what they model. */
class PgBenchTest {

  @TempDir
  static Path dir;
  static BenchDatabase db;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(PgBench.binary() != null, "pgbench is not installed (Debian: postgresql-15)");
    db = BenchDatabase.start(dir.resolve("postgres"));
  }

  @BeforeEach
  void freshTables() throws Exception {
    PgBench.prepare(db);
  }

  @AfterAll
  static void stop() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void theSecondDesignsSendWritesAMessageTenRecipientsOneJobOneAuditRowAndOneChangeAndTouchesItsThread() throws Exception {
    JsonObject r = PgBench.run(PgBench.binary(), db, dir, "new-send", PgBench.NEW_SEND, 1, new Cpu.Meter(0, 0), "-t", 5);

    assertThat(r.getLong("transactions")).as(r.encode()).isEqualTo(5);
    assertThat(r.getDouble("walKbPerTransaction")).isPositive();
    assertThat(count("select count(*) from bench_messages")).isEqualTo(5);
    assertThat(count("select count(*) from bench_message_recipients")).isEqualTo(50);
    assertThat(count("select count(*) from bench_outbox where kind = 'message' and recipient_id is null")).isEqualTo(5);
    assertThat(count("select count(*) from bench_audit")).isEqualTo(5);
    assertThat(count("select count(*) from bench_changes where cardinality(audience) = 11 and xid is not null")).isEqualTo(5);
    assertThat(count("select count(*) from bench_threads where last_message_id is not null")).isBetween(1L, 5L);
  }

  @Test
  void theFirstDesignsSendStillRunsForComparison() throws Exception {
    JsonObject r = PgBench.run(PgBench.binary(), db, dir, "old-send", PgBench.OLD_SEND, 1, new Cpu.Meter(0, 0), "-t", 3);

    assertThat(r.getLong("transactions")).as(r.encode()).isEqualTo(3);
    assertThat(count("select count(*) from bench_events")).isEqualTo(33);
  }

  private static long count(String sql) throws Exception {
    try (Connection c = db.connect(PgBench.DATABASE); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
