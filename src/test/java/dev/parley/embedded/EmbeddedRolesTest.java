package dev.parley.embedded;

import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With no database configured, Parley starts its own PostgreSQL and sets both roles up itself. */
class EmbeddedRolesTest {

  @Test
  void onItsEmbeddedDatabaseParleyRunsAsARoleThatOwnsNothingWhosePasswordIsKeptUnderTheDataDir() {
    Map<String, String> env = TestNode.defaults();
    Path secret;
    String password;
    try (TestNode node = TestNode.startWith(env)) {
      assertRuntimeRole(node);
      secret = node.dataDir().resolve("keys").resolve("database-runtime.secret");
      assertThat(secret).exists();
      password = read(secret);
      Fixtures.Person staff = node.fixtures().company("Acme Wealth").staff("Sam Staff");
      assertThat(staff.login(node.api()).get("/api/me").status()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> signIns(node) == 1);
    }

    try (TestNode again = TestNode.startWith(env)) {
      assertRuntimeRole(again);
      assertThat(read(secret)).isEqualTo(password);
      assertThat(signIns(again)).isEqualTo(1);
    }
  }

  private static void assertRuntimeRole(TestNode node) {
    Row row = node.parley().platform().pool().query("select current_user, "
        + "(select rolsuper from pg_roles where rolname = current_user), "
        + "(select count(*) from pg_tables where tableowner = current_user)").execute().await().iterator().next();
    assertThat(row.getString(0)).isEqualTo("parley_app");
    assertThat(row.getBoolean(1)).isFalse();
    assertThat(row.getLong(2)).isZero();
  }

  private static long signIns(TestNode node) {
    return node.parley().platform().pool().query("select count(*) from audit_log where action = 'auth.sign_in'")
        .execute().await().iterator().next().getLong(0);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
