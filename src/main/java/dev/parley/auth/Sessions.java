package dev.parley.auth;

import dev.parley.Topics;
import dev.parley.directory.Role;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-side sessions: what makes logout, deactivation, idle timeout and absolute lifetime real.
 *
 * <p>One per node, shared by all its event loops. A session the database has just found alive is
 * remembered for a few seconds ({@code PARLEY_SESSION_MEMORY_SECONDS}, at most
 * {@value #MEMORY_CAPACITY} sessions), so the requests and live-socket connects that follow are
 * checked from memory, by the same rules: its absolute lifetime, and its idle time from a last-seen
 * kept in memory (and written to the database when the copy there is 30 s old, for the other nodes and
 * the live bridge's checks). Unknown, revoked or expired sessions are never remembered and always
 * reach the database. Ending sessions on this node forgets them before the caller answers
 * ({@link #revoke}; {@link #forgetUser} after {@link #revokeAll} commits); the other nodes forget them
 * when {@link Topics#SESSION_ENDED} or {@link Topics#USER_CHANGED} reaches them ({@link #listen}), and
 * at worst when their memory of the session runs out.
 */
public final class Sessions {

  /** The most sessions a node remembers; past that, lookups go to the database. */
  public static final int MEMORY_CAPACITY = 100_000;
  /** A request writes last-seen to the database when the database's copy is this old. */
  public static final Duration TOUCH_AFTER = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

  private static final String CREATE = "insert into sessions (user_id, expires_at, enrol_only) "
      + "values ($1, now() + make_interval(secs => $2), $3) returning id";
  private static final String LOOKUP = """
      select s.id, s.user_id, s.last_seen_at, s.expires_at, s.revoked_at, s.enrol_only, now() as now,
             u.company_id, u.role, u.name, u.email, u.active
        from sessions s join users u on u.id = s.user_id
       where s.id = $1""";
  private static final String TOUCH = "update sessions set last_seen_at = now() where id = $1 and revoked_at is null";
  private static final String REVOKE =
      "update sessions set revoked_at = now() where id = $1 and revoked_at is null returning user_id";
  private static final String REVOKE_USER =
      "update sessions set revoked_at = now() where user_id = $1 and revoked_at is null";
  private static final String REVOKE_OTHERS =
      "update sessions set revoked_at = now() where user_id = $1 and id <> $2 and revoked_at is null returning id";
  private static final String ENROLLED = "update sessions set enrol_only = false where user_id = $1 and enrol_only";

  private final Pool pool;
  private final Duration idle;
  private final Duration maxLifetime;
  private final SessionMemory memory;

  /** {@code memory} is how long a live session is answered from memory; zero asks the database every time. */
  public Sessions(Pool pool, Duration idle, Duration maxLifetime, Duration memory) {
    this.pool = pool;
    this.idle = idle;
    this.maxLifetime = maxLifetime;
    this.memory = new SessionMemory(memory.toNanos(), MEMORY_CAPACITY);
  }

  public Future<UUID> create(UUID userId) {
    return create(userId, false);
  }

  /**
   * A new session; {@code enrolOnly}: it may reach only the two-factor enrolment until its person has
   * enrolled (their company requires it), and {@link #find} does not count it as signed in.
   */
  public Future<UUID> create(UUID userId, boolean enrolOnly) {
    return pool.preparedQuery(CREATE).execute(Tuple.of(userId, (double) maxLifetime.toSeconds(), enrolOnly))
        .map(rows -> rows.iterator().next().getUUID("id"));
  }

  /**
   * The live session, or null when it is unknown, revoked, idle too long, expired, its user inactive,
   * or it may only enrol a second factor. Answered from memory when the database vouched for the
   * session moments ago.
   */
  public Future<Live> find(UUID sessionId) {
    return findAny(sessionId).map(live -> live == null || live.enrolOnly() ? null : live);
  }

  /** As {@link #find}, but also a session that may only enrol a second factor (see {@link Live#enrolOnly}). */
  public Future<Live> findAny(UUID sessionId) {
    long now = System.nanoTime();
    Live known = memory.recall(sessionId, now);
    if (known != null && known.alive(now, idle.toNanos())) {
      return Future.succeededFuture(known);
    }
    return lookup(sessionId);
  }

  private Future<Live> lookup(UUID sessionId) {
    long mark = memory.mark();
    long asked = System.nanoTime();
    return pool.preparedQuery(LOOKUP).execute(Tuple.of(sessionId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      OffsetDateTime now = r.getOffsetDateTime("now");
      OffsetDateTime lastSeen = r.getOffsetDateTime("last_seen_at");
      OffsetDateTime expires = r.getOffsetDateTime("expires_at");
      boolean alive = r.getValue("revoked_at") == null
          && expires.isAfter(now)
          && lastSeen.plus(idle).isAfter(now)
          && Boolean.TRUE.equals(r.getBoolean("active"));
      if (!alive) {
        return null;
      }
      Viewer v = new Viewer(r.getUUID("user_id"), r.getUUID("company_id"), Role.parse(r.getString("role")),
          r.getString("name"), r.getString("email"), sessionId);
      // the database's times on this node's clock, as of when it was asked: never later than the truth
      Live live = new Live(v, asked, asked + Duration.between(now, expires).toNanos(),
          asked - Duration.between(lastSeen, now).toNanos(), Boolean.TRUE.equals(r.getBoolean("enrol_only")));
      memory.remember(live, mark);
      return live;
    });
  }

  /**
   * Notes that the session was used for a request (not merely held by a live socket): keeps its
   * last-seen in memory, and writes it to the database when the copy there is {@link #TOUCH_AFTER} old.
   */
  public void seen(Live live) {
    if (live.seen(System.nanoTime(), TOUCH_AFTER.toNanos())) {
      pool.preparedQuery(TOUCH).execute(Tuple.of(live.viewer().sessionId()))
          .onFailure(e -> LOG.debug("last-seen of a session not written: {}", e.getMessage()));
    }
  }

  /** Ends one session and forgets it on this node; answers the user id it belonged to, or null. */
  public Future<UUID> revoke(UUID sessionId) {
    return pool.preparedQuery(REVOKE).execute(Tuple.of(sessionId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("user_id"))
        .andThen(ar -> memory.forget(sessionId));
  }

  /**
   * Ends every session of a user (deactivation), inside the caller's transaction if given one. The
   * caller calls {@link #forgetUser} once that has committed, before it answers.
   */
  public static Future<Void> revokeAll(SqlClient client, UUID userId) {
    return client.preparedQuery(REVOKE_USER).execute(Tuple.of(userId)).mapEmpty();
  }

  /**
   * Ends every session of a user but {@code keep}, inside the caller's transaction; answers the ones
   * ended, for {@link #announceEnded} once that has committed.
   */
  public static Future<List<UUID>> revokeOthers(SqlClient client, UUID userId, UUID keep) {
    return client.preparedQuery(REVOKE_OTHERS).execute(Tuple.of(userId, keep)).map(rows -> {
      List<UUID> ended = new ArrayList<>();
      rows.forEach(r -> ended.add(r.getUUID("id")));
      return ended;
    });
  }

  /** The user's sessions are signed in fully now that they enrolled a second factor. */
  public Future<Void> enrolled(UUID userId) {
    return pool.preparedQuery(ENROLLED).execute(Tuple.of(userId)).<Void>mapEmpty().andThen(ar -> forgetUser(userId));
  }

  /**
   * After commit: every session of the user ended. Forgets them here before the caller answers, and
   * tells every node, whose live bridge closes the user's sockets.
   */
  public void announceAllEnded(EventBus bus, UUID userId) {
    forgetUser(userId);
    bus.publish(Topics.SESSION_ENDED, new JsonObject().put("userId", userId.toString()));
  }

  /** After commit: these sessions of the user ended (as {@link #announceAllEnded}, one by one). */
  public void announceEnded(EventBus bus, UUID userId, List<UUID> sessionIds) {
    for (UUID id : sessionIds) {
      forget(id);
      bus.publish(Topics.SESSION_ENDED, new JsonObject().put("userId", userId.toString()).put("sessionId", id.toString()));
    }
  }

  /** Forgets one session on this node: its next use asks the database. */
  public void forget(UUID sessionId) {
    memory.forget(sessionId);
  }

  /** Forgets every session of a user on this node (ended, or the user's role, name or email changed). */
  public void forgetUser(UUID userId) {
    memory.forgetUser(userId);
  }

  /** How many sessions this node remembers. */
  public int remembered() {
    return memory.size();
  }

  /**
   * Forgets what any node announces: {@link Topics#SESSION_ENDED} (one session, or every session of
   * the user when it names none) and {@link Topics#USER_CHANGED}. Call once per node.
   */
  public Future<Void> listen(EventBus bus) {
    MessageConsumer<JsonObject> ended = bus.consumer(Topics.SESSION_ENDED, m -> forgetAnnounced(m.body(), true));
    MessageConsumer<JsonObject> changed = bus.consumer(Topics.USER_CHANGED, m -> forgetAnnounced(m.body(), false));
    return Future.all(ended.completion(), changed.completion()).mapEmpty();
  }

  private void forgetAnnounced(JsonObject body, boolean sessionNamed) {
    try {
      String session = sessionNamed ? body.getString("sessionId") : null;
      if (session != null) {
        forget(UUID.fromString(session));
      } else {
        forgetUser(UUID.fromString(body.getString("userId")));
      }
    } catch (RuntimeException e) {
      LOG.warn("ignored a malformed session notice: {}", e.getMessage());
    }
  }

  public Duration idle() {
    return idle;
  }

  public Duration maxLifetime() {
    return maxLifetime;
  }

  /**
   * A session found alive, as remembered: when the database last vouched for it, when it ends, when
   * it was last used, and when its last use was last written to the database (times of
   * {@link System#nanoTime}). Safe to share between event loops.
   */
  public static final class Live {
    private final Viewer viewer;
    private final long checkedAt;
    private final long endsAt;
    private final AtomicLong lastSeen;
    private final AtomicLong lastWritten;
    private final boolean enrolOnly;

    Live(Viewer viewer, long checkedAt, long endsAt, long lastSeen, boolean enrolOnly) {
      this.viewer = viewer;
      this.enrolOnly = enrolOnly;
      this.checkedAt = checkedAt;
      this.endsAt = endsAt;
      this.lastSeen = new AtomicLong(lastSeen);
      this.lastWritten = new AtomicLong(lastSeen);
    }

    public Viewer viewer() {
      return viewer;
    }

    /** The session may reach only the two-factor enrolment (its company requires a second factor). */
    public boolean enrolOnly() {
      return enrolOnly;
    }

    long checkedAt() {
      return checkedAt;
    }

    /** The same rule as the database lookup: before its absolute end, and used within {@code idle}. */
    boolean alive(long now, long idle) {
      return now - endsAt < 0 && now - lastSeen.get() < idle;
    }

    /** Records a use; true when this use should be written to the database (once per interval). */
    boolean seen(long now, long touchAfter) {
      lastSeen.accumulateAndGet(now, (a, b) -> a - b < 0 ? b : a);
      long written = lastWritten.get();
      return now - written >= touchAfter && lastWritten.compareAndSet(written, now);
    }
  }
}
