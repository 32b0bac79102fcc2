package dev.parley.messaging;

import dev.parley.Problem;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** The stored first answers of sends and replies made with an {@link IdempotencyKey}. */
final class IdempotencyKeys {

  /** How long a key is kept; the pruner removes older ones. */
  static final Duration KEPT = Duration.ofHours(24);

  /**
   * Stores the key with the answer about to be written, or finds the answer stored for it before: a
   * retry's row is answered as it is (the no-op update only makes it come back). A row written by a
   * transaction still open is waited for, so a duplicate in flight finds the first one's answer once
   * it commits, or stores its own if it rolled back.
   */
  private static final String CLAIM = """
      insert into idempotency_keys (user_id, key, request_hash, thread_id, message_id) values ($1, $2, $3, $4, $5)
      on conflict (user_id, key) do update set user_id = excluded.user_id
      returning request_hash, thread_id, message_id""";
  private static final String RELEASE = "delete from idempotency_keys where user_id = $1 and key = $2 and message_id = $3";
  private static final String PRUNE = """
      delete from idempotency_keys k using (
        select user_id, key from idempotency_keys where created_at < now() - make_interval(secs => $1)
         limit $2 for update skip locked
      ) old
      where k.user_id = old.user_id and k.key = old.key""";

  private IdempotencyKeys() {
  }

  /** The answer of an earlier request with the same key. */
  record Earlier(UUID threadId, UUID messageId) {
  }

  /**
   * Inside the write's transaction: claims {@code key} for the message about to be written (empty
   * answer: go ahead), or answers the earlier request's ids. 422 when the key came with another request.
   */
  static Future<Optional<Earlier>> claim(SqlConnection tx, UUID userId, IdempotencyKey key, UUID threadId, UUID messageId) {
    if (key == null) {
      return Future.succeededFuture(Optional.empty());
    }
    return tx.preparedQuery(CLAIM).execute(Tuple.of(userId, key.key(), key.requestHash(), threadId, messageId)).compose(rows -> {
      Row r = rows.iterator().next();
      if (messageId.equals(r.getUUID("message_id"))) {
        return Future.succeededFuture(Optional.empty());
      }
      if (!MessageDigest.isEqual(key.requestHash(), r.getBuffer("request_hash").getBytes())) {
        return Future.failedFuture(new Problem(422, "idempotency_key_reused",
            "this Idempotency-Key was used for a different request; use a new key for a new message"));
      }
      return Future.succeededFuture(Optional.of(new Earlier(r.getUUID("thread_id"), r.getUUID("message_id"))));
    });
  }

  /** Undoes {@link #claim} of a write that then refuses, so that it leaves nothing behind. */
  static Future<Void> release(SqlConnection tx, UUID userId, IdempotencyKey key, UUID messageId) {
    if (key == null) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(RELEASE).execute(Tuple.of(userId, key.key(), messageId)).mapEmpty();
  }

  /** Deletes up to {@code batch} keys older than {@link #KEPT}; answers how many. */
  static Future<Integer> prune(Pool pool, int batch) {
    return pool.preparedQuery(PRUNE).execute(Tuple.of((double) KEPT.toSeconds(), batch)).map(rows -> rows.rowCount());
  }
}
