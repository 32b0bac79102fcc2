package dev.parley.realtime;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SockJS transports of the bridge. The browser's client library speaks SockJS framing over
 * {@code /eventbus/<server>/<session>/websocket}, whose transport strips Cookie from the request
 * before the bridge sees the socket: the session cookie must still sign it in. Where WebSocket does
 * not get through it falls back to XHR streaming and polling, which must work and keep the origin
 * check; the script and GET transports (JSONP, htmlfile, eventsource) carry the cookie without an
 * Origin and are not served at all.
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

  @Test
  void anXhrStreamSignsInWithTheCookieAndReceivesWhatIsSentToItsPerson() {
    Fixtures.Company co = node.fixtures().company("XHR Advisors");
    Fixtures.Person sam = co.staff("Sam Streaming");
    Fixtures.Person kim = co.client("Kim Client", sam);
    String token = kim.login(node.api()).token();
    String session = session();
    List<String> stream = new CopyOnWriteArrayList<>();
    HttpClientResponse opened = http().request(new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost")
            .setPort(node.port()).setURI(session + "/xhr_streaming").putHeader("Cookie", "parley_session=" + token))
        .compose(req -> req.send())
        .onSuccess(resp -> resp.handler(chunk -> stream.add(chunk.toString())))
        .await();
    assertThat(opened.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> String.join("", stream).contains("\no\n"));

    Api.Response sent = xhrSend(session, RawClient.register("user." + kim.sid(), true), Map.of());
    assertThat(sent.status()).as(sent.toString()).isEqualTo(204);
    await().atMost(Duration.ofSeconds(10)).until(() -> String.join("", stream).contains(LiveBridge.SUBSCRIBED));

    sam.login(node.api()).startThread("Your statement over XHR", "<p>Attached</p>", kim);
    await().atMost(Duration.ofSeconds(10)).until(() -> String.join("", stream).contains("Your statement over XHR"));
    assertThat(String.join("", stream)).contains("message.created");
  }

  @Test
  void anXhrPollOpensASessionAndASendWithoutACookieIsRefused() {
    Fixtures.Person cy = node.fixtures().company("XHR Partners").staff("Cy Polling");
    String session = session();
    try (RawClient open = RawClient.post(node.port(), session + "/xhr", null)) {
      assertThat(open.head).startsWith("HTTP/1.1 200");
      assertThat(open.readToEnd()).contains("o");
    }
    assertThat(xhrSend(session, RawClient.register("user." + cy.sid(), true), Map.of()).status()).isEqualTo(204);
    try (RawClient poll = RawClient.post(node.port(), session + "/xhr", null)) {
      assertThat(poll.readToEnd()).contains("not_logged_in");
    }
  }

  @Test
  void theScriptAndEventSourceTransportsAreNotServedAndOpenNoSession() {
    Fixtures.Person dee = node.fixtures().company("Script Partners").staff("Dee Script");
    String cookie = "parley_session=" + dee.login(node.api()).token();
    for (String transport : List.of("jsonp?c=callback", "htmlfile?c=callback", "eventsource")) {
      String session = session();
      Api.Response r = node.api().send("GET", session + "/" + transport, null, Map.of("Cookie", cookie));
      assertThat(r.status()).as(transport + ": " + r).isEqualTo(404);
      assertThat(r.body()).as(transport).doesNotContain("o\n").doesNotContain("callback(");
      // no session was opened under that id: a send to it finds nothing
      assertThat(xhrSend(session, RawClient.register("user." + dee.sid(), true), Map.of()).status())
          .as(transport).isEqualTo(404);
    }
  }

  @Test
  void xhrRequestsFromAnotherSiteAreRefused() {
    Fixtures.Person eve = node.fixtures().company("Foreign Partners").staff("Eve Elsewhere");
    String cookie = "parley_session=" + eve.login(node.api()).token();
    Map<String, String> foreign = Map.of("Cookie", cookie, "Origin", "https://evil.example");
    for (String transport : List.of("xhr_streaming", "xhr")) {
      Api.Response r = node.api().send("POST", session() + "/" + transport, "", foreign);
      assertThat(r.status()).as(transport + ": " + r).isEqualTo(403);
      assertThat(r.body()).doesNotContain("o\n");
    }
    String session = session();
    try (RawClient open = RawClient.post(node.port(), session + "/xhr", cookie)) {
      assertThat(open.readToEnd()).contains("o");
    }
    Api.Response send = xhrSend(session, RawClient.register("user." + eve.sid(), true), Map.of("Origin", "https://evil.example"));
    assertThat(send.status()).as(send.toString()).isEqualTo(403);
  }

  @Test
  void anOversizedXhrSendIsRefusedWith413() {
    String session = session();
    try (RawClient open = RawClient.post(node.port(), session + "/xhr", null)) {
      assertThat(open.readToEnd()).contains("o");
    }
    Api.Response r = xhrSend(session, "[\"" + "x".repeat(LiveBridge.MAX_SEND_BYTES) + "\"]", Map.of());
    assertThat(r.status()).as(r.toString()).isEqualTo(413);
    assertThat(r.json().getString("error")).isEqualTo("too_large");
  }

  private static String session() {
    return "/eventbus/000/" + UUID.randomUUID().toString().replace("-", "");
  }

  private static HttpClient http;

  private static HttpClient http() {
    if (http == null) {
      http = client.createHttpClient();
    }
    return http;
  }

  private static Api.Response xhrSend(String session, String frames, Map<String, String> headers) {
    Map<String, String> h = new java.util.HashMap<>(headers);
    h.put("Content-Type", "text/plain;charset=UTF-8");
    return node.api().send("POST", session + "/xhr_send", frames, h);
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
