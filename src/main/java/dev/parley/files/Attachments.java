package dev.parley.files;

import dev.parley.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The rows of attachments: what messaging claims in a send's transaction, what a message's readers
 * see of them, and who may download one.
 */
public final class Attachments {

  /** Files one message may carry. */
  public static final int MAX_PER_MESSAGE = 10;

  /**
   * The person's own ready files among these, not yet on a message, locked until the transaction
   * ends: a second send naming them waits, then finds them taken.
   */
  private static final String CLAIMABLE = """
      select id, name, size, content_type from attachments
       where id = any($1::uuid[]) and company_id = $2 and uploader_id = $3 and message_id is null and ready
       order by id
         for update""";
  private static final String ATTACH = "update attachments set message_id = $1 where id = any($2::uuid[])";
  /**
   * A file the viewer may download: their own before it is claimed, afterwards only when they may see
   * its message (on the thread, and staff, or its sender, or one of its recipients).
   */
  private static final String VISIBLE = """
      select a.id, a.name, a.size, a.content_type, a.message_id from attachments a
       where a.id = $1 and a.company_id = $2 and a.ready
         and ((a.message_id is null and a.uploader_id = $3)
              or exists (select 1 from messages m
                           join thread_participants tp on tp.thread_id = m.thread_id and tp.user_id = $3 and tp.left_at is null
                          where m.id = a.message_id
                            and ($4::boolean or m.sender_id = $3
                                 or exists (select 1 from message_recipients r where r.message_id = m.id and r.user_id = $3))))""";
  /** The json of a message's attachments, for a query that reads messages as {@code m}; null when it has none. */
  public static final String OF_MESSAGE = """
      case when m.has_attachments then (select json_agg(json_build_object('id', a.id, 'name', a.name, 'size', a.size,
        'type', a.content_type) order by a.created_at, a.id) from attachments a where a.message_id = m.id) end""";

  private Attachments() {
  }

  /**
   * Locks and answers the files {@code ids} names for a message of this person: all of them, or a
   * 422 naming {@code attachmentIds} when one is not the person's, is already attached, or is gone;
   * 413 when together they are larger than {@code maxTotal}. Writes nothing.
   */
  public static Future<List<Attachment>> claimable(SqlClient tx, UUID companyId, UUID uploaderId, List<UUID> ids, long maxTotal) {
    return tx.preparedQuery(CLAIMABLE).execute(Tuple.of(ids.toArray(new UUID[0]), companyId, uploaderId)).compose(rows -> {
      if (rows.size() != ids.size()) {
        return Future.failedFuture(new Problem(422, "invalid_attachment",
            "'attachmentIds' names a file that is not one you uploaded, or that is already attached to a message"));
      }
      List<Attachment> out = new ArrayList<>();
      long total = 0;
      for (Row r : rows) {
        out.add(fromRow(r));
        total += r.getLong("size");
      }
      if (total > maxTotal) {
        return Future.failedFuture(new Problem(413, "attachments_too_large",
            "the files of one message may add up to " + maxTotal / (1024 * 1024) + " MB at most"));
      }
      // in the order the sender gave them
      out.sort(java.util.Comparator.comparingInt(a -> ids.indexOf(a.id())));
      return Future.succeededFuture(out);
    });
  }

  /** Puts the claimed files on the message (in the transaction that writes it). */
  public static Future<Void> attach(SqlClient tx, UUID messageId, List<Attachment> files) {
    return tx.preparedQuery(ATTACH).execute(Tuple.of(messageId, (Object) files.stream().map(Attachment::id).toArray(UUID[]::new)))
        .mapEmpty();
  }

  /** The attachments read with {@link #OF_MESSAGE}. */
  public static List<Attachment> fromJson(JsonArray json) {
    if (json == null) {
      return List.of();
    }
    List<Attachment> out = new ArrayList<>(json.size());
    for (int i = 0; i < json.size(); i++) {
      out.add(Attachment.fromJson(json.getJsonObject(i)));
    }
    return out;
  }

  /** A file as it may be downloaded by this viewer; empty when it does not exist for them. */
  static Future<Optional<Visible>> visible(SqlClient client, UUID id, UUID companyId, UUID viewerId, boolean staff) {
    return client.preparedQuery(VISIBLE).execute(Tuple.of(id, companyId, viewerId, staff)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new Visible(fromRow(r), r.getUUID("message_id")));
    });
  }

  /** A downloadable file and the message it is on (null before it is claimed). */
  record Visible(Attachment file, UUID messageId) {
  }

  private static Attachment fromRow(Row r) {
    return new Attachment(r.getUUID("id"), r.getString("name"), r.getLong("size"), r.getString("content_type"));
  }
}
