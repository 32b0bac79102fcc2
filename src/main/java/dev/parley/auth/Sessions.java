package dev.parley.auth;

import dev.parley.directory.Role;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Server-side sessions: what makes logout, deactivation, idle timeout and absolute lifetime real. */
public final class Sessions {

  private static final String CREATE =
      "insert into sessions (user_id, expires_at) values ($1, now() + make_interval(secs => $2)) returning id";
  private static final String LOOKUP = """
      select s.id, s.user_id, s.last_seen_at, s.expires_at, s.revoked_at, now() as now,
             u.company_id, u.role, u.name, u.email, u.active
        from sessions s join users u on u.id = s.user_id
       where s.id = $1""";
  private static final String TOUCH = "update sessions set last_seen_at = now() where id = $1 and revoked_at is null";
  private static final String REVOKE =
      "update sessions set revoked_at = now() where id = $1 and revoked_at is null returning user_id";
  private static final String REVOKE_USER =
      "update sessions set revoked_at = now() where user_id = $1 and revoked_at is null";

  private final Pool pool;
  private final Duration idle;
  private final Duration maxLifetime;

  public Sessions(Pool pool, Duration idle, Duration maxLifetime) {
    this.pool = pool;
    this.idle = idle;
    this.maxLifetime = maxLifetime;
  }

  public Future<UUID> create(UUID userId) {
    return pool.preparedQuery(CREATE).execute(Tuple.of(userId, (double) maxLifetime.toSeconds()))
        .map(rows -> rows.iterator().next().getUUID("id"));
  }

  /** The live session's viewer, or null when it is unknown, revoked, idle too long, expired or its user inactive. */
  public Future<Live> find(UUID sessionId) {
    return pool.preparedQuery(LOOKUP).execute(Tuple.of(sessionId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      OffsetDateTime now = r.getOffsetDateTime("now");
      OffsetDateTime lastSeen = r.getOffsetDateTime("last_seen_at");
      boolean alive = r.getValue("revoked_at") == null
          && r.getOffsetDateTime("expires_at").isAfter(now)
          && lastSeen.plus(idle).isAfter(now)
          && Boolean.TRUE.equals(r.getBoolean("active"));
      if (!alive) {
        return null;
      }
      Viewer v = new Viewer(r.getUUID("user_id"), r.getUUID("company_id"), Role.parse(r.getString("role")),
          r.getString("name"), r.getString("email"), sessionId);
      boolean stale = Duration.between(lastSeen, now).toSeconds() >= 30;
      return new Live(v, stale);
    });
  }

  public Future<Void> touch(UUID sessionId) {
    return pool.preparedQuery(TOUCH).execute(Tuple.of(sessionId)).mapEmpty();
  }

  /** Ends one session; answers the user id it belonged to, or null. */
  public Future<UUID> revoke(UUID sessionId) {
    return pool.preparedQuery(REVOKE).execute(Tuple.of(sessionId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("user_id"));
  }

  /** Ends every session of a user (deactivation), inside the caller's transaction if given one. */
  public static Future<Void> revokeAll(SqlClient client, UUID userId) {
    return client.preparedQuery(REVOKE_USER).execute(Tuple.of(userId)).mapEmpty();
  }

  public Duration idle() {
    return idle;
  }

  public Duration maxLifetime() {
    return maxLifetime;
  }

  /** A session found alive; {@code stale} when its last-seen time is worth refreshing. */
  public record Live(Viewer viewer, boolean stale) {
  }
}
