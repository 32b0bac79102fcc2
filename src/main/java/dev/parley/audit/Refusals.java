package dev.parley.audit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refusals anyone can repeat at will (failed sign-ins, requests without a valid session, CSRF
 * refusals, a signed-in person's refused requests) are counted per action, source and window instead
 * of each writing a row: the first refusal of a window is written at once; the others are counted in
 * memory and written as one row carrying their count when the window closes (or at the next refusal
 * of that source after it). Whatever its rate, one source writes at most two rows per action and
 * window, and the rows' {@code detail.count} add up to the refusals. One per node, shared by its
 * event loops. A node that dies loses the counts of its open windows, never more.
 */
public final class Refusals {

  private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);
  /** Sources counted at once; past that, new sources share one window per action (memory stays bounded under a spread attack). */
  private static final int MAX_SOURCES = 10_000;
  /** How many distinct targets and details a summary names, and how long a target it keeps. */
  private static final int SAMPLES = 5;
  private static final int MAX_TARGET = 256;
  private static final String EVERY_OTHER_SOURCE = "*";
  private static final long SWEEP_MS = 1_000;

  private final SqlClient pool;
  private final Clock clock;
  private final long windowMillis;
  private final Map<Key, Window> windows = new ConcurrentHashMap<>();
  private Vertx vertx;
  private long timer = -1;

  public Refusals(SqlClient pool, Clock clock, Duration window) {
    this.pool = pool;
    this.clock = clock;
    this.windowMillis = Math.max(1_000, window.toMillis());
  }

  /** One refusal: what an audit row of it would hold. */
  public record Entry(UUID companyId, UUID actorId, String action, String target, JsonObject detail, String address) {
  }

  private record Key(String action, String source) {
  }

  /** Counts a refusal from {@code source} (a client address, a person): written now if it opens a window. */
  public void refused(String source, Entry refusal) {
    long now = clock.millis();
    // targets may be the caller's to choose (a path, an email): kept short
    Entry e = refusal.target() == null || refusal.target().length() <= MAX_TARGET ? refusal
        : new Entry(refusal.companyId(), refusal.actorId(), refusal.action(), refusal.target().substring(0, MAX_TARGET),
            refusal.detail(), refusal.address());
    Key key = new Key(e.action(), source);
    if (windows.size() >= MAX_SOURCES && !windows.containsKey(key)) {
      // the sweep frees room each second; until then, new sources are counted together
      key = new Key(e.action(), EVERY_OTHER_SOURCE);
    }
    List<Entry> due = new ArrayList<>(2);
    windows.compute(key, (k, w) -> {
      if (w != null && now - w.start < windowMillis) {
        w.add(e);
        return w;
      }
      if (w != null && w.count > 0) {
        due.add(w.summary(now));
      }
      due.add(new Entry(e.companyId(), e.actorId(), e.action(), e.target(), copy(e.detail()).put("count", 1), e.address()));
      return new Window(now, e, k.source().equals(EVERY_OTHER_SOURCE));
    });
    due.forEach(this::write);
  }

  /** Writes the summaries of the windows that have closed, every second from now on. */
  public void start(Vertx vertx) {
    this.vertx = vertx;
    this.timer = vertx.setPeriodic(SWEEP_MS, id -> sweep(clock.millis()));
  }

  /** Stops the sweep and writes the counts of every open window (the node is stopping). */
  public Future<Void> close() {
    if (vertx != null && timer != -1) {
      vertx.cancelTimer(timer);
    }
    List<Future<Void>> written = new ArrayList<>();
    long now = clock.millis();
    for (Key key : List.copyOf(windows.keySet())) {
      List<Entry> due = new ArrayList<>(1);
      windows.computeIfPresent(key, (k, w) -> {
        if (w.count > 0) {
          due.add(w.summary(now));
        }
        return null;
      });
      due.forEach(s -> written.add(record(s).recover(e -> Future.succeededFuture())));
    }
    return Future.join(written).mapEmpty();
  }

  private void sweep(long now) {
    for (Iterator<Map.Entry<Key, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
      Key key = it.next().getKey();
      List<Entry> due = new ArrayList<>(1);
      windows.computeIfPresent(key, (k, w) -> {
        if (now - w.start < windowMillis) {
          return w;
        }
        if (w.count > 0) {
          due.add(w.summary(now));
        }
        return null;
      });
      due.forEach(this::write);
    }
  }

  private void write(Entry e) {
    record(e).onFailure(x -> LOG.warn("audit entry {} not written: {}", e.action(), x.getMessage()));
  }

  private Future<Void> record(Entry e) {
    return Audit.record(pool, e.companyId(), e.actorId(), e.action(), e.target(), e.detail(), e.address());
  }

  private static JsonObject copy(JsonObject detail) {
    return detail == null ? new JsonObject() : detail.copy();
  }

  /** A window of one source: its first refusal (already written) and what came after it. Changed only under the map's lock. */
  private static final class Window {
    final long start;
    final Entry first;
    final boolean shared;
    int count;
    boolean sameActor = true;
    final Set<String> targets = new LinkedHashSet<>();
    final Set<JsonObject> details = new LinkedHashSet<>();
    int moreTargets;

    Window(long start, Entry first, boolean shared) {
      this.start = start;
      this.first = first;
      this.shared = shared;
    }

    void add(Entry e) {
      count++;
      sameActor &= Objects.equals(first.companyId(), e.companyId()) && Objects.equals(first.actorId(), e.actorId());
      if (e.target() != null && !targets.contains(e.target())) {
        if (targets.size() < SAMPLES) {
          targets.add(e.target());
        } else {
          moreTargets++;
        }
      }
      if (details.size() < SAMPLES) {
        details.add(copy(e.detail()));
      }
    }

    /** The row of the refusals counted after the first. */
    Entry summary(long now) {
      JsonObject detail = new JsonObject()
          .put("count", count)
          .put("from", Instant.ofEpochMilli(start).toString())
          .put("to", Instant.ofEpochMilli(now).toString())
          .put("targets", new JsonArray(new ArrayList<>(targets)))
          .put("details", new JsonArray(new ArrayList<>(details)));
      if (moreTargets > 0) {
        detail.put("moreTargets", moreTargets);
      }
      String target = targets.size() == 1 && moreTargets == 0 ? targets.iterator().next() : null;
      return new Entry(sameActor ? first.companyId() : null, sameActor ? first.actorId() : null, first.action(), target,
          detail, shared ? null : first.address());
    }
  }
}
