package dev.parley.db;

import dev.parley.testing.TestDatabase;
import io.vertx.pgclient.PgConnectOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every migration, applied to an empty database, leaves what it says it does; a second run changes nothing. */
class MigrationsTest {

  static PgConnectOptions db;
  static String jdbc;
  static int applied;
  static List<String> tablesBefore;

  @BeforeAll
  static void migrateAnEmptyDatabase() throws Exception {
    db = Db.connectOptions(TestDatabase.emptyDatabase());
    jdbc = Db.jdbcUrl(db);
    tablesBefore = list("select table_name from information_schema.tables where table_schema = 'public'");
    applied = Migrations.migrate(jdbc, db.getUser(), db.getPassword());
  }

  @Test
  void everyMigrationIsAppliedOnAnEmptyDatabaseAndSucceeds() throws Exception {
    assertThat(tablesBefore).isEmpty();
    long files = migrationFiles();
    assertThat(files).isGreaterThanOrEqualTo(6);
    assertThat(applied).isEqualTo(files);
    assertThat(list("select version from flyway_schema_history where success order by installed_rank"))
        .hasSize((int) files).startsWith("1", "2", "3", "4", "5", "6");
    assertThat(list("select version from flyway_schema_history where not success")).isEmpty();
  }

  @Test
  void theTablesOfEveryMigrationExist() throws Exception {
    assertThat(list("select table_name from information_schema.tables where table_schema = 'public'")).contains(
        // V1 foundation
        "companies", "users", "groups", "group_members", "sessions", "audit_log", "messaging_settings",
        "designated_staff", "notify_on_read",
        // V2 messaging
        "threads", "messages", "message_recipients", "thread_participants", "outbox", "canned_responses",
        // V3 reply tokens, V4 inbound
        "reply_tokens", "inbound_mailboxes", "inbound_emails", "inbound_webhook_signatures", "inbound_refusals",
        // V9 idempotency keys, V11 the write path's changes
        "idempotency_keys", "changes", "changes_pruned",
        "flyway_schema_history");
    assertThat(list("select table_name from information_schema.tables where table_schema = 'public'"))
        .as("V11 replaced the per-person events by the changes").doesNotContain("events");
  }

  @Test
  void theInboxRowsAreMembershipOnlyAndNoPersonRowCarriesCounts() throws Exception {
    assertThat(list("select column_name from information_schema.columns where table_name = 'thread_participants'"))
        // V14: the person's own archive time and thread-wide "mark unread", written only by that person's
        // actions, never by a send (whether a thread is archived is derived against its messages)
        .containsExactlyInAnyOrder("thread_id", "user_id", "company_id", "left_at", "joined_at", "archived_at", "marked_unread");
    assertThat(list("select column_name from information_schema.columns where table_name = 'users'"))
        .doesNotContain("unread_count", "last_event_seq");
    assertThat(list("select column_name from information_schema.columns where table_name = 'threads'"))
        .contains("last_message_id", "last_message_at");
    assertThat(list("select column_name from information_schema.columns where table_name = 'changes'"))
        .containsExactlyInAnyOrder("seq", "xid", "company_id", "thread_id", "kind", "actor_id", "message_id", "audience", "data",
            "created_at");
  }

