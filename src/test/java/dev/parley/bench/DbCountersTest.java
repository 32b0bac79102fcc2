package dev.parley.bench;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The benchmark's reading of PostgreSQL's own counters, on the benchmark's real PostgreSQL: what a
 * step reports as rows written and locked per message is what the statements did.
 */
class DbCountersTest {

  @TempDir
  static Path dir;
  static BenchDatabase db;

  @BeforeAll
  static void start() throws Exception {
    db = BenchDatabase.start(dir.resolve("postgres"));
    db.resetStatements();
    db.exec("parley", """
        create table threads (id int primary key, last_message_at timestamptz);
        insert into threads select i, now() from generate_series(1, 3) i;
        create table messages (id serial primary key, thread_id int not null references threads(id), body text);
        create table message_recipients (message_id int not null, user_id int not null, primary key (message_id, user_id));
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    db.close();
  }

  @Test
  void aStepReportsRowsWrittenPerTableAndRowsLockedByUpdatesLockingReadsAndForeignKeyChecks() throws Exception {
    // the set-up's own rows are reported late too: the step starts once they are counted
    await().atMost(Duration.ofSeconds(20)).until(() -> inserted(db.counters(), "threads") == 3);
    DbCounters before = db.counters();
    // four sends to ten people: the message, its recipients, the thread locked and touched
    try (Connection c = db.connect("parley"); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      for (int i = 0; i < 4; i++) {
        s.execute("select id from threads where id = 2 for no key update");
        s.execute("insert into messages (thread_id, body) values (2, 'hello')");
        s.execute("insert into message_recipients select currval('messages_id_seq'), u from generate_series(1, 10) u");
        s.execute("update threads set last_message_at = now() where id = 2");
        c.commit();
      }
    }
    // the closed connection reported its counters on the way out; the collector passes them on shortly
    await().atMost(Duration.ofSeconds(20)).until(() -> inserted(db.counters().since(before), "message_recipients") == 40);

    JsonObject step = db.counters().since(before).perMessage(4, 10);

    JsonObject written = step.getJsonObject("rowsWritten");
    assertThat(written.getDouble("perMessage")).isEqualTo(12.0);
    assertThat(written.getJsonObject("tables").getJsonObject("messages").getDouble("inserted")).isEqualTo(1.0);
    assertThat(written.getJsonObject("tables").getJsonObject("message_recipients").getDouble("inserted")).isEqualTo(10.0);
    assertThat(written.getJsonObject("tables").getJsonObject("threads").getDouble("updated")).isEqualTo(1.0);
    assertThat(written.getJsonObject("tables").getJsonObject("threads").getDouble("hotUpdated")).isEqualTo(1.0);
    JsonObject locked = step.getJsonObject("rowsLocked");
    // the update, the FOR NO KEY UPDATE read, and the foreign key check of the message's thread
    assertThat(locked.getDouble("updatedOrDeleted")).isEqualTo(1.0);
    assertThat(locked.getDouble("lockingReads")).isEqualTo(2.0);
    assertThat(locked.getDouble("perMessage")).isEqualTo(3.0);
    assertThat(step.getJsonObject("countedMessages").getLong("counted")).isEqualTo(4);
    assertThat(step.getJsonArray("statements").stream().map(JsonObject.class::cast)
        .filter(q -> q.getString("query").startsWith("insert into message_recipients")))
        .singleElement()
        .satisfies(q -> {
          assertThat(q.getDouble("callsPerMessage")).isEqualTo(1.0);
          assertThat(q.getDouble("rowsPerCall")).isEqualTo(10.0);
        });
    assertThat(step.getJsonObject("wal").getDouble("kbPerMessage")).isPositive();
  }

  @Test
  void onlyReadsThatLockCountAsLockingReads() {
    assertThat(DbCounters.isLockingRead("select id from threads where id = any($1::uuid[]) order by id for no key update"))
        .isTrue();
    assertThat(DbCounters.isLockingRead(
        "SELECT 1 FROM ONLY \"public\".\"users\" x WHERE \"id\" OPERATOR(pg_catalog.=) $1 FOR KEY SHARE OF x")).isTrue();
    assertThat(DbCounters.isLockingRead("select t.subject from threads t where t.id = $1 for share of t")).isTrue();
    assertThat(DbCounters.isLockingRead("select id from users where id = $1")).isFalse();
    assertThat(DbCounters.isLockingRead("select id from updates where format = 'for sharing'")).isFalse();
    assertThat(DbCounters.isLockingRead("""
        with mine as (select unread_count from thread_participants where user_id = $1 for update)
        update thread_participants tp set left_at = now() from mine where tp.user_id = $1""")).isFalse();
    assertThat(DbCounters.isLockingRead(
        "update outbox set attempts = attempts + 1 where id in (select id from outbox for update skip locked)")).isFalse();
  }

  private static long inserted(DbCounters d, String table) {
    DbCounters.TableRows r = d.tables().get(table);
    return r == null ? 0 : r.inserted();
  }
}
