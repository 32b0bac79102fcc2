package dev.parley.auth;

import dev.parley.notify.Outbox;
import dev.parley.notify.PasswordLinkTokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * One-time links that set a password: "Forgot password?" (30 minutes) and the link an admin sends
 * (24 hours). A link is written with its email's outbox row in one transaction; the token (256 bits,
 * see {@link PasswordLinkTokens}) is kept only as its SHA-256. Using a link sets the password, retires
 * the person's other links and ends every session of theirs, in one transaction.
 */
final class PasswordLinks {

  static final Duration RESET_LIFETIME = Duration.ofMinutes(30);
  static final Duration SET_LIFETIME = Duration.ofHours(24);

  private static final String INSERT = "insert into password_links (id, user_id, token_hash, expires_at) "
      + "values ($1, $2, $3, now() + make_interval(secs => $4))";
  private static final String USE = "update password_links set used_at = now() "
      + "where token_hash = $1 and used_at is null and expires_at > now() returning user_id";
  private static final String RETIRE = "update password_links set used_at = now() where user_id = $1 and used_at is null";
  private static final String SET_PASSWORD = "update users set password_hash = $2, updated_at = now() "
      + "where id = $1 and active returning company_id, email";

  /** The person whose password a link set. */
  record Used(UUID userId, UUID companyId, String email) {
  }

  private final Pool pool;
  private final PasswordLinkTokens tokens;

  PasswordLinks(Pool pool, PasswordLinkTokens tokens) {
    this.pool = pool;
    this.tokens = tokens;
  }

  /** Writes a link and its email ({@code purpose} {@code reset} or {@code set}); the caller rings the outbox. */
  Future<Void> create(UUID companyId, UUID userId, String purpose, Duration lifetime) {
    UUID id = UUID.randomUUID();
    io.vertx.core.buffer.Buffer hash = Secrets.sha256(tokens.token(id));
    return pool.withTransaction(tx -> tx.preparedQuery(INSERT)
        .execute(Tuple.of(id, userId, hash, (double) lifetime.toSeconds()))
        .compose(v -> new Outbox().add(companyId, Outbox.PASSWORD_LINK, userId,
            new JsonObject().put("linkId", id.toString()).put("purpose", purpose)).write(tx)));
  }

  /**
   * Spends the link of {@code token} and sets the password to {@code passwordHash}: empty when the
   * link is unknown, used or expired, or its person deactivated.
   */
  Future<Optional<Used>> use(String token, String passwordHash) {
    return pool.withTransaction(tx -> tx.preparedQuery(USE).execute(Tuple.of(Secrets.sha256(token))).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(Optional.<Used>empty());
      }
      UUID userId = rows.iterator().next().getUUID("user_id");
      return tx.preparedQuery(SET_PASSWORD).execute(Tuple.of(userId, passwordHash)).compose(set -> {
        if (set.size() == 0) {
          return Future.succeededFuture(Optional.<Used>empty());
        }
        Row u = set.iterator().next();
        return tx.preparedQuery(RETIRE).execute(Tuple.of(userId))
            .compose(v -> Sessions.revokeAll(tx, userId))
            .map(v -> Optional.of(new Used(userId, u.getUUID("company_id"), u.getString("email"))));
      });
    }));
  }
}
