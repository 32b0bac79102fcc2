package dev.parley.realtime;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Which of many sessions are still alive, in one query: the same rule as
 * {@link dev.parley.auth.Sessions#find} (not revoked, not past its lifetime, not idle too long, its
 * user active). A live socket does not count as activity, so an idle browser is still logged off.
 */
final class SessionWatch {

  private static final String ALIVE = """
      select s.id from sessions s join users u on u.id = s.user_id
       where s.id = any($1::uuid[]) and s.revoked_at is null and s.expires_at > now()
         and s.last_seen_at + make_interval(secs => $2) > now() and u.active""";

  private final Pool pool;
  private final Duration idle;

  SessionWatch(Pool pool, Duration idle) {
    this.pool = pool;
    this.idle = idle;
  }

  Future<Set<UUID>> alive(Collection<UUID> sessionIds) {
    if (sessionIds.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return pool.preparedQuery(ALIVE)
        .execute(Tuple.of(sessionIds.toArray(new UUID[0]), (double) idle.toSeconds()))
        .map(rows -> {
          Set<UUID> alive = new HashSet<>();
          for (Row r : rows) {
            alive.add(r.getUUID("id"));
          }
          return alive;
        });
  }
}
