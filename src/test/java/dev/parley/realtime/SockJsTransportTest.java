package dev.parley.realtime;

import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * The browser's client library speaks SockJS framing over {@code /eventbus/<server>/<session>/websocket},
 * whose transport strips Cookie from the request before the bridge sees the socket: the session
 * cookie must still sign it in.
 */
class SockJsTransportTest {

  static TestNode node;
  static Vertx client;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    client.close().await();
    node.close();
  }

  @Test
  void aSessionCookieSignsInASocketOnTheSockJsWebSocketTransport() {
    Fixtures.Person sam = node.fixtures().company("SockJS Advisors").staff("Sam Socket");
    String token = sam.login(node.api()).token();
    List<String> frames = open("parley_session=" + token);
    send(frames, "user." + sam.sid());
    await().atMost(Duration.ofSeconds(10)).until(() -> frames.stream().anyMatch(f -> f.contains("live.subscribed")));
  }

  @Test
  void withoutACookieTheRegistrationIsRefused() {
    Fixtures.Person cy = node.fixtures().company("SockJS Partners").staff("Cy Socket");
    List<String> frames = open(null);
    send(frames, "user." + cy.sid());
    await().atMost(Duration.ofSeconds(10)).until(() -> frames.stream().anyMatch(f -> f.contains("not_logged_in")));
  }

  private final List<WebSocket> sockets = new CopyOnWriteArrayList<>();

  private List<String> open(String cookie) {
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost("localhost").setPort(node.port()).setURI("/eventbus/000/" + Long.toHexString(System.nanoTime()) + "/websocket");
    if (cookie != null) {
      options.putHeader("Cookie", cookie);
    }
    List<String> frames = new CopyOnWriteArrayList<>();
    // The handler is set on the event loop as the socket opens, so the "o" frame cannot slip past it.
    WebSocket ws = client.createWebSocketClient().connect(options).map(s -> s.textMessageHandler(frames::add)).await();
    sockets.add(ws);
    await().atMost(Duration.ofSeconds(10)).until(() -> frames.contains("o"));
    return frames;
  }

  private void send(List<String> frames, String address) {
    WebSocket ws = sockets.get(sockets.size() - 1);
    JsonObject register = new JsonObject().put("type", "register").put("address", address);
    ws.writeTextMessage(new JsonArray().add(register.encode()).encode());
  }
}
