package dev.parley.http;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Sql;
import dev.parley.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node told to stop (SIGTERM runs {@code Parley.close}) first answers what it has taken on: a client
 * whose send was in flight gets its 201, so it never retries a message that was saved.
 */
class GracefulShutdownTest {

  @Test
  void sendsInFlightWhenTheNodeStopsGetTheir201AndAreSavedWhileNewRequestsAreRefused() {
    TestNode node = TestNode.start();
    String db = node.dbUrl();
    Fixtures.Company acme = node.fixtures().company("Acme Wealth");
    Api.Session sam = acme.staff("Sam Staff").login(node.api());
    Fixtures.Person olly = acme.staff("Olly Other");
    java.util.function.Function<String, Api.Response> send = subject -> sam.post("/api/threads", new JsonObject()
        .put("to", new JsonArray().add(olly.sid())).put("subject", subject).put("bodyHtml", "<p>hello</p>"));

    CompletableFuture<Api.Response> first;
    CompletableFuture<Api.Response> second;
    Future<Void> closed;
    try (Sql.Lock frozen = Sql.lock(db, "threads")) {
      // each send holds one of the two write transactions, stuck behind the lock: both are in flight
      first = CompletableFuture.supplyAsync(() -> send.apply("In flight at the stop 1"));
      await().atMost(Duration.ofSeconds(20)).until(() -> waitingOnLocks(db) >= 1);
      second = CompletableFuture.supplyAsync(() -> send.apply("In flight at the stop 2"));
      await().atMost(Duration.ofSeconds(20)).until(() -> waitingOnLocks(db) >= 2);

      closed = node.parley().close();

      // the node still listens while it drains: it answers, and refuses
      Api.Response ready = node.api().get("/ready");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.json().getString("message")).contains("stopping");
      Api.Response refused = send.apply("After the stop began");
      assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
      assertThat(refused.error()).isEqualTo("unavailable");
    }

    assertThat(first.join().status()).as(first.join().toString()).isEqualTo(201);
    assertThat(second.join().status()).as(second.join().toString()).isEqualTo(201);
    closed.await();
    assertThat(Sql.count(db, "select count(*) from messages m join threads t on t.id = m.thread_id "
        + "where t.subject like 'In flight at the stop %'")).isEqualTo(2);
    assertThat(Sql.count(db, "select count(*) from threads where subject = 'After the stop began'")).isZero();
  }

  private static long waitingOnLocks(String db) {
    return Sql.count(db, "select count(*) from pg_stat_activity where datname = current_database() "
        + "and wait_event_type = 'Lock'");
  }
}
