package dev.parley.messaging;

import dev.parley.Platform;
import dev.parley.Problem;
import dev.parley.auth.Viewer;
import dev.parley.db.Db;
import dev.parley.directory.Reachability;
import dev.parley.events.Change;
import dev.parley.events.Changes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A person's drafts, kept on the server: saved by the composer every few seconds (one update, the last
 * writer wins, its {@code updatedAt} answered), seen by that person alone, and deleted by the send that
 * names it, in the send's transaction. Each save and delete is a change heard by the person's other
 * browsers ({@code draft.saved}, {@code draft.deleted}).
 */
final class Drafts {

  /** Drafts one person may keep: enough for anyone, and a bound on what a list answers. */
  static final int MAX_PER_PERSON = 200;

  private static final String COLUMNS = "id, thread_id, to_ids, cc_ids, subject, body_html, attachment_ids, created_at, updated_at";
  private static final String LIST = "select " + COLUMNS + " from drafts where user_id = $1 order by updated_at desc, id desc";
  private static final String INSERT = "insert into drafts (id, company_id, user_id, thread_id, to_ids, cc_ids, subject, body_html, "
      + "attachment_ids, created_at, updated_at) select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10 "
      + "where (select count(*) from drafts where user_id = $3) < " + MAX_PER_PERSON + " returning " + COLUMNS;
  private static final String UPDATE = "update drafts set thread_id = $3, to_ids = $4, cc_ids = $5, subject = $6, body_html = $7, "
      + "attachment_ids = $8, updated_at = $9 where id = $1 and user_id = $2 returning " + COLUMNS;
  private static final String DELETE = "delete from drafts where id = $1 and user_id = $2 returning thread_id";

  private final Platform platform;

  Drafts(Platform platform) {
    this.platform = platform;
  }

