package dev.parley.realtime;

import dev.parley.Topics;
import dev.parley.events.Change;
import dev.parley.events.Projection;
import dev.parley.events.Published;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

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
  private MessageConsumer<String> consumer;

  public LiveHub(Vertx vertx, Projection projection) {
    this.vertx = vertx;
    this.projection = projection;
  }

  /**
   * Registers the node's consumer; completes once the registration is active across the cluster. In a
   * cluster, a node that leaves it may have committed changes it never published: every socket here
   * is told to catch up then.
   */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(Topics.CHANGES, m -> received(m.body()));
    if (vertx instanceof VertxInternal internal && internal.clusterManager() instanceof HazelcastClusterManager hz) {
      hz.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent e) {
          // nothing to catch up on: a node that joins has published nothing yet
        }

        @Override
        public void memberRemoved(MembershipEvent e) {
          LOG.info("a node left the cluster: every live socket here catches up");
          cueAll();
        }
      });
    }
    return consumer.completion();
  }

  /** Tells every socket on this node to catch up (its bridge sends {@code live.subscribed} again). */
  void cueAll() {
    for (Listener b : bridges) {
      b.context.runOnContext(v -> b.cue.run());
    }
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  Projection projection() {
    return projection;
  }

  /** A bridge's delivery, run on its context. */
  void add(Context context, Consumer<Published> deliver, Runnable cue) {
    bridges.add(new Listener(context, deliver, cue));
  }

  /** A socket of the person registered (+1) or went away (-1) on one of this node's bridges. */
  void counted(UUID person, int delta) {
    registered.compute(person, (k, n) -> {
      int now = (n == null ? 0 : n) + delta;
      return now <= 0 ? null : now;
    });
  }

  /** How many of the person's sockets on this node receive their changes. */
  public int socketsOf(UUID person) {
    return registered.getOrDefault(person, 0);
  }

  /** Registered sockets on this node, everyone's. */
  public int sockets() {
    return registered.values().stream().mapToInt(Integer::intValue).sum();
  }

  private void received(String json) {
    Published change;
    try {
      change = new Published(Change.fromJson(new JsonObject(json)));
    } catch (RuntimeException e) {
      LOG.warn("ignored a malformed live change: {}", e.toString());
      return;
    }
    for (Listener b : bridges) {
      b.context.runOnContext(v -> b.deliver.accept(change));
    }
  }

  private record Listener(Context context, Consumer<Published> deliver, Runnable cue) {
  }
}
