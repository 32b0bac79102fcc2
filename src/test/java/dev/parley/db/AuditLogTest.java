package dev.parley.db;

import dev.parley.audit.Audit;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class AuditLogTest {

  static TestNode node;
  static Pool pool;
  static Fixtures.Person staff;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    pool = node.parley().platform().pool();
    staff = node.fixtures().company("Acme Wealth").staff("Sam Staff");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void signInsAndFailedSignInsAreRecordedWithoutThePassword() {
    staff.login(node.api());
    node.api().post("/api/auth/login", new JsonObject().put("email", staff.email()).put("password", "a-wrong-guess"));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(count("select count(*) from audit_log where action = $1 and actor_id = $2", Audit.SIGN_IN, staff.id())).isEqualTo(1);
      assertThat(count("select count(*) from audit_log where action = $1 and actor_id = $2", Audit.SIGN_IN_FAILED, staff.id())).isEqualTo(1);
    });
    assertThat(count("select count(*) from audit_log where detail::text like $1", "%a-wrong-guess%", null)).isZero();
  }

  @Test
  void theAuditLogRefusesUpdateDeleteAndTruncateToParleyAndToItsOwner() {
    Audit.record(pool, null, staff.id(), Audit.REFUSED, "test", new JsonObject(), "127.0.0.1").await();
    long before = count("select count(*) from audit_log", null, null);

    // Parley's role has no such right; the owner is stopped by the append-only triggers
    for (String change : new String[] {"update audit_log set action = 'forged'", "delete from audit_log", "truncate audit_log"}) {
      assertThatThrownBy(() -> pool.query(change).execute().await()).hasMessageContaining("permission denied");
      assertThatThrownBy(() -> node.asOwner(change)).hasMessageContaining("append-only");
    }

    assertThat(count("select count(*) from audit_log", null, null)).isEqualTo(before);
    assertThat(count("select count(*) from audit_log where action = $1", "forged", null)).isZero();
  }

  private static long count(String sql, Object a, Object b) {
    Tuple args = a == null ? Tuple.tuple() : b == null ? Tuple.of(a) : Tuple.of(a, b);
    return pool.preparedQuery(sql).execute(args).await().iterator().next().getLong(0);
  }
}
