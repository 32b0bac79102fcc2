package dev.parley.inbound;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/** The SQL of inbound mail, in one place. */
final class InboundStore {

  /** A claim older than this belongs to a worker that died while posting. */
  static final int CLAIM_STALE_SECONDS = 60;
  /** How long an address that was told "not delivered" is not told again. */
  static final int REFUSAL_QUIET_MINUTES = 15;

  private static final String RECIPIENT = """
      select u.email, u.name, u.role, u.active, c.convenience_mode,
             exists (select 1 from thread_participants tp
                      where tp.thread_id = $3 and tp.user_id = u.id and tp.left_at is null) as on_thread
        from users u join companies c on c.id = u.company_id
       where u.id = $1 and u.company_id = $2""";
  private static final String USER_BY_EMAIL = "select id, company_id from users where email = $1 and active";
  private static final String USER_BY_EMAIL_IN = "select id from users where email = $1 and company_id = $2 and active";

  private static final String CLAIM = """
      insert into inbound_emails (company_id, message_key, raw_hash, status, channel, user_id, thread_id)
      values ($1, $2, $3, 'claimed', $4, $5, $6)
      on conflict (company_id, message_key) do nothing
      returning claimed_at""";
  private static final String EXISTING = """
      select status, claimed_at,
             claimed_at < now() - make_interval(secs => $3::int) or (channel = 'imap' and $4 = 'imap') as stale
        from inbound_emails where company_id = $1 and message_key = $2 for update""";
  private static final String RECLAIM = """
      update inbound_emails set claimed_at = now(), channel = $3 where company_id = $1 and message_key = $2""";
  private static final String POSTED_SINCE = """
      select id from messages
       where thread_id = $1 and sender_id = $2 and source = 'email' and created_at >= $3::timestamptz - interval '5 minutes' and body_text = $4
       order by created_at limit 1""";
  private static final String FINISH = """
      update inbound_emails set status = 'posted', message_id = $3, done_at = now()
       where company_id = $1 and message_key = $2""";
  private static final String RELEASE = """
      delete from inbound_emails where company_id = $1 and message_key = $2 and status = 'claimed'""";
  private static final String RECORD_REFUSAL = """
      insert into inbound_emails (company_id, message_key, raw_hash, status, channel, user_id, thread_id, reason, done_at)
      values ($1, $2, $3, 'refused', $4, $5, $6, $7, now())
      on conflict (company_id, message_key) do nothing
      returning 1""";
  private static final String THROTTLE_REFUSAL = """
      insert into inbound_refusals (address, last_sent_at) values ($1, now())
      on conflict (address) do update set last_sent_at = now()
       where inbound_refusals.last_sent_at < now() - make_interval(mins => $2::int)
      returning 1""";

  private static final String SEEN_SIGNATURE = """
      insert into inbound_webhook_signatures (signature) values ($1) on conflict do nothing returning 1""";
  private static final String FORGET_SIGNATURE = "delete from inbound_webhook_signatures where signature = $1";
  private static final String FORGET_SIGNATURES = "delete from inbound_webhook_signatures where seen_at < now() - make_interval(secs => $1::int)";

  private static final String MAILBOX = "select uid_validity, last_uid from inbound_mailboxes where mailbox = $1";
  private static final String SAVE_MAILBOX = """
      insert into inbound_mailboxes (mailbox, uid_validity, last_uid, updated_at) values ($1, $2, $3, now())
      on conflict (mailbox) do update set uid_validity = excluded.uid_validity, last_uid = excluded.last_uid, updated_at = now()
       where inbound_mailboxes.uid_validity <> excluded.uid_validity or inbound_mailboxes.last_uid < excluded.last_uid""";

  private static final String TRY_LOCK = "select pg_try_advisory_lock($1) as locked";
  private static final String UNLOCK = "select pg_advisory_unlock($1)";

  private InboundStore() {
  }

  /** The person a reply token names, with what decides whether their reply may be posted. */
  record Recipient(String email, String name, String role, boolean active, boolean convenienceMode, boolean onThread) {
    static Recipient fromRow(Row r) {
      return new Recipient(r.getString("email"), r.getString("name"), r.getString("role"),
          Boolean.TRUE.equals(r.getBoolean("active")), Boolean.TRUE.equals(r.getBoolean("convenience_mode")),
          Boolean.TRUE.equals(r.getBoolean("on_thread")));
    }
  }

  static Future<Optional<Recipient>> recipient(SqlClient c, UUID userId, UUID companyId, UUID threadId) {
    return c.preparedQuery(RECIPIENT).execute(Tuple.of(userId, companyId, threadId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Recipient.fromRow(rows.iterator().next())));
  }

  /** An active user with this address: its id and company. */
  record Known(UUID userId, UUID companyId) {
  }

