package dev.parley.http;

import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node on a PostgreSQL server of its own, which the test stops and starts again: the same
 * server, port and data, as when a real database goes down and comes back.
 */
class ReadinessTest {

  static Path pgData;
  static int pgPort;
  static EmbeddedPostgres postgres;
  static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    pgData = Files.createTempDirectory("parley-ready-pg");
    pgPort = TestNode.freePort();
    postgres = startPostgres();
    node = TestNode.start(Map.of(ParleyConfig.DB_URL, "postgresql://postgres:postgres@127.0.0.1:" + pgPort + "/postgres"));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void readyAnswers503WhileTheDatabaseIsDownAndRecoversByItselfWhenItReturns() throws Exception {
    Fixtures.Person staff = node.fixtures().company("Acme Wealth").staff("Sam Staff");
    Api api = node.api();
    Api.Session session = staff.login(api);
    assertThat(api.get("/ready").status()).isEqualTo(200);

    postgres.close();
    postgres = null;

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Api.Response ready = api.get("/ready");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.json().getString("error")).isEqualTo("unavailable");
    });
    assertThat(api.get("/health").status()).isEqualTo(200);
    Api.Response duringOutage = session.get("/api/me");
    assertThat(duringOutage.status()).as(duringOutage.toString()).isEqualTo(503);
    assertThat(duringOutage.body()).doesNotContain("Exception", "127.0.0.1", "postgres");

    postgres = startPostgres();

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.get("/ready").status()).isEqualTo(200));
    assertThat(session.get("/api/me").status()).isEqualTo(200);
  }

  private static EmbeddedPostgres startPostgres() throws Exception {
    return EmbeddedPostgres.builder()
        .setPort(pgPort)
        .setDataDirectory(pgData)
        .setCleanDataDirectory(false)
        .setServerConfig("fsync", "off")
        .start();
  }
}
