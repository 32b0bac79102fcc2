package dev.parley.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.UUID;

/**
 * The append-only audit log: who did what to which record, from which client address, never message
 * bodies. The table refuses UPDATE, DELETE and TRUNCATE, and the role Parley runs as may only insert
 * and read it. Refusals anyone can repeat go through {@link Refusals}, which counts them.
 */
public final class Audit {

  private static final Logger LOG = LoggerFactory.getLogger(Audit.class);

  public static final String SIGN_IN = "auth.sign_in";
  public static final String SIGN_IN_FAILED = "auth.sign_in_failed";
  public static final String SIGN_OUT = "auth.sign_out";
  /** A request without a valid token or session (401); counted per client address, see {@link Refusals}. */
  public static final String UNAUTHENTICATED = "auth.unauthenticated";
  /** A cookie-authenticated write refused by the CSRF defence; counted per client address. */
  public static final String CSRF_REFUSED = "auth.csrf_refused";
  public static final String REFUSED = "access.refused";
  public static final String USER_CREATED = "directory.user_created";
  public static final String USER_UPDATED = "directory.user_updated";
  public static final String GROUP_CHANGED = "directory.group_changed";
  public static final String MESSAGE_SENT = "messaging.message_sent";
  public static final String MARKED_READ = "messaging.marked_read";
  public static final String THREAD_LEFT = "messaging.thread_left";
  public static final String CANNED_RESPONSE_CREATED = "messaging.canned_response_created";
  public static final String CANNED_RESPONSE_UPDATED = "messaging.canned_response_updated";
  public static final String CANNED_RESPONSE_DELETED = "messaging.canned_response_deleted";
  /** How a {@link #MESSAGES_DELIVERED} delivery went out: see {@link #messagesDelivered}. */
  public static final String VIA_EVENTS = "events";
  public static final String VIA_LIVE = "live";
  public static final String THREAD_VIEWED = "messaging.thread_viewed";
  /** A thread exported (as a PDF): who, which thread, when, how many messages it held. */
  public static final String THREAD_EXPORTED = "messaging.thread_exported";
  public static final String MESSAGES_DELIVERED = "messaging.messages_delivered";
  public static final String SETTINGS_CHANGED = "settings.changed";
  public static final String INBOUND_ACCEPTED = "inbound.accepted";
  public static final String INBOUND_REFUSED = "inbound.refused";
  public static final String EMAIL_RESENT = "notify.email_resent";
  /** Refusals of the live bridge, compacted per source address and window. */
  public static final String LIVE_REFUSED = "live.refused";

  private static final String INSERT =
      "insert into audit_log (company_id, actor_id, action, target, detail, address) values ($1, $2, $3, $4, $5, $6)";

  private Audit() {
  }

  /** Writes one entry with the given client (a pool, or a transaction's connection). */
  public static Future<Void> record(SqlClient client, UUID companyId, UUID actorId, String action, String target,
                                    JsonObject detail, String address) {
    return client.preparedQuery(INSERT)
        .execute(Tuple.of(companyId, actorId, action, target, detail == null ? new JsonObject() : detail, address))
        .mapEmpty();
  }

  /**
   * The detail of a {@link #MESSAGES_DELIVERED} entry: {@code {"messageIds":[...], "via":"events"|"live"}}
   * (one entry per delivery, naming every message whose content it carried).
   */
  public static JsonObject messagesDelivered(Collection<?> messageIds, String via) {
    JsonArray ids = new JsonArray(new ArrayList<>(messageIds.size()));
    messageIds.forEach(id -> ids.add(id.toString()));
    return new JsonObject().put("messageIds", ids).put("via", via);
  }

  /** Writes an entry outside any transaction; a failure is logged, never shown to the caller. */
  public static void log(SqlClient client, UUID companyId, UUID actorId, String action, String target,
                         JsonObject detail, String address) {
    record(client, companyId, actorId, action, target, detail, address)
        .onFailure(e -> LOG.warn("audit entry {} not written: {}", action, e.getMessage()));
  }
}
