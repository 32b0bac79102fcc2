package dev.parley.bench;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/**
 * One browser's live connection, reduced to what the benchmark needs: the bridge's raw WebSocket
 * transport ({@code /eventbus/websocket}), authenticated by bearer token on the upgrade, registered
 * on the person's own address. Frames arrive as text ({@code {"type":"rec","address",...,"body"}}).
 */
final class LiveSocket {

  static final String PATH = "/eventbus/websocket";
  static final String SUBSCRIBED = "live.subscribed";
  private static final String PING = new JsonObject().put("type", "ping").encode();

  private final WebSocket ws;

  private LiveSocket(WebSocket ws) {
    this.ws = ws;
  }

  /**
   * Connects, registers on {@code user.<userId>} and hands every frame to {@code frames}. Completes
   * when the bridge says the subscription is active ({@code live.subscribed}), so that nothing sent
   * afterwards can miss this socket.
   */
  static Future<LiveSocket> open(WebSocketClient client, String host, int port, String token, String userId,
                                 Handler<String> frames, Handler<Throwable> closed) {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(host).setPort(port).setURI(PATH)
        .setTimeout(30_000)
        .putHeader("Authorization", "Bearer " + token);
    return client.connect(o).compose(ws -> {
      Promise<LiveSocket> subscribed = Promise.promise();
      LiveSocket socket = new LiveSocket(ws);
      Handler<String> in = frame -> {
        if (!subscribed.future().isComplete()) {
          if (frame.contains(SUBSCRIBED)) {
            subscribed.tryComplete(socket);
            return;
          }
          if (frame.contains("\"type\":\"err\"")) {
            subscribed.tryFail("the bridge refused the registration: " + frame);
          }
        }
        frames.handle(frame);
      };
      ws.textMessageHandler(in);
      ws.binaryMessageHandler(b -> in.handle(b.toString()));
      ws.exceptionHandler(closed);
      ws.closeHandler(v -> subscribed.tryFail("the bridge closed the socket before the subscription was active"));
      ws.writeTextMessage(new JsonObject().put("type", "register").put("address", "user." + userId).encode());
      return subscribed.future().timeout(60, TimeUnit.SECONDS);
    });
  }

  /** The bridge drops a socket that has not pinged for a while; the caller pings every few seconds. */
  void ping() {
    if (!ws.isClosed()) {
      ws.writeTextMessage(PING);
    }
  }

  boolean isOpen() {
    return !ws.isClosed();
  }

  Future<Void> close() {
    return ws.isClosed() ? Future.succeededFuture() : ws.close();
  }
}
