package dev.parley.realtime;

import dev.parley.Topics;
import dev.parley.testing.Api;
import dev.parley.testing.BridgeClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A browser's view of its live feed, following the documented contract: subscribe first; when the
 * subscription is confirmed, catch up with {@code GET /api/events?after=<last>}; apply events in id
 * order, drop any id already applied, and fetch again on a gap.
 */
final class LiveFeed implements AutoCloseable {

  private final Vertx vertx;
  private final String token;
  private final String userId;
  private final ExecutorService worker = Executors.newSingleThreadExecutor();
  private final List<JsonObject> applied = new ArrayList<>();
  private volatile long last;
  private volatile int duplicatesDropped;
  private volatile BridgeClient socket;
  private volatile Api.Session api;

  LiveFeed(Vertx vertx, Api.Session session) {
    this.vertx = vertx;
    this.token = session.token();
    this.userId = session.userId();
  }

  /** (Re)connects to a node: subscribe, then catch up once the subscription is confirmed. */
  void connect(String baseUrl) {
    api = new Api.Session(new Api(baseUrl), token, userId);
    BridgeClient s = BridgeClient.connect(vertx, baseUrl, token);
    s.onFrame(f -> worker.execute(() -> frame(f)));
    socket = s;
    s.register(Topics.USER_PREFIX + userId);
  }

  private void frame(JsonObject f) {
    if (!"rec".equals(f.getString("type")) || !(f.getValue("body") instanceof JsonObject body)) {
      return;
    }
    if (BridgeClient.SUBSCRIBED.equals(body.getString("type"))) {
      catchUp();
    } else if (body.containsKey("id")) {
      offer(body);
    }
  }

  private void offer(JsonObject event) {
    long id = event.getLong("id");
    if (id <= last) {
      duplicatesDropped++;
    } else if (id == last + 1) {
      applied.add(event);
      last = id;
    } else {
      catchUp();
      offer(event);
    }
  }

  private void catchUp() {
    boolean more = true;
    while (more) {
      Api.Response r = api.get("/api/events?after=" + last);
      if (r.status() != 200) {
        throw new IllegalStateException("catch-up failed: " + r);
      }
      r.json().getJsonArray("events").forEach(e -> {
        JsonObject event = (JsonObject) e;
        if (event.getLong("id") <= last) {
          duplicatesDropped++;
        } else {
          applied.add(event);
          last = event.getLong("id");
        }
      });
      more = r.json().getBoolean("more", false);
    }
  }

  /** Catches up now, as the browser does when it regains focus. */
  void refresh() {
    try {
      worker.submit(this::catchUp).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  long last() {
    return last;
  }

  int duplicatesDropped() {
    return duplicatesDropped;
  }

  BridgeClient socket() {
    return socket;
  }

  List<JsonObject> applied() {
    try {
      return worker.submit(() -> List.copyOf(applied)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      socket.close();
    }
    worker.shutdownNow();
  }
}