  /** The person's drafts, the latest saved first. */
  Future<JsonArray> list(Viewer viewer) {
    return platform.pool().preparedQuery(LIST).execute(Tuple.of(viewer.userId())).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(json(r)));
      return out;
    });
  }

  /** A new draft; 409 once the person keeps {@value #MAX_PER_PERSON}. */
  Future<JsonObject> create(Viewer viewer, Commands.SaveDraft cmd) {
    UUID id = UUID.randomUUID();
    return save(viewer, cmd, (tx, now) -> tx.preparedQuery(INSERT).execute(Tuple.of(id, viewer.companyId(),
        viewer.userId(), cmd.threadId(), ids(cmd.to()), ids(cmd.cc()), cmd.subject(), cmd.bodyHtml(),
        ids(cmd.attachmentIds()), now)).compose(rows -> rows.size() == 0
        ? Future.failedFuture(Problem.conflict("too_many_drafts", "you keep " + MAX_PER_PERSON
            + " drafts already; send or delete some first"))
        : Future.succeededFuture(rows)));
  }

  /** The draft replaced by this save; 404 for anyone else's or a deleted one. */
  Future<JsonObject> update(Viewer viewer, UUID id, Commands.SaveDraft cmd) {
    return save(viewer, cmd, (tx, now) -> tx.preparedQuery(UPDATE).execute(Tuple.of(id, viewer.userId(),
        cmd.threadId(), ids(cmd.to()), ids(cmd.cc()), cmd.subject(), cmd.bodyHtml(), ids(cmd.attachmentIds()), now))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(Problem.notFound("draft")) : Future.succeededFuture(rows)));
  }

  Future<Void> delete(Viewer viewer, UUID id) {
    return Db.translate(platform.writes().run(null, (tx, changes) -> discard(tx, changes, viewer, id)
        .compose(found -> found ? Future.<Void>succeededFuture() : Future.failedFuture(Problem.notFound("draft")))));
  }

  /**
   * Deletes the person's draft inside {@code tx} (a send's, which names it), adding its change when
   * there was one: a draft already gone (sent from another browser) is no reason to refuse the send.
   */
  static Future<Boolean> discard(SqlConnection tx, Changes changes, Viewer viewer, UUID draftId) {
    if (draftId == null) {
      return Future.succeededFuture(false);
    }
    return tx.preparedQuery(DELETE).execute(Tuple.of(draftId, viewer.userId())).map(rows -> {
      if (rows.size() == 0) {
        return false;
      }
      UUID thread = rows.iterator().next().getUUID("thread_id");
      changes.add(change(viewer, thread, new JsonObject().put("id", draftId.toString()).put("deleted", true)));
      return true;
    });
  }

  private interface Write {
    Future<RowSet<Row>> run(SqlConnection tx, OffsetDateTime now);
  }

  /**
   * Checks what the draft names (its recipients reachable, its thread one the person is on) and then
   * writes it in the group commit with its change; nothing is written when a check fails.
   */
  private Future<JsonObject> save(Viewer viewer, Commands.SaveDraft cmd, Write write) {
    return checkRecipients(viewer, cmd).compose(ok -> Db.translate(platform.writes().run(null, (tx, changes) -> {
      Future<Void> onThread = cmd.threadId() == null ? Future.succeededFuture()
          : tx.preparedQuery(MessagingService.THREAD_SEEN_BY).execute(Tuple.of(cmd.threadId(), viewer.companyId(), viewer.userId()))
              .compose(rows -> rows.size() == 0
                  ? Future.failedFuture(new Problem(404, "not_found", "'threadId' names no thread you are on"))
                  : Future.succeededFuture());
      OffsetDateTime now = MessagingService.now(platform.clock());
      return onThread.compose(v -> write.run(tx, now)).map(rows -> {
        JsonObject draft = json(rows.iterator().next());
        changes.add(change(viewer, cmd.threadId(), new JsonObject().put("id", draft.getString("id"))
            .put("updatedAt", draft.getString("updatedAt"))));
        return draft;
      });
    })));
  }

  /** Every person the draft names must be one the viewer may message: 400 naming the field otherwise. */
  private Future<Void> checkRecipients(Viewer viewer, Commands.SaveDraft cmd) {
    List<UUID> named = Commands.union(cmd.to(), cmd.cc()).stream().filter(id -> !id.equals(viewer.userId())).toList();
    if (named.isEmpty()) {
      return Future.succeededFuture();
    }
    return Reachability.among(platform.pool(), viewer, named).compose(allowed -> {
      Set<UUID> ok = new HashSet<>();
      allowed.forEach(p -> ok.add(p.id()));
      for (UUID id : named) {
        if (!ok.contains(id)) {
          String field = cmd.to().contains(id) ? "to" : "cc";
          return Future.failedFuture(Problem.badRequest("recipient_not_allowed", "'" + field + "' names " + id
              + ", whom you cannot message"));
        }
      }
      return Future.succeededFuture();
    });
  }

  private static Change change(Viewer viewer, UUID threadId, JsonObject data) {
    if (threadId != null) {
      data.put("threadId", threadId.toString());
    }
    return new Change(Change.DRAFT, viewer.companyId(), threadId, viewer.userId(), null, List.of(viewer.userId()), data, null, 0);
  }

  static JsonObject json(Row r) {
    UUID thread = r.getUUID("thread_id");
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("threadId", thread == null ? null : thread.toString())
        .put("to", strings(r.getArrayOfUUIDs("to_ids")))
        .put("cc", strings(r.getArrayOfUUIDs("cc_ids")))
        .put("subject", r.getString("subject"))
        .put("bodyHtml", r.getString("body_html"))
        .put("attachmentIds", strings(r.getArrayOfUUIDs("attachment_ids")))
        .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
        .put("updatedAt", r.getOffsetDateTime("updated_at").toInstant().toString());
  }

  private static JsonArray strings(UUID[] ids) {
    JsonArray out = new JsonArray();
    if (ids != null) {
      for (UUID id : ids) {
        out.add(id.toString());
      }
    }
    return out;
  }

  private static UUID[] ids(List<UUID> ids) {
    return ids.toArray(new UUID[0]);
  }
}
