package dev.parley.messaging;

import dev.parley.Platform;
import dev.parley.Problem;
import dev.parley.auth.Viewer;
import dev.parley.db.Db;
import dev.parley.events.Change;
import dev.parley.events.Changes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A person's own state of a thread: archived, and marked unread. Each writes only that person's rows
 * (nothing of the thread is locked, no one else's inbox changes) and one change heard by that person
 * alone, so their other browsers follow. Archive is a time: the thread stays archived until a message
 * the person may see is newer than it, which the inbox derives, so a send writes nothing for it. Mark
 * unread never touches {@code read_at}, which is what the sender sees as "Read".
 */
final class Mailbox {

  /** The person's membership of the thread: none when not on it (or another company's), left_at when left. */
  private static final String MEMBERSHIP = """
      select tp.left_at from threads t join thread_participants tp on tp.thread_id = t.id and tp.user_id = $3
       where t.id = $1 and t.company_id = $2""";
  private static final String ARCHIVE = "update thread_participants set archived_at = $3 where user_id = $1 and thread_id = $2";
  /**
   * The person's recipient rows from the given message down, or (no message given) of the last message
   * sent to them: the thread's messages newest first, each looked up by key (the rows already read have
   * no index of their own by person and thread).
   */
  private static final String MARK_UNREAD = """
      with chosen as (
        select m.id from messages m
          join message_recipients mr on mr.message_id = m.id and mr.user_id = $1
         where m.thread_id = $2
           and ($3::uuid is null
                or (m.created_at, m.id) >= (select f.created_at, f.id from messages f where f.id = $3 and f.thread_id = $2))
         order by m.created_at desc, m.id desc
         limit case when $3::uuid is null then 1 end)
      update message_recipients set marked_unread = true
       where user_id = $1 and message_id in (select id from chosen)
      returning message_id""";
  /** A thread the person received nothing of from there on counts one unread as a whole. */
  private static final String MARK_THREAD_UNREAD = "update thread_participants set marked_unread = true where user_id = $1 and thread_id = $2";
  /** Opening the thread clears what "mark unread" set, on both kinds of row (through the index of unread rows). */
  private static final String CLEAR_MARKS = """
      with r as (update message_recipients set marked_unread = false
                  where user_id = $1 and thread_id = $2 and marked_unread returning 1),
           p as (update thread_participants set marked_unread = false
                  where user_id = $1 and thread_id = $2 and marked_unread returning 1)
      select ((select count(*) from r) + (select count(*) from p))::int as cleared""";

  private final Platform platform;

  Mailbox(Platform platform) {
    this.platform = platform;
  }

  /** Archives the thread for the viewer alone, until a newer message the viewer may see arrives. */
  Future<Void> archive(Viewer viewer, UUID threadId) {
    return setArchived(viewer, threadId, true);
  }

  /** Brings the thread back to the viewer's inbox. */
  Future<Void> unarchive(Viewer viewer, UUID threadId) {
    return setArchived(viewer, threadId, false);
  }

  private Future<Void> setArchived(Viewer viewer, UUID threadId, boolean archived) {
    OffsetDateTime at = archived ? MessagingService.now(platform.clock()) : null;
    return write(viewer, threadId, (tx, changes) -> tx.preparedQuery(ARCHIVE).execute(Tuple.of(viewer.userId(), threadId, at))
        .map(done -> {
          changes.add(own(archived ? Change.ARCHIVED : Change.UNARCHIVED, viewer, threadId, new JsonObject()));
          return null;
        }));
  }

  /**
   * Makes the thread count as unread again for the viewer only, from {@code fromMessageId} (a message
   * the viewer may see) down, or from the viewer's last message there. The sender's "Read" stays.
   */
  Future<Void> markUnread(Viewer viewer, UUID threadId, UUID fromMessageId) {
    return write(viewer, threadId, (tx, changes) -> {
      Future<Void> visible = fromMessageId == null ? Future.succeededFuture()
          : tx.preparedQuery(MessagingService.VISIBLE_AMONG).execute(Tuple.of(threadId, new UUID[] {fromMessageId},
              viewer.isStaff(), viewer.userId())).compose(rows -> rows.iterator().next().getLong(0) == 1
              ? Future.succeededFuture() : Future.failedFuture(Problem.notFound("message")));
      return visible.compose(v -> tx.preparedQuery(MARK_UNREAD).execute(Tuple.of(viewer.userId(), threadId, fromMessageId)))
          .compose(marked -> marked.size() > 0 ? Future.succeededFuture()
              : tx.preparedQuery(MARK_THREAD_UNREAD).execute(Tuple.of(viewer.userId(), threadId)).mapEmpty())
          .compose(v -> counted(tx, changes, viewer, threadId));
    });
  }

  /**
   * Inside a read's transaction: clears the viewer's marks in the thread; answers how many rows it
   * cleared. Sent before the read's own count, which then sees it.
   */
  static Future<Integer> clearMarks(SqlClient tx, UUID userId, UUID threadId) {
    return tx.preparedQuery(CLEAR_MARKS).execute(Tuple.of(userId, threadId)).map(rows -> rows.iterator().next().getInteger("cleared"));
  }

  /** The viewer's counts after a change of their unread state, told to their browsers as an {@code unread} change. */
  static Future<Void> counted(SqlConnection tx, Changes changes, Viewer viewer, UUID threadId) {
    Future<Integer> thread = Threads.unreadIn(tx, viewer.userId(), threadId);
    Future<Integer> total = Threads.unread(tx, viewer.userId());
    return Future.all(thread, total).map(done -> {
      changes.add(own(Change.UNREAD, viewer, threadId, new JsonObject().put("threadUnread", thread.result())
          .put("unread", total.result())));
      return null;
    });
  }

  private interface Work {
    Future<Void> run(SqlConnection tx, Changes changes);
  }

  /**
   * Runs {@code work} in the group commit once the viewer is found on the thread: 404 when not on it,
   * 409 when they left it (a left thread is read-only, kept in Archived). Nothing is written otherwise.
   */
  private Future<Void> write(Viewer viewer, UUID threadId, Work work) {
    return Db.translate(platform.writes().run(null, (tx, changes) ->
        tx.preparedQuery(MEMBERSHIP).execute(Tuple.of(threadId, viewer.companyId(), viewer.userId())).compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(Problem.notFound("thread"));
          }
          if (rows.iterator().next().getOffsetDateTime("left_at") != null) {
            return Future.failedFuture(Problem.conflict("thread_left", "you left this thread; it stays read-only in Archived"));
          }
          return work.run(tx, changes);
        })));
  }

  private static Change own(String kind, Viewer viewer, UUID threadId, JsonObject data) {
    return new Change(kind, viewer.companyId(), threadId, viewer.userId(), null, List.of(viewer.userId()), data, null, 0);
  }
}
