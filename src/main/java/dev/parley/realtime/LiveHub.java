package dev.parley.realtime;

import dev.parley.Metrics;
import dev.parley.Topics;
import dev.parley.events.Change;
import dev.parley.events.Projection;
import dev.parley.events.Published;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The node's one consumer of the live feed: every write's change arrives here once (one clustered
 * registration per node, not one per socket), is decoded once, and is handed to each bridge of the
 * node on the bridge's own event loop, which writes it to the sockets of the people it concerns.
 */
public final class LiveHub {

  private static final Logger LOG = LoggerFactory.getLogger(LiveHub.class);

  private final Vertx vertx;
  private final Projection projection;
  private final List<Listener> bridges = new CopyOnWriteArrayList<>();
  /** Registered sockets on this node, per person (every bridge's together). */
  private final Map<UUID, Integer> registered = new ConcurrentHashMap<>();
  private final LiveMetrics metrics;
  private volatile boolean draining;

  public LiveHub(Vertx vertx, Projection projection, Metrics metrics) {
    this.vertx = vertx;
    this.projection = projection;
    this.metrics = new LiveMetrics(metrics);
    metrics.gauge("parley.live.sockets", "live sockets on this node registered for their person's changes", this, LiveHub::sockets);
  }

  /**
   * Registers the node's consumer; completes once the registration is active across the cluster. In a
   * cluster, a node that leaves it may have committed changes it never published: every socket here
   * is told to catch up then.
   */
  public Future<Void> start() {
    MessageConsumer<String> consumer = vertx.eventBus().consumer(Topics.CHANGES, m -> received(m.body()));
    MessageConsumer<String> departures = vertx.eventBus().localConsumer(Topics.NODE_LEFT, m -> {
      LOG.info("node {} left the cluster: the live sockets here catch up", m.body());
      bridges.forEach(b -> b.context.runOnContext(v -> b.catchUp.run()));
    });
    return Future.all(consumer.completion(), departures.completion()).mapEmpty();
  }

  Projection projection() {
    return projection;
  }

  LiveMetrics metrics() {
    return metrics;
  }

  /** A bridge's delivery, its cue to its sockets to catch up, and its drain, run on its context. */
  void add(Context context, Consumer<Published> deliver, Runnable catchUp, Function<Duration, Future<Drained>> drain) {
    bridges.add(new Listener(context, deliver, catchUp, drain));
  }

  /**
   * The node is stopping: every bridge refuses new sockets from now on, tells each of its sockets to
   * reconnect elsewhere ({@value LiveBridge#DRAINING}), and after {@code patience} closes those still
   * open. Completes once every bridge's sockets are gone.
   */
  public Future<Drained> drain(Duration patience) {
    draining = true;
    List<Future<Drained>> each = new ArrayList<>();
    for (Listener b : bridges) {
      Promise<Drained> done = Promise.promise();
      b.context.runOnContext(v -> b.drain.apply(patience).onComplete(done));
      each.add(done.future());
    }
    return Future.all(each).map(all -> {
      Drained sum = new Drained(0, 0, 0);
      for (Future<Drained> f : each) {
        sum = sum.plus(f.result());
      }
      return sum;
    });
  }

  /** Whether the node has begun to stop: new live sockets are refused. */
  boolean draining() {
    return draining;
  }

  /** A socket of the person registered (+1) or went away (-1) on one of this node's bridges. */
  void counted(UUID person, int delta) {
    registered.compute(person, (k, n) -> {
      int now = (n == null ? 0 : n) + delta;
      return now <= 0 ? null : now;
    });
  }

  /** Registered sockets on this node, everyone's (the {@code parley_live_sockets} gauge). */
  public int sockets() {
    return registered.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** How many of the person's sockets on this node receive their changes. */
  public int socketsOf(UUID person) {
    return registered.getOrDefault(person, 0);
  }

  private void received(String json) {
    Published change;
    try {
      JsonObject decoded = new JsonObject(json);
      change = new Published(Change.fromJson(decoded), LiveMetrics.committedNanos(decoded));
    } catch (RuntimeException e) {
      LOG.warn("ignored a malformed live change: {}", e.toString());
      return;
    }
    for (Listener b : bridges) {
      b.context.runOnContext(v -> b.deliver.accept(change));
    }
  }

  private record Listener(Context context, Consumer<Published> deliver, Runnable catchUp,
                          Function<Duration, Future<Drained>> drain) {
  }

  /**
   * What a drain did with the sockets it found: {@code told} to reconnect elsewhere, of which
   * {@code left} went by themselves in time; {@code closed} by the node (those that stayed, and those
   * not yet registered, which were closed at once).
   */
  public record Drained(int told, int left, int closed) {
    Drained plus(Drained other) {
      return new Drained(told + other.told, left + other.left, closed + other.closed);
    }
  }
}
