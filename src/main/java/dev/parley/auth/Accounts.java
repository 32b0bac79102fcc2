package dev.parley.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** What a person changes of their own account: profile and password. */
final class Accounts {

  private static final String PROFILE =
      "select name, time_zone, email_notifications from users where company_id = $1 and id = $2";
  private static final String SET_PROFILE = "update users set name = $3, time_zone = $4, email_notifications = $5, "
      + "updated_at = now() where company_id = $1 and id = $2";
  private static final String SET_PASSWORD = "update users set password_hash = $2, updated_at = now() where id = $1";

  /** A person's profile as the account screen shows it. */
  record Profile(String name, String timeZone, boolean emailNotifications) {
    static Profile fromRow(Row r) {
      return new Profile(r.getString("name"), r.getString("time_zone"), Boolean.TRUE.equals(r.getBoolean("email_notifications")));
    }

    JsonObject toJson() {
      return new JsonObject().put("name", name).put("timeZone", timeZone).put("emailNotifications", emailNotifications);
    }
  }

  private final Pool pool;

  Accounts(Pool pool) {
    this.pool = pool;
  }

  Future<Optional<Profile>> profile(UUID companyId, UUID userId) {
    return pool.preparedQuery(PROFILE).execute(Tuple.of(companyId, userId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Profile.fromRow(rows.iterator().next())));
  }

  Future<Void> setProfile(UUID companyId, UUID userId, Profile p) {
    return pool.preparedQuery(SET_PROFILE)
        .execute(Tuple.of(companyId, userId, p.name(), p.timeZone(), p.emailNotifications())).mapEmpty();
  }

  /** Sets the password and ends every other session of the person; answers the sessions ended. */
  Future<List<UUID>> changePassword(UUID userId, String hash, UUID keepSession) {
    return pool.withTransaction(tx -> tx.preparedQuery(SET_PASSWORD).execute(Tuple.of(userId, hash))
        .compose(v -> Sessions.revokeOthers(tx, userId, keepSession)));
  }

  /** Ends every session of the person. */
  Future<Void> endAllSessions(UUID userId) {
    return Sessions.revokeAll(pool, userId);
  }
}
