package dev.parley.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The machine's own limit without persistence: a tiny Vert.x server speaking the subset of Parley's
 * API and bridge frames the benchmark uses (sign-in, start thread, reply, mark read; raw WebSocket
 * with register/ping), keeping everything in memory. Each message is pushed straight to the
 * recipients' sockets, so the same load generator measures it the same way. Event ids are strings,
 * as in Parley's live frames.
 */
public final class FanoutServer extends VerticleBase {

  private static final Map<String, List<ServerWebSocket>> SOCKETS = new ConcurrentHashMap<>();
  private static final Map<String, List<String>> THREADS = new ConcurrentHashMap<>();
  private static final Map<String, String> SENDER_OF = new ConcurrentHashMap<>();
  private static final AtomicLong EVENT_IDS = new AtomicLong();

  private final int port;

  FanoutServer(int port) {
    this.port = port;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
    vertx.deployVerticle(() -> new FanoutServer(port), new DeploymentOptions().setInstances(loops)).await();
    System.out.println("fan-out baseline listening on " + port);
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1").setTcpNoDelay(true))
        .webSocketHandshakeHandler(h -> {
          if (h.path().equals(LiveSocket.PATH)) {
            h.accept();
          } else {
            h.reject(404);
          }
        })
        .webSocketHandler(this::socket)
        .requestHandler(req -> req.body().onSuccess(body -> handle(req, body.length() == 0 ? new JsonObject() : body.toJsonObject())))
        .listen();
  }

  private void socket(ServerWebSocket ws) {
    Set<String> registered = ConcurrentHashMap.newKeySet();
    ws.textMessageHandler(text -> {
      JsonObject f = new JsonObject(text);
      if ("register".equals(f.getString("type"))) {
        String address = f.getString("address");
        registered.add(address);
        SOCKETS.computeIfAbsent(address, k -> new CopyOnWriteArrayList<>()).add(ws);
        ws.writeTextMessage(new JsonObject().put("type", "rec").put("address", address)
            .put("body", new JsonObject().put("type", LiveSocket.SUBSCRIBED)).encode());
      }
    });
    ws.closeHandler(v -> registered.forEach(a -> {
      List<ServerWebSocket> l = SOCKETS.get(a);
      if (l != null) {
        l.remove(ws);
      }
    }));
  }

  private void handle(HttpServerRequest req, JsonObject body) {
    String path = req.path();
    String auth = req.getHeader("Authorization");
    String me = auth == null ? null : auth.substring("Bearer t-".length());
    if (path.equals("/health")) {
      req.response().end("{}");
    } else if (path.equals("/api/auth/login")) {
      String id = UUID.nameUUIDFromBytes(body.getString("email").getBytes(StandardCharsets.UTF_8)).toString();
      req.response().end(new JsonObject().put("token", "t-" + id).put("user", new JsonObject().put("id", id)).encode());
    } else if (path.equals("/api/threads")) {
      String threadId = UUID.randomUUID().toString();
      List<String> members = new CopyOnWriteArrayList<>();
      members.add(me);
      body.getJsonArray("to").forEach(o -> members.add((String) o));
      THREADS.put(threadId, members);
      String messageId = post(me, threadId, members, body.getString("bodyHtml"));
      req.response().setStatusCode(201).end(new JsonObject().put("thread", new JsonObject().put("id", threadId))
          .put("message", new JsonObject().put("id", messageId)).encode());
    } else if (path.startsWith("/api/threads/") && path.endsWith("/messages")) {
      String threadId = path.substring("/api/threads/".length(), path.length() - "/messages".length());
      String messageId = post(me, threadId, THREADS.get(threadId), body.getString("bodyHtml"));
      req.response().setStatusCode(201).end(new JsonObject().put("message", new JsonObject().put("id", messageId)).encode());
    } else if (path.startsWith("/api/threads/") && path.endsWith("/read")) {
      String threadId = path.substring("/api/threads/".length(), path.length() - "/read".length());
      JsonArray ids = body.getJsonArray("messageIds");
      for (Object id : ids) {
        // every reader's receipt goes to the sender, as Parley's does
        String sender = SENDER_OF.get((String) id);
        if (sender != null) {
          push(sender, "message.read", new JsonObject().put("threadId", threadId).put("messageId", id)
              .put("readerId", me).put("readAt", java.time.Instant.now().toString()));
        }
      }
      req.response().setStatusCode(204).end();
    } else {
      req.response().setStatusCode(404).end();
    }
  }

  private String post(String sender, String threadId, List<String> members, String html) {
    String messageId = UUID.randomUUID().toString();
    SENDER_OF.put(messageId, sender);
    JsonObject data = new JsonObject().put("id", messageId).put("threadId", threadId).put("bodyHtml", html)
        .put("sender", new JsonObject().put("id", sender));
    for (String m : members) {
      if (!m.equals(sender)) {
        push(m, "message.created", data);
      }
    }
    return messageId;
  }

  private static void push(String userId, String type, JsonObject data) {
    String address = "user." + userId;
    List<ServerWebSocket> sockets = SOCKETS.get(address);
    if (sockets == null || sockets.isEmpty()) {
      return;
    }
    String frame = new JsonObject().put("type", "rec").put("address", address)
        .put("body", new JsonObject().put("id", Long.toString(EVENT_IDS.incrementAndGet())).put("type", type)
            .put("data", data)).encode();
    for (ServerWebSocket ws : sockets) {
      ws.writeTextMessage(frame);
    }
  }
}
