package dev.parley.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.parley.realtime.LiveBridge;
import dev.parley.testing.CapturedLog;
import dev.parley.testing.Fixtures;
import dev.parley.testing.RawHttp;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Clients that go away before their answer or drop their connection: the logs tell the truth, and it is no error. */
class ClientsThatLeaveTest {

  static TestNode node;
  static Fixtures.Person staff;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    staff = node.fixtures().company("Acme Wealth").staff("Sam Staff");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aRequestWhoseClientLeftBeforeTheAnswerIsLoggedAsNeverAnswered() {
    String login = new JsonObject().put("email", staff.email()).put("password", Fixtures.PASSWORD).encode();
    try (CapturedLog access = CapturedLog.of("dev.parley.access", Level.INFO)) {
      // a sign-in writes a session row: with that table locked its answer cannot be sent yet
      node.whileSessionsTableLocked(() -> {
        try (RawHttp client = RawHttp.open(node.port())) {
          client.send("POST", "/api/auth/login", Map.of("Content-Type", "application/json"), login, true);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> lines(access, "POST /api/auth/login").size() == 1);
      });
      RawHttp.exchange(node.port(), "GET", "/health", Map.of(), null);
      await().atMost(Duration.ofSeconds(20)).until(() -> lines(access, "GET /health").size() == 1);

      assertThat(lines(access, "POST /api/auth/login").get(0)).matches("POST /api/auth/login - [0-9.]+ms client gone");
      assertThat(lines(access, "GET /health").get(0)).matches("GET /health 200 [0-9.]+ms");
    }
  }

  @Test
  void aBrowserThatDropsItsLiveConnectionIsLoggedAsAnOrdinaryDisconnectNotAnError() {
    String token = node.api().login(staff.email(), Fixtures.PASSWORD).token();
    try (CapturedLog everything = CapturedLog.of(Logger.ROOT_LOGGER_NAME, Level.WARN);
         CapturedLog live = CapturedLog.of(LiveBridge.class.getName(), Level.DEBUG)) {
      RawHttp socket = RawHttp.open(node.port());
      socket.send("GET", "/eventbus/websocket", Map.of("Upgrade", "websocket", "Connection", "Upgrade",
          "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version", "13",
          "Cookie", "parley_session=" + token), null, true);
      assertThat(socket.readHead()).startsWith("HTTP/1.1 101");
      socket.sendWebSocketText(new JsonObject().put("type", "register").put("address", "user." + staff.sid()).encode());
      assertThat(socket.readWebSocketText()).contains(LiveBridge.SUBSCRIBED);

      socket.reset();

      // the reset is reported once, at whatever level: by Parley, or by the bridge itself
      await().atMost(Duration.ofSeconds(20)).until(() -> !disconnects(live).isEmpty() || !everything.events().isEmpty());
      assertThat(everything.lines()).isEmpty();
      assertThat(disconnects(live).get(0).getLevel()).isEqualTo(Level.DEBUG);
    }
  }

  private static List<String> lines(CapturedLog log, String request) {
    return log.events().stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith(request + " ")).toList();
  }

  private static List<ILoggingEvent> disconnects(CapturedLog log) {
    return log.events().stream().filter(e -> e.getFormattedMessage().contains("closed by the client")).toList();
  }
}