  @Test
  void theIndexesAreThoseTheLatestMigrationsLeft() throws Exception {
    List<String> indexes = list("select indexname from pg_indexes where schemaname = 'public'");
    assertThat(indexes).contains(
        "users_company_idx", "group_members_user_idx", "sessions_user_idx", "audit_log_company_idx",
        "designated_staff_user_idx", "designated_staff_group_idx", "threads_company_idx", "messages_thread_idx",
        "messages_search_idx", "message_recipients_user_thread_idx",
        "threads_subject_search_idx", "outbox_due_idx", "canned_responses_company_idx",
        "inbound_webhook_signatures_seen_idx", "outbox_failed_idx", "idempotency_keys_created_brin", "outbox_waiting_idx",
        // V11: a person's threads, the changes by position and by age, a thread's waiting notification jobs
        "thread_participants_person_idx", "changes_position_idx", "changes_created_brin", "outbox_jobs_thread_idx");
    // dropped by V6: the key or another index serves these; by V11: the inbox order is derived, the events are gone
    assertThat(indexes).doesNotContain("thread_participants_unread_idx", "thread_participants_thread_idx",
        "message_recipients_thread_idx", "events_created_idx", "thread_participants_inbox_idx", "events_created_brin");
    assertThat(list("select a.attname from pg_index i join pg_class c on c.oid = i.indrelid "
        + "join lateral unnest(i.indkey) with ordinality k(attnum, n) on true "
        + "join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum "
        + "where c.relname = 'thread_participants' and i.indisprimary order by k.n"))
        .as("V6 keys thread_participants by (thread, person)").containsExactly("thread_id", "user_id");
    assertThat(list("select unnest(reloptions) from pg_class where relname = 'users'"))
        .as("V11: no person's row is rewritten per message any more").doesNotContain("fillfactor=80");
  }

  @Test
  void theForeignKeysASendWouldCheckAreGoneAndTheOthersKept() throws Exception {
    List<String> keys = list("select conname from pg_constraint where contype = 'f'");
    assertThat(keys).as("V5 and V12: a send checks no key against people, company or thread")
        .doesNotContain("thread_participants_last_message_id_fkey",
        "message_recipients_message_id_fkey", "message_recipients_thread_id_fkey", "outbox_recipient_id_fkey",
        "outbox_company_id_fkey", "message_recipients_user_id_fkey", "messages_thread_id_fkey", "messages_sender_id_fkey",
        "messages_company_id_fkey");
    assertThat(keys).contains("users_company_id_fkey", "thread_participants_user_id_fkey", "threads_company_id_fkey");
  }

  @Test
  void theAuditLogRefusesUpdateDeleteAndTruncate() throws Exception {
    assertThat(list("select tgname from pg_trigger where tgrelid = 'audit_log'::regclass and not tgisinternal"))
        .containsExactlyInAnyOrder("audit_log_no_update", "audit_log_no_truncate");
    try (Connection c = connect(); Statement st = c.createStatement()) {
      st.execute("insert into audit_log (action) values ('migration.checked')");
      for (String write : List.of("update audit_log set action = 'changed'", "delete from audit_log", "truncate audit_log")) {
        assertThatThrownBy(() -> st.execute(write)).as(write).isInstanceOf(SQLException.class)
            .hasMessageContaining("append-only");
      }
      assertThat(list("select action from audit_log")).containsExactly("migration.checked");
    }
  }

  @Test
  void migratingAnUpToDateDatabaseAgainAppliesAndChangesNothing() throws Exception {
    List<String> schema = schema();

    assertThat(Migrations.migrate(jdbc, db.getUser(), db.getPassword())).isZero();
    assertThat(schema()).isEqualTo(schema);
  }

  /** Tables, columns, indexes, constraints and triggers, one line each. */
  private static List<String> schema() throws Exception {
    List<String> out = new ArrayList<>();
    out.addAll(list("select table_name || '.' || column_name || ' ' || data_type from information_schema.columns "
        + "where table_schema = 'public' order by 1"));
    out.addAll(list("select indexdef from pg_indexes where schemaname = 'public' order by 1"));
    out.addAll(list("select conname || ' ' || pg_get_constraintdef(oid) from pg_constraint "
        + "where connamespace = 'public'::regnamespace order by 1"));
    out.addAll(list("select tgname from pg_trigger where not tgisinternal order by 1"));
    return out;
  }

  private static long migrationFiles() throws URISyntaxException, java.io.IOException {
    Path dir = Path.of(MigrationsTest.class.getResource("/db/migration").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().matches("V\\d+__.+\\.sql")).count();
    }
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbc, db.getUser(), db.getPassword());
  }

  private static List<String> list(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
