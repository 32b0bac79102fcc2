package dev.parley.db;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.Parley;
import dev.parley.ParleyConfig;
import dev.parley.audit.Audit;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The audit log's guard holds against the role Parley runs as, not only against honest use: that
 * role owns nothing, so none of the ways an owner or superuser lifts a trigger is open to it.
 */
class AuditLogGuardTest {

  /** PostgreSQL's SQLSTATE for "must be owner" and "permission denied". */
  static final String INSUFFICIENT_PRIVILEGE = "(42501)";

  static TestNode node;
  static Pool pool;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    pool = node.parley().platform().pool();
    for (int i = 0; i < 3; i++) {
      Audit.record(pool, null, null, Audit.REFUSED, "guard-" + UUID.randomUUID(), new JsonObject(), "127.0.0.1").await();
    }
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void theRoleParleyRunsAsIsNoSuperuserAndOwnsNoTable() {
    var row = pool.query("select current_user, (select rolsuper from pg_roles where rolname = current_user), "
        + "(select count(*) from pg_tables where tableowner = current_user)").execute().await().iterator().next();

    assertThat(row.getString(0)).isEqualTo(TestDatabase.RUNTIME_ROLE);
    assertThat(row.getBoolean(1)).isFalse();
    assertThat(row.getLong(2)).isZero();
  }

  @Test
  void disablingTheTriggersIsRefusedAndTheRowsStay() {
    long before = auditedRows();

    assertThatThrownBy(() -> eraseAfter("alter table audit_log disable trigger all")).hasMessageContaining(INSUFFICIENT_PRIVILEGE);
    assertThatThrownBy(() -> eraseAfter("alter table audit_log disable trigger audit_log_no_update"))
        .hasMessageContaining(INSUFFICIENT_PRIVILEGE);

    assertThat(auditedRows()).isEqualTo(before);
  }

  @Test
  void switchingToReplicaModeIsRefusedAndTheRowsStay() {
    long before = auditedRows();

    assertThatThrownBy(() -> eraseAfter("set session_replication_role = replica")).hasMessageContaining(INSUFFICIENT_PRIVILEGE);

    assertThat(auditedRows()).isEqualTo(before);
  }

  @Test
  void droppingTheTriggersIsRefusedAndTheRowsStay() {
    long before = auditedRows();

    assertThatThrownBy(() -> eraseAfter("drop trigger audit_log_no_update on audit_log")).hasMessageContaining(INSUFFICIENT_PRIVILEGE);
    assertThatThrownBy(() -> eraseAfter("drop trigger audit_log_no_truncate on audit_log")).hasMessageContaining(INSUFFICIENT_PRIVILEGE);

    assertThat(auditedRows()).isEqualTo(before);
  }

  @Test
  void replacingTheTriggerFunctionIsRefusedAndTheRowsStay() {
    long before = auditedRows();

    assertThatThrownBy(() -> eraseAfter("create or replace function audit_log_is_append_only() returns trigger "
        + "language plpgsql as $$ begin return old; end $$")).hasMessageContaining(INSUFFICIENT_PRIVILEGE);

    assertThat(auditedRows()).isEqualTo(before);
  }

  @Test
  void theRoleParleyRunsAsMayNeitherChangeNorEraseAuditRowsEvenWithTheGuardAside() {
    long before = auditedRows();

    assertThatThrownBy(() -> pool.query("delete from audit_log").execute().await()).hasMessageContaining(INSUFFICIENT_PRIVILEGE);
    assertThatThrownBy(() -> pool.query("update audit_log set action = 'forged'").execute().await())
        .hasMessageContaining(INSUFFICIENT_PRIVILEGE);
    assertThatThrownBy(() -> pool.query("truncate audit_log").execute().await()).hasMessageContaining(INSUFFICIENT_PRIVILEGE);
    assertThatThrownBy(() -> pool.query("create table shadow (id int)").execute().await()).hasMessageContaining(INSUFFICIENT_PRIVILEGE);

    assertThat(auditedRows()).isEqualTo(before);
  }

  @Test
  void aTableALaterMigrationAddsIsReadAndWrittenByTheRuntimeRoleWithoutAGrantOfItsOwn() throws Exception {
    String ownerUrl = TestDatabase.emptyDatabase();
    var o = Db.connectOptions(ownerUrl);
    Path later = Files.createTempDirectory("later-migrations");
    Files.writeString(later.resolve("V900__a_later_feature.sql"),
        "create table later_feature (id bigserial primary key, note text not null);");
    Flyway.configure().dataSource(Db.jdbcUrl(o), o.getUser(), o.getPassword())
        .locations("classpath:db/migration", "filesystem:" + later).load().migrate();

    try (TestNode upgraded = TestNode.startWith(Map.of(ParleyConfig.DB_URL, ownerUrl))) {
      Pool runtime = upgraded.parley().platform().pool();
      runtime.query("insert into later_feature (note) values ('written')").execute().await();
      runtime.query("update later_feature set note = 'changed'").execute().await();
      assertThat(runtime.query("select note from later_feature").execute().await().iterator().next().getString(0))
          .isEqualTo("changed");
      runtime.query("delete from later_feature").execute().await();
      assertThatThrownBy(() -> runtime.query("delete from audit_log").execute().await()).hasMessageContaining(INSUFFICIENT_PRIVILEGE);
    }
  }

  @Test
  void withoutAnOwnerConfiguredParleyWarnsThatTheAuditLogIsOnlyGuardedAgainstHonestUse() {
    Logger log = (Logger) LoggerFactory.getLogger(Parley.class);
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    log.addAppender(seen);
    Map<String, String> env = new HashMap<>(TestNode.defaults());
    env.put(ParleyConfig.DB_URL, TestDatabase.newDatabase());
    env.put(ParleyConfig.DB_OWNER_URL, "");
    try (TestNode alone = TestNode.startWith(env)) {
      assertThat(seen.list).anySatisfy(e -> {
        assertThat(e.getLevel()).isEqualTo(Level.WARN);
        assertThat(e.getFormattedMessage()).contains("PARLEY_DB_OWNER_URL is unset", "only guarded against honest use");
      });
    } finally {
      log.detachAppender(seen);
    }
  }

  /** On one connection: {@code attempt}, then an attempt to erase the whole audit log. */
  private static void eraseAfter(String attempt) {
    SqlConnection conn = pool.getConnection().await();
    try {
      conn.query(attempt).execute().await();
      conn.query("delete from audit_log").execute().await();
      conn.query("truncate audit_log").execute().await();
    } finally {
      conn.close().await();
    }
  }

  private static long auditedRows() {
    return pool.query("select count(*) from audit_log").execute().await().iterator().next().getLong(0);
  }
}
