package dev.parley.realtime;

import ch.qos.logback.classic.Level;
import dev.parley.ParleyConfig;
import dev.parley.Topics;
import dev.parley.testing.Api;
import dev.parley.testing.BridgeClient;
import dev.parley.testing.CapturedLog;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Sql;
import dev.parley.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node that stops (a rolling restart) sends its live sockets elsewhere: each is told
 * {@code server.draining}, those that stay are closed, and new sockets and API requests are refused
 * in a way that sends the client to another node.
 */
class LiveDrainTest {

  Vertx clients;

  @BeforeEach
  void clients() {
    clients = Vertx.vertx();
  }

  @AfterEach
  void closeClients() {
    clients.close().await();
  }

  @Test
  void aStoppingNodeTellsEachLiveSocketToGoElsewhereAndClosesTheOnesThatStay() {
    TestNode node = TestNode.start(Map.of(ParleyConfig.SHUTDOWN_SECONDS, "8"));
    Fixtures.Company acme = node.fixtures().company("Acme");
    Fixtures.Person lee = acme.staff("Lee Leaver");
    Fixtures.Person stacy = acme.staff("Stacy Stayer");
    BridgeClient leaving = BridgeClient.connect(clients, node.baseUrl(), lee.login(node.api()).token());
    // what the browser does when told: it leaves, and connects again through the balancer
    leaving.onFrame(f -> {
      if (f.getValue("body") instanceof JsonObject b && BridgeClient.DRAINING.equals(b.getString("type"))) {
        leaving.close();
      }
    });
    leaving.register(Topics.user(lee.id()));
    BridgeClient staying = BridgeClient.connect(clients, node.baseUrl(), stacy.login(node.api()).token());
    staying.register(Topics.user(stacy.id()));
    await().atMost(Duration.ofSeconds(10)).until(() -> leaving.subscribed() && staying.subscribed());

    try (CapturedLog log = CapturedLog.of("dev.parley.Drain", Level.INFO)) {
      Future<Void> closed = node.parley().close();
      await().atMost(Duration.ofSeconds(10)).until(() -> staying.received(BridgeClient.DRAINING) && leaving.closed());
      closed.await();
      await().atMost(Duration.ofSeconds(10)).until(staying::closed);

      assertThat(staying.closeStatus()).as("closed by the node: 1012, service restart").isEqualTo((short) 1012);
      List<String> lines = log.lines();
      assertThat(lines).hasSize(2);
      assertThat(lines.get(0)).startsWith("INFO").contains("draining").contains("2 live sockets told to reconnect elsewhere");
      assertThat(lines.get(1)).startsWith("INFO")
          .contains("0 API requests unanswered, 0 writes unanswered")
          .contains("2 told to reconnect elsewhere, 1 left by themselves, 1 closed by the node");
    }
  }

  @Test
  void aStoppingNodeAnswersNewLiveConnectionsAndApiRequests503SoThatClientsGoElsewhere() {
    TestNode node = TestNode.start();
    String db = node.dbUrl();
    Fixtures.Company acme = node.fixtures().company("Acme");
    Api.Session sam = acme.staff("Sam Staff").login(node.api());
    Fixtures.Person olly = acme.staff("Olly Other");
    JsonObject message = new JsonObject().put("to", new JsonArray().add(olly.sid())).put("subject", "Hello")
        .put("bodyHtml", "<p>hello</p>");

    CompletableFuture<Api.Response> inFlight;
    Future<Void> closed;
    try (Sql.Lock frozen = Sql.lock(db, "threads")) {
      // a send stuck behind the lock keeps the node draining for as long as this test looks
      inFlight = CompletableFuture.supplyAsync(() -> sam.post("/api/threads", message));
      await().atMost(Duration.ofSeconds(20)).until(() -> Sql.count(db, "select count(*) from pg_stat_activity "
          + "where datname = current_database() and wait_event_type = 'Lock'") >= 1);

      closed = node.parley().close();

      Future<BridgeClient> socket = BridgeClient.connectAsync(clients, node.baseUrl(), Map.of("Cookie", "parley_session=" + sam.token()));
      await().atMost(Duration.ofSeconds(10)).until(socket::isComplete);
      assertThat(socket.cause()).as("a new WebSocket is refused").isInstanceOf(UpgradeRejectedException.class);
      assertThat(((UpgradeRejectedException) socket.cause()).getStatus()).isEqualTo(503);

      Api.Response handshake = node.api().get("/eventbus/info");
      assertThat(handshake.status()).as("a new SockJS session is refused: " + handshake).isEqualTo(503);
      assertThat(handshake.error()).isEqualTo("unavailable");
      assertThat(handshake.header("Retry-After")).isEqualTo("1");

      Api.Response refused = sam.post("/api/threads", message.copy().put("subject", "After the stop began"));
      assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
      assertThat(refused.error()).isEqualTo("unavailable");
      assertThat(refused.header("Retry-After")).as("a refusal that took nothing on: safe to send again elsewhere").isEqualTo("1");
    }

    assertThat(inFlight.join().status()).as("the send in flight is answered").isEqualTo(201);
    closed.await();
    assertThat(Sql.count(db, "select count(*) from threads where subject = 'After the stop began'")).isZero();
  }
}
