package dev.parley.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A raw client of the live bridge over its plain WebSocket transport ({@code /eventbus/websocket}),
 * speaking the bridge's JSON frames as the browser library does: sends {@code register}, {@code ping},
 * anything else a test wants; keeps every frame received ({@code rec}, {@code err}).
 */
public final class BridgeClient implements AutoCloseable {

  /** The bridge closes a socket that has not pinged for 10 s; the browser library pings every 5 s. */
  private static final long PING_MS = 5_000;
  public static final String SUBSCRIBED = "live.subscribed";
  /** The body that tells a socket its node is stopping: connect again, elsewhere. */
  public static final String DRAINING = "server.draining";

  private static final Map<Vertx, WebSocketClient> CLIENTS = new ConcurrentHashMap<>();

  private final Vertx vertx;
  private final WebSocket ws;
  private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  private final long pinger;
  private volatile boolean closed;
  private volatile Consumer<JsonObject> listener = f -> { };

  private BridgeClient(Vertx vertx, WebSocket ws) {
    this.vertx = vertx;
    this.ws = ws;
    ws.binaryMessageHandler(this::frame);
    ws.textMessageHandler(t -> frame(Buffer.buffer(t)));
    ws.closeHandler(v -> closed = true);
    this.pinger = vertx.setPeriodic(PING_MS, id -> {
      if (!closed) {
        ws.writeTextMessage(new JsonObject().put("type", "ping").encode());
      }
    });
  }

  /** Connects as a browser holding the session cookie of {@code token}. */
  public static BridgeClient connect(Vertx vertx, String baseUrl, String token) {
    return connectAsync(vertx, baseUrl, Map.of("Cookie", "parley_session=" + token)).await();
  }

  /** Connects without any credentials. */
  public static BridgeClient anonymous(Vertx vertx, String baseUrl) {
    return connectAsync(vertx, baseUrl, Map.of()).await();
  }

  /** Connects with these request headers (Cookie, Authorization, Origin...). */
  public static Future<BridgeClient> connectAsync(Vertx vertx, String baseUrl, Map<String, String> headers) {
    URI base = URI.create(baseUrl);
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost(base.getHost())
        .setPort(base.getPort())
        .setURI("/eventbus/websocket");
    headers.forEach(options::putHeader);
    WebSocketClient client = CLIENTS.computeIfAbsent(vertx,
        v -> v.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(20_000)));
    return client.connect(options).map(ws -> new BridgeClient(vertx, ws));
  }

  private void frame(Buffer data) {
    JsonObject f = new JsonObject(data);
    frames.add(f);
    listener.accept(f);
  }

  /** Called for every frame received from now on (on a Vert.x thread). */
  public BridgeClient onFrame(Consumer<JsonObject> listener) {
    this.listener = listener;
    return this;
  }

  public BridgeClient register(String address) {
    return send(new JsonObject().put("type", "register").put("address", address));
  }

  public BridgeClient send(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
    return this;
  }

  /** Stops reading: what a browser on a stalled network looks like to the server. */
  public BridgeClient pause() {
    ws.pause();
    return this;
  }

  public BridgeClient resume() {
    ws.resume();
    return this;
  }

  public List<JsonObject> frames() {
    return List.copyOf(frames);
  }

  /** The bodies of the live events received (frames of type {@code rec} whose body has an id). */
  public List<JsonObject> events() {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject f : frames) {
      if ("rec".equals(f.getString("type")) && f.getValue("body") instanceof JsonObject b && b.containsKey("id")) {
        out.add(b);
      }
    }
    return out;
  }

  /** Whether the server confirmed the subscription (it is then active on every node). */
  public boolean subscribed() {
    return received(SUBSCRIBED);
  }

  /** The bodies of the error frames received, e.g. {@code access_denied}. */
  public List<String> errors() {
    List<String> out = new ArrayList<>();
    for (JsonObject f : frames) {
      if ("err".equals(f.getString("type"))) {
        out.add(f.getString("body"));
      }
    }
    return out;
  }

  public boolean closed() {
    return closed;
  }

  /** The WebSocket close status the server gave, or null while open (or when it gave none). */
  public Short closeStatus() {
    return closed ? ws.closeStatusCode() : null;
  }

  /** Whether a {@code rec} frame with a body of this type (one without an id, such as {@code live.subscribed}) came. */
  public boolean received(String type) {
    return frames.stream().anyMatch(f -> "rec".equals(f.getString("type"))
        && f.getValue("body") instanceof JsonObject b && type.equals(b.getString("type")));
  }

  @Override
  public void close() {
    vertx.cancelTimer(pinger);
    if (!closed) {
      ws.close();
    }
  }
}
