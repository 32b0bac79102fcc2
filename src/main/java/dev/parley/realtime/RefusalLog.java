package dev.parley.realtime;

import dev.parley.audit.Audit;
import dev.parley.auth.Viewer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import io.vertx.sqlclient.Pool;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bridge's refusals (foreign origin, {@code not_logged_in}, {@code access_denied}, a rejected SEND
 * or PUBLISH), written to the audit log compacted: one {@value Audit#LIVE_REFUSED} row per source
 * address per window, with the count of each reason. A client that is refused in a loop therefore adds
 * one row a minute, not one per attempt. One per node, shared by the node's bridges.
 */
final class RefusalLog implements Shareable {

  static final Duration WINDOW = Duration.ofMinutes(1);
  /** Sources tallied per window; the rest are counted under one {@value #OTHERS} row. */
  static final int MAX_SOURCES = 10_000;
  static final String OTHERS = "others";

  private final Pool pool;
  private Map<String, Tally> window = new HashMap<>();

  private RefusalLog(Pool pool) {
    this.pool = pool;
  }

  /** The node's refusal log, created (with its periodic write) by the first bridge that asks. */
  static RefusalLog of(Vertx vertx, Pool pool) {
    return vertx.sharedData().<String, RefusalLog>getLocalMap("parley.live").computeIfAbsent("refusals", k -> {
      RefusalLog log = new RefusalLog(pool);
      vertx.setPeriodic(WINDOW.toMillis(), id -> log.flush());
      return log;
    });
  }

  /** Counts one refusal of {@code source} (a client address); {@code viewer} is null when unknown. */
  synchronized void refused(String source, Viewer viewer, String reason) {
    String key = source == null ? "unknown" : source;
    if (!window.containsKey(key) && window.size() >= MAX_SOURCES) {
      key = OTHERS;
    }
    window.computeIfAbsent(key, k -> new Tally()).add(viewer, reason);
  }

  /** Writes the window's rows, one per source, and starts a new window. */
  void flush() {
    Map<String, Tally> closed;
    synchronized (this) {
      if (window.isEmpty()) {
        return;
      }
      closed = window;
      window = new HashMap<>();
    }
    closed.forEach((source, t) -> Audit.log(pool, t.companyId, t.actorId, Audit.LIVE_REFUSED, "/eventbus",
        new JsonObject().put("count", t.count).put("reasons", new JsonObject(new TreeMap<>(t.reasons)))
            .put("windowSeconds", WINDOW.toSeconds()),
        source));
  }

  private static final class Tally {
    int count;
    final Map<String, Object> reasons = new HashMap<>();
    java.util.UUID companyId;
    java.util.UUID actorId;

    void add(Viewer viewer, String reason) {
      count++;
      reasons.merge(reason, 1, (a, b) -> (Integer) a + (Integer) b);
      if (viewer != null && actorId == null) {
        companyId = viewer.companyId();
        actorId = viewer.userId();
      }
    }
  }
}