  static Future<Optional<Known>> userByEmail(SqlClient c, String email) {
    return c.preparedQuery(USER_BY_EMAIL).execute(Tuple.of(email))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(new Known(rows.iterator().next().getUUID("id"), rows.iterator().next().getUUID("company_id"))));
  }

  static Future<UUID> userByEmailIn(SqlClient c, String email, UUID companyId) {
    return c.preparedQuery(USER_BY_EMAIL_IN).execute(Tuple.of(email, companyId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("id"));
  }

  /** How a claim on an email went. */
  enum ClaimState { FRESH, TAKEN_OVER, DONE, BUSY }

  record Claim(ClaimState state, OffsetDateTime since) {
  }

  /**
   * Inside a transaction: claims the email for posting, or says who has it. A claim is stale when it is
   * older than {@link #CLAIM_STALE_SECONDS}, or when it was made over IMAP and IMAP asks again: only the
   * one lock holder reads the mailbox, one email at a time, so such a claim was left by a reader that died.
   */
  static Future<Claim> claim(SqlClient tx, UUID companyId, String key, String rawHash, String channel, UUID userId, UUID threadId) {
    return tx.preparedQuery(CLAIM).execute(Tuple.of(companyId, key, rawHash, channel, userId, threadId)).compose(rows -> {
      if (rows.size() > 0) {
        return Future.succeededFuture(new Claim(ClaimState.FRESH, rows.iterator().next().getOffsetDateTime("claimed_at")));
      }
      return tx.preparedQuery(EXISTING).execute(Tuple.of(companyId, key, CLAIM_STALE_SECONDS, channel)).compose(existing -> {
        if (existing.size() == 0) {
          return Future.succeededFuture(new Claim(ClaimState.BUSY, null));
        }
        Row r = existing.iterator().next();
        if (!"claimed".equals(r.getString("status"))) {
          return Future.succeededFuture(new Claim(ClaimState.DONE, null));
        }
        if (!Boolean.TRUE.equals(r.getBoolean("stale"))) {
          return Future.succeededFuture(new Claim(ClaimState.BUSY, null));
        }
        OffsetDateTime since = r.getOffsetDateTime("claimed_at");
        return tx.preparedQuery(RECLAIM).execute(Tuple.of(companyId, key, channel))
            .map(v -> new Claim(ClaimState.TAKEN_OVER, since));
      });
    });
  }

  /** After a claim was taken over: the reply a dead worker may already have posted. */
  static Future<UUID> postedSince(SqlClient c, UUID threadId, UUID userId, OffsetDateTime since, String text) {
    return c.preparedQuery(POSTED_SINCE).execute(Tuple.of(threadId, userId, since, text))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("id"));
  }

  static Future<Void> finish(SqlClient c, UUID companyId, String key, UUID messageId) {
    return c.preparedQuery(FINISH).execute(Tuple.of(companyId, key, messageId)).mapEmpty();
  }

  static Future<Void> release(SqlClient c, UUID companyId, String key) {
    return c.preparedQuery(RELEASE).execute(Tuple.of(companyId, key)).mapEmpty();
  }

  /** Inside a transaction: records a refused email; false when it was already recorded. */
  static Future<Boolean> recordRefusal(SqlClient tx, UUID companyId, String key, String rawHash, String channel, UUID userId,
                                       UUID threadId, String reason) {
    return tx.preparedQuery(RECORD_REFUSAL).execute(Tuple.of(companyId, key, rawHash, channel, userId, threadId, reason))
        .map(rows -> rows.size() > 0);
  }

  /** Inside a transaction: true when this address may be told now (and starts its quiet period). */
  static Future<Boolean> mayTell(SqlClient tx, String address) {
    return tx.preparedQuery(THROTTLE_REFUSAL).execute(Tuple.of(address, REFUSAL_QUIET_MINUTES)).map(rows -> rows.size() > 0);
  }

  /** True the first time a webhook signature is seen; old ones are forgotten along the way. */
  static Future<Boolean> firstSighting(SqlClient c, String signature, int keepSeconds) {
    return c.preparedQuery(FORGET_SIGNATURES).execute(Tuple.of(keepSeconds))
        .compose(v -> c.preparedQuery(SEEN_SIGNATURE).execute(Tuple.of(signature)))
        .map(rows -> rows.size() > 0);
  }

  /** Lets a request that could not be taken be sent again with the same signature. */
  static Future<Void> forgetSignature(SqlClient c, String signature) {
    return c.preparedQuery(FORGET_SIGNATURE).execute(Tuple.of(signature)).mapEmpty();
  }

  /** Where the reader of a mailbox stands. */
  record Position(long uidValidity, long lastUid) {
  }

  static Future<Optional<Position>> position(SqlClient c, String mailbox) {
    return c.preparedQuery(MAILBOX).execute(Tuple.of(mailbox)).map(rows -> rows.size() == 0 ? Optional.empty()
        : Optional.of(new Position(rows.iterator().next().getLong("uid_validity"), rows.iterator().next().getLong("last_uid"))));
  }

  static Future<Void> savePosition(SqlClient c, String mailbox, Position p) {
    return c.preparedQuery(SAVE_MAILBOX).execute(Tuple.of(mailbox, p.uidValidity(), p.lastUid())).mapEmpty();
  }

  /** On a connection of its own: true when this session now holds the mailbox's advisory lock. */
  static Future<Boolean> tryLock(SqlClient c, long key) {
    return c.preparedQuery(TRY_LOCK).execute(Tuple.of(key)).map(rows -> Boolean.TRUE.equals(rows.iterator().next().getBoolean("locked")));
  }

  static Future<Void> unlock(SqlClient c, long key) {
    return c.preparedQuery(UNLOCK).execute(Tuple.of(key)).mapEmpty();
  }

}
