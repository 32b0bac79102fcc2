package dev.parley.auth;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * What the database keeps of two-factor sign-in: the TOTP secret (pending while enrolling, then
 * confirmed and never shown again), the last time step accepted (so a code works once), the
 * recovery codes (SHA-256, each spent once) and the sign-in tickets (the second step of a sign-in:
 * SHA-256, {@value #TICKET_MINUTES} minutes, one success, at most {@value #TICKET_FAILURES} wrong codes).
 */
final class TwoFactor {

  static final int TICKET_MINUTES = 5;
  static final int TICKET_FAILURES = 5;

  private static final String STATE = """
      select u.totp_secret, u.totp_pending_secret, u.totp_last_step, u.role, c.require_totp_for_staff
        from users u join companies c on c.id = u.company_id where u.id = $1""";
  private static final String START = "update users set totp_pending_secret = $2 where id = $1 and totp_secret is null returning id";
  private static final String CONFIRM = "update users set totp_secret = totp_pending_secret, totp_pending_secret = null, "
      + "totp_last_step = $3 where id = $1 and totp_pending_secret = $2 and totp_secret is null returning id";
  private static final String USE_STEP = "update users set totp_last_step = $2 where id = $1 and totp_last_step < $2 returning id";
  private static final String DISABLE = "update users set totp_secret = null, totp_pending_secret = null where id = $1";
  private static final String DELETE_CODES = "delete from totp_recovery_codes where user_id = $1";
  private static final String ADD_CODES = "insert into totp_recovery_codes (user_id, code_hash) select $1, unnest($2::bytea[])";
  private static final String USE_CODE = "update totp_recovery_codes set used_at = now() "
      + "where user_id = $1 and code_hash = $2 and used_at is null returning user_id";
  private static final String NEW_TICKET = "insert into sign_in_tickets (user_id, token_hash, expires_at) "
      + "values ($1, $2, now() + make_interval(mins => $3))";
  private static final String TICKET = "select user_id from sign_in_tickets where token_hash = $1 and used_at is null and expires_at > now()";
  private static final String SPEND_TICKET = "update sign_in_tickets set used_at = now() "
      + "where token_hash = $1 and used_at is null and expires_at > now() returning user_id";
  private static final String FAIL_TICKET = "update sign_in_tickets set failures = failures + 1, "
      + "used_at = case when failures + 1 >= $2 then now() end where token_hash = $1 and used_at is null";

  /** A person's second factor as stored, and whether their company requires one of them. */
  record State(String secret, String pendingSecret, long lastStep, boolean required) {
    boolean enabled() {
      return secret != null;
    }
  }

  /** What a second-factor code turned out to be. */
  enum Check { CODE, RECOVERY_CODE, WRONG }

  private final Pool pool;
  private final Totp totp;

  TwoFactor(Pool pool, Totp totp) {
    this.pool = pool;
    this.totp = totp;
  }

  Totp totp() {
    return totp;
  }

  /**
   * Checks a code typed by the person: six digits are a TOTP code (spent with its time step), anything
   * else a recovery code (spent at once).
   */
  Future<Check> check(UUID userId, String typed) {
    String code = typed.strip().replace(" ", "");
    return state(userId).compose(s -> {
      if (!s.enabled()) {
        return Future.succeededFuture(Check.WRONG);
      }
      if (Totp.looksLikeTotpCode(code)) {
        OptionalLong step = totp.matchingStep(s.secret(), code, s.lastStep());
        return step.isEmpty() ? Future.succeededFuture(Check.WRONG)
            : useStep(userId, step.getAsLong()).map(ok -> ok ? Check.CODE : Check.WRONG);
      }
      return useRecoveryCode(userId, code).map(ok -> ok ? Check.RECOVERY_CODE : Check.WRONG);
    });
  }

  Future<State> state(UUID userId) {
    return pool.preparedQuery(STATE).execute(Tuple.of(userId)).map(rows -> {
      Row r = rows.iterator().next();
      boolean staff = !"client".equals(r.getString("role")) && !"prospect".equals(r.getString("role"));
      return new State(r.getString("totp_secret"), r.getString("totp_pending_secret"), r.getLong("totp_last_step"),
          staff && Boolean.TRUE.equals(r.getBoolean("require_totp_for_staff")));
    });
  }

  /** Keeps a new pending secret; false when TOTP is already on. */
  Future<Boolean> start(UUID userId, String secret) {
    return pool.preparedQuery(START).execute(Tuple.of(userId, secret)).map(rows -> rows.size() == 1);
  }

  /** Turns the pending secret on with fresh recovery codes; false when it changed meanwhile. */
  Future<Boolean> confirm(UUID userId, String pendingSecret, long step, List<String> recoveryCodes) {
    Buffer[] hashes = recoveryCodes.stream().map(c -> Secrets.sha256(Totp.normalizeRecoveryCode(c))).toArray(Buffer[]::new);
    return pool.withTransaction(tx -> tx.preparedQuery(CONFIRM).execute(Tuple.of(userId, pendingSecret, step)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(false);
      }
      return tx.preparedQuery(DELETE_CODES).execute(Tuple.of(userId))
          .compose(v -> tx.preparedQuery(ADD_CODES).execute(Tuple.of(userId, (Object) hashes)))
          .map(v -> true);
    }));
  }

  /** Records that a code of {@code step} was used; false when one of that step (or later) already was. */
  Future<Boolean> useStep(UUID userId, long step) {
    return pool.preparedQuery(USE_STEP).execute(Tuple.of(userId, step)).map(rows -> rows.size() == 1);
  }

  /** Spends a recovery code; false when it is not one of the person's unused codes. */
  Future<Boolean> useRecoveryCode(UUID userId, String typed) {
    return pool.preparedQuery(USE_CODE).execute(Tuple.of(userId, Secrets.sha256(Totp.normalizeRecoveryCode(typed))))
        .map(rows -> rows.size() == 1);
  }

  Future<Void> disable(UUID userId) {
    return pool.withTransaction(tx -> tx.preparedQuery(DISABLE).execute(Tuple.of(userId))
        .compose(v -> tx.preparedQuery(DELETE_CODES).execute(Tuple.of(userId))).mapEmpty());
  }

  /** A new sign-in ticket for the person; answers the token (only its hash is kept). */
  Future<String> ticket(UUID userId) {
    String token = Secrets.randomToken();
    return pool.preparedQuery(NEW_TICKET).execute(Tuple.of(userId, Secrets.sha256(token), TICKET_MINUTES)).map(token);
  }

  /** The person a live ticket was handed to. */
  Future<Optional<UUID>> ticketHolder(String token) {
    return pool.preparedQuery(TICKET).execute(Tuple.of(Secrets.sha256(token)))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getUUID("user_id")));
  }

  /** Spends the ticket after a right code; false when it was spent meanwhile. */
  Future<Boolean> spendTicket(String token) {
    return pool.preparedQuery(SPEND_TICKET).execute(Tuple.of(Secrets.sha256(token))).map(rows -> rows.size() == 1);
  }

  /** Counts a wrong code against the ticket; the last allowed one spends it. */
  Future<Void> failTicket(String token) {
    return pool.preparedQuery(FAIL_TICKET).execute(Tuple.of(Secrets.sha256(token), TICKET_FAILURES)).mapEmpty();
  }
}
