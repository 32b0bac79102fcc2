package dev.parley.realtime;

import dev.parley.Topics;
import dev.parley.testing.Api;
import dev.parley.testing.BridgeClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A browser's view of its live feed, following the documented contract: load state (here: take the
 * starting cursor from {@code GET /api/events}), subscribe, and on every {@code live.subscribed}
 * catch up from the stored cursor while {@code more}; apply live events at once; drop an event whose
 * id was applied already (ids are opaque strings, never compared for order); on {@code resync}
 * reload (here: note it) and continue from the cursor given; told {@code server.draining}, leave
 * that node and connect at once to the one the balancer names (when {@link #followDrains} is on).
 */
final class LiveFeed implements AutoCloseable {

  private final Vertx vertx;
  private final String token;
  private final String userId;
  private final ExecutorService worker = Executors.newSingleThreadExecutor();
  private final List<JsonObject> applied = new ArrayList<>();
  private final Set<String> seen = new HashSet<>();
  private volatile String cursor;
  private volatile int duplicatesDropped;
  private volatile int resyncs;
  private volatile int moves;
  private volatile int catchUpFailures;
  private volatile Supplier<String> elsewhere;
  private volatile BridgeClient socket;
  private volatile Api.Session api;

  LiveFeed(Vertx vertx, Api.Session session) {
    this.vertx = vertx;
    this.token = session.token();
    this.userId = session.userId();
  }

  /**
   * (Re)connects to a node: subscribe, then catch up on every confirmation. The first connect takes
   * the starting cursor first, as a browser does right after loading its state from the API.
   */
  void connect(String baseUrl) {
    api = new Api.Session(new Api(baseUrl), token, userId);
    if (cursor == null) {
      Api.Response r = api.get("/api/events");
      if (r.status() != 200) {
        throw new IllegalStateException("no starting cursor: " + r);
      }
      cursor = r.json().getString("cursor");
    }
    BridgeClient s = BridgeClient.connect(vertx, baseUrl, token);
    s.onFrame(f -> {
      if (!worker.isShutdown()) {
        worker.execute(() -> frame(f));
      }
    });
    socket = s;
    s.register(Topics.USER_PREFIX + userId);
  }

  /** From now on, told {@code server.draining}, the feed connects to the node {@code readyNode} answers. */
  void followDrains(Supplier<String> readyNode) {
    this.elsewhere = readyNode;
  }

  private void frame(JsonObject f) {
    if (!"rec".equals(f.getString("type")) || !(f.getValue("body") instanceof JsonObject body)) {
      return;
    }
    if (BridgeClient.SUBSCRIBED.equals(body.getString("type"))) {
      try {
        catchUpFromCursor();
      } catch (RuntimeException e) {
        // as the browser: the next cue (a reconnect's live.subscribed) tries again
        catchUpFailures++;
      }
    } else if (BridgeClient.DRAINING.equals(body.getString("type")) && elsewhere != null) {
      moves++;
      socket.close();
      connect(elsewhere.get());
    } else if (body.containsKey("id")) {
      apply(body);
    }
  }

  private void apply(JsonObject event) {
    if (seen.add(event.getString("id"))) {
      applied.add(event);
    } else {
      duplicatesDropped++;
    }
  }

  private void catchUpFromCursor() {
    cursor = catchUp(api, cursor, this::apply, () -> resyncs++);
  }

  /**
   * Catches up from {@code cursor} as the contract says: page after page while {@code more}, each
   * event handed to {@code apply}, a resync to {@code resync} (the caller reloads); answers the
   * cursor to continue from.
   */
  static String catchUp(Api.Session api, String cursor, Consumer<JsonObject> apply, Runnable resync) {
    boolean more = true;
    while (more) {
      Api.Response r = api.get("/api/events?after=" + cursor);
      if (r.status() != 200) {
        throw new IllegalStateException("catch-up failed: " + r);
      }
      JsonObject page = r.json();
      if (page.getBoolean("resync", false)) {
        resync.run();
      } else {
        page.getJsonArray("events").forEach(e -> apply.accept((JsonObject) e));
      }
      cursor = page.getString("cursor");
      more = page.getBoolean("more", false);
    }
    return cursor;
  }

  /** Catches up now, as the browser does when it regains focus. */
  void refresh() {
    try {
      worker.submit(this::catchUpFromCursor).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  String cursor() {
    return cursor;
  }

  int duplicatesDropped() {
    return duplicatesDropped;
  }

  int resyncs() {
    return resyncs;
  }

  /** How many times the feed was told to leave its node and connected elsewhere. */
  int moves() {
    return moves;
  }

  int catchUpFailures() {
    return catchUpFailures;
  }

  BridgeClient socket() {
    return socket;
  }

  /** The events applied, each once, in the order they were applied. */
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
