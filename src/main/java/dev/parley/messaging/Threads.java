package dev.parley.messaging;

import dev.parley.Problem;
import dev.parley.auth.Viewer;
import dev.parley.directory.Role;
import dev.parley.directory.User;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads of messaging, always projected for the viewer. */
public final class Threads {

  /**
   * A page of one view of the viewer's mailbox, derived: the threads the viewer is on, each with the
   * last message the viewer may see (for staff the thread's own last message; for a contact the last
   * one sent to or by it, so the order and the snippet never show a message it may not see; for a
   * thread the viewer left, the last one before leaving) and the viewer's unread count there (its
   * recipient rows not yet read or marked unread, and one for a thread marked unread as a whole).
   * A thread is archived for the viewer when it was archived after that last message, so a new message
   * brings it back to the inbox without the send writing anything for the viewer. Views ($2): inbox
   * (neither archived nor left), unread (the inbox's unread threads), sent (started by the viewer or
   * last written by the viewer), archived (archived, or left).
   */
  private static final String INBOX = """
      select t.id as thread_id, t.subject, lm.created_at as last_message_at, left(lm.body_text, 300) as body_text,
             s.id as sender_id, s.name as sender_name, s.role as sender_role,
             case when tp.left_at is not null then 0
                  else (select count(*) from message_recipients u
                         where u.user_id = $1 and u.thread_id = t.id and (u.read_at is null or u.marked_unread))
                       + case when tp.marked_unread then 1 else 0 end end::int as unread_count,
             tp.left_at is not null as left_thread,
             tp.left_at is null and tp.archived_at is not null and lm.created_at <= tp.archived_at as archived
        from thread_participants tp
        join threads t on t.id = tp.thread_id
        cross join lateral (
          select m.created_at, m.body_text, m.sender_id from messages m
           where $6::boolean and tp.left_at is null and m.id = t.last_message_id
          union all
          (select m.created_at, m.body_text, m.sender_id from messages m
            where (not $6::boolean or tp.left_at is not null) and m.thread_id = t.id
              and (tp.left_at is null or m.created_at <= tp.left_at)
              and ($6::boolean or m.sender_id = $1
                   or exists (select 1 from message_recipients v where v.message_id = m.id and v.user_id = $1))
            order by m.created_at desc, m.id desc
            limit 1)) lm
        join users s on s.id = lm.sender_id
       where tp.user_id = $1
         and case $2::text
               when 'archived' then tp.left_at is not null
                                    or (tp.archived_at is not null and lm.created_at <= tp.archived_at)
               when 'sent' then tp.left_at is null and (lm.sender_id = $1 or t.created_by = $1)
               else tp.left_at is null and (tp.archived_at is null or lm.created_at > tp.archived_at)
                    and ($2::text <> 'unread' or tp.marked_unread
                         or exists (select 1 from message_recipients u
                                     where u.user_id = $1 and u.thread_id = t.id and (u.read_at is null or u.marked_unread)))
             end
         and ($3::timestamptz is null or (lm.created_at, t.id) < ($3::timestamptz, $4::uuid))
         and ($5::text is null
              or to_tsvector('simple', t.subject) @@ to_tsquery('simple', $5)
              or exists (select 1 from messages f
                          where f.thread_id = t.id and f.search @@ to_tsquery('simple', $5)
                            and (tp.left_at is null or f.created_at <= tp.left_at)
                            and ($6::boolean or f.sender_id = $1
                                 or exists (select 1 from message_recipients fr where fr.message_id = f.id and fr.user_id = $1))))
       order by lm.created_at desc, t.id desc
       limit $7""";
  /**
   * The tabs' counts: the unread threads of the inbox (bounded by the viewer's unread rows, read
   * through their partial index, not by the threads the viewer is on) and the viewer's drafts.
   */
  private static final String COUNTS = """
      select (select count(*) from (
                select mr.thread_id from message_recipients mr
                 where mr.user_id = $1 and (mr.read_at is null or mr.marked_unread)
                union
                select m.thread_id from thread_participants m where m.user_id = $1 and m.marked_unread) u
                join thread_participants tp on tp.user_id = $1 and tp.thread_id = u.thread_id and tp.left_at is null
                join threads t on t.id = tp.thread_id
               where tp.archived_at is null
                  or ($2::boolean and t.last_message_at > tp.archived_at)
                  or (not $2::boolean and exists (
                        select 1 from messages m
                         where m.thread_id = t.id and m.created_at > tp.archived_at
                           and (m.sender_id = $1
                                or exists (select 1 from message_recipients v where v.message_id = m.id and v.user_id = $1)))))::int
               as unread,
             (select count(*) from drafts where user_id = $1)::int as drafts""";
  private static final String INBOX_PARTICIPANTS = """
      select tp.thread_id, u.id, u.name, u.role from thread_participants tp join users u on u.id = tp.user_id
       where tp.thread_id = any($1::uuid[]) and tp.left_at is null
         and ($2::boolean or u.role in ('admin', 'staff') or u.id = $3)
       order by tp.thread_id, lower(u.name)""";
  /** The thread for a person on it, or who left it (who still reads what it saw up to leaving). */
  private static final String THREAD = """
      select t.id, t.subject, tp.left_at, tp.archived_at from threads t
        join thread_participants tp on tp.thread_id = t.id and tp.user_id = $3
       where t.id = $1 and t.company_id = $2""";
  /** A message with its thread's subject, its sender and its recipients (as parallel arrays): see {@link #fromRow}. */
  private static final String MESSAGE = """
      select m.id, m.thread_id, t.subject, m.body_html, m.body_text, m.created_at, m.source, m.read_receipt, m.note,
             s.id as sender_id, s.name as sender_name, s.role as sender_role,
             r.ids as recipient_ids, r.names as recipient_names, r.roles as recipient_roles,
             r.kinds as recipient_kinds, r.read_ats as recipient_read_ats
        from messages m
        join threads t on t.id = m.thread_id
        join users s on s.id = m.sender_id
        cross join lateral (
          select array_agg(u.id order by u.id) as ids, array_agg(u.name order by u.id) as names,
                 array_agg(u.role order by u.id) as roles, array_agg(mr.kind order by u.id) as kinds,
                 array_agg(mr.read_at order by u.id) as read_ats
            from message_recipients mr join users u on u.id = mr.user_id
           where mr.message_id = m.id) r
      """;
  private static final String MESSAGES = MESSAGE + """
       where m.thread_id = $1
         and ($2::boolean or m.sender_id = $3
              or exists (select 1 from message_recipients v where v.message_id = m.id and v.user_id = $3))
         and ($4::timestamptz is null or m.created_at <= $4)
       order by m.created_at, m.id
       limit 1000""";
  private static final String MESSAGES_BY_ID = MESSAGE + " where m.id = any($1::uuid[])";
  /**
   * A person's unread messages: their recipient rows not yet read or marked unread, and one for each
   * thread marked unread as a whole, in threads they have not left.
   */
  private static final String UNREAD = """
      select ((select count(*)
                 from message_recipients mr
                 join thread_participants tp on tp.thread_id = mr.thread_id and tp.user_id = mr.user_id and tp.left_at is null
                where mr.user_id = $1 and (mr.read_at is null or mr.marked_unread))
            + (select count(*) from thread_participants
                where user_id = $1 and marked_unread and left_at is null))::int as total""";

  private Threads() {
  }

  /** The views of a mailbox, as {@code GET /api/inbox?view=} names them. */
  public static final List<String> VIEWS = List.of("inbox", "unread", "sent", "archived");

  /** One page of a view of the viewer's mailbox, newest activity first, with the tabs' counts. */
  public static Future<JsonObject> inbox(SqlClient client, Viewer viewer, String view, int limit, String cursor, String query) {
    Cursor c = Cursor.parse(cursor);
    String tsQuery = tsQuery(query);
    Future<JsonObject> counts = client.preparedQuery(COUNTS).execute(Tuple.of(viewer.userId(), viewer.isStaff()))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new JsonObject().put("unread", r.getInteger("unread")).put("drafts", r.getInteger("drafts"));
        });
    Future<JsonObject> listed = client.preparedQuery(INBOX).execute(Tuple.of(viewer.userId(), view, c == null ? null : c.at(),
            c == null ? null : c.threadId(), tsQuery, viewer.isStaff(), limit + 1))
        .compose(rows -> {
          List<Row> list = new ArrayList<>();
          rows.forEach(list::add);
          boolean more = list.size() > limit;
          List<Row> page = more ? list.subList(0, limit) : list;
          UUID[] ids = page.stream().map(r -> r.getUUID("thread_id")).toArray(UUID[]::new);
          return client.preparedQuery(INBOX_PARTICIPANTS).execute(Tuple.of(ids, viewer.isStaff(), viewer.userId()))
              .map(prows -> {
                Map<UUID, JsonArray> participants = new HashMap<>();
                prows.forEach(p -> participants.computeIfAbsent(p.getUUID("thread_id"), k -> new JsonArray())
                    .add(User.card(p.getUUID("id"), p.getString("name"), Role.parse(p.getString("role")))));
                JsonArray threads = new JsonArray();
                for (Row r : page) {
                  UUID id = r.getUUID("thread_id");
                  threads.add(new JsonObject()
                      .put("id", id.toString())
                      .put("subject", r.getString("subject"))
                      .put("lastMessageAt", r.getOffsetDateTime("last_message_at").toInstant().toString())
                      .put("snippet", Sanitizer.snippet(r.getString("body_text"), 140))
                      .put("unreadCount", r.getInteger("unread_count"))
                      .put("sender", User.card(r.getUUID("sender_id"), r.getString("sender_name"), Role.parse(r.getString("sender_role"))))
                      .put("participants", participants.getOrDefault(id, new JsonArray()))
                      .put("archived", r.getBoolean("archived"))
                      .put("left", r.getBoolean("left_thread")));
                }
                String next = null;
                if (more) {
                  Row last = page.get(page.size() - 1);
                  next = new Cursor(last.getOffsetDateTime("last_message_at"), last.getUUID("thread_id")).encode();
                }
                return new JsonObject().put("threads", threads).put("nextCursor", next);
              });
        });
    return Future.all(counts, listed).map(done -> listed.result().put("counts", counts.result()));
  }

  /**
   * The thread as the viewer may see it; 404 when the viewer is not on it. A person who left it reads
   * what it could see up to leaving ({@code "left":true}); {@code "archived":true} while it is archived.
   */
  public static Future<JsonObject> thread(SqlClient client, Viewer viewer, UUID threadId) {
    return seen(client, viewer, threadId).map(seen -> {
      JsonArray messages = new JsonArray();
      for (MessageView v : seen.messages()) {
        v.as(viewer.userId(), viewer.isStaff()).ifPresent(messages::add);
      }
      return new JsonObject().put("thread", new JsonObject().put("id", threadId.toString()).put("subject", seen.subject())
              .put("left", seen.left()).put("archived", seen.archived()))
          .put("messages", messages);
    });
  }

  /** A thread as a viewer sees it: its subject, the messages it may see (not yet projected), and its state for the viewer. */
  record Seen(String subject, List<MessageView> messages, boolean left, boolean archived) {
  }

  /** The thread for the viewer, for the thread API and its export; 404 when the viewer is not on it (and never was). */
  static Future<Seen> seen(SqlClient client, Viewer viewer, UUID threadId) {
    return client.preparedQuery(THREAD).execute(Tuple.of(threadId, viewer.companyId(), viewer.userId())).compose(t -> {
      if (t.size() == 0) {
        return Future.failedFuture(Problem.notFound("thread"));
      }
      Row row = t.iterator().next();
      OffsetDateTime leftAt = row.getOffsetDateTime("left_at");
      OffsetDateTime archivedAt = row.getOffsetDateTime("archived_at");
      return messages(client, threadId, viewer.isStaff(), viewer.userId(), leftAt).map(views -> {
        boolean archived = leftAt == null && archivedAt != null
            && (views.isEmpty() || !views.get(views.size() - 1).createdAt().isAfter(archivedAt));
        return new Seen(row.getString("subject"), views, leftAt != null, archived);
      });
    });
  }

  /** The full messages of a thread that a viewer of this kind may see (all of them for staff), oldest first. */
  public static Future<List<MessageView>> messages(SqlClient client, UUID threadId, boolean staff, UUID viewerId) {
    return messages(client, threadId, staff, viewerId, null);
  }

  /** {@link #messages(SqlClient, UUID, boolean, UUID)} up to {@code until} (when the viewer left), or all of them. */
  private static Future<List<MessageView>> messages(SqlClient client, UUID threadId, boolean staff, UUID viewerId,
                                                    OffsetDateTime until) {
    return client.preparedQuery(MESSAGES).execute(Tuple.of(threadId, staff, viewerId, until)).map(rows -> {
      List<MessageView> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(fromRow(r)));
      return out;
    });
  }

  /** These messages by id, whoever may see them: project each with {@link MessageView#as}. Missing ids are absent. */
  public static Future<Map<UUID, MessageView>> messages(SqlClient client, Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return client.preparedQuery(MESSAGES_BY_ID).execute(Tuple.of((Object) ids.toArray(new UUID[0]))).map(rows -> {
      Map<UUID, MessageView> out = new HashMap<>();
      rows.forEach(r -> out.put(r.getUUID("id"), fromRow(r)));
      return out;
    });
  }

  private static MessageView fromRow(Row r) {
    UUID[] ids = r.getArrayOfUUIDs("recipient_ids");
    List<MessageView.Recipient> recipients = new ArrayList<>();
    if (ids != null) {
      String[] names = r.getArrayOfStrings("recipient_names");
      String[] roles = r.getArrayOfStrings("recipient_roles");
      String[] kinds = r.getArrayOfStrings("recipient_kinds");
      OffsetDateTime[] readAts = r.getArrayOfOffsetDateTimes("recipient_read_ats");
      for (int i = 0; i < ids.length; i++) {
        recipients.add(new MessageView.Recipient(new MessageView.Person(ids[i], names[i], Role.parse(roles[i])), kinds[i],
            readAts[i]));
      }
    }
    return new MessageView(r.getUUID("id"), r.getUUID("thread_id"), r.getString("subject"),
        new MessageView.Person(r.getUUID("sender_id"), r.getString("sender_name"), Role.parse(r.getString("sender_role"))),
        r.getString("body_html"), r.getString("body_text"), r.getOffsetDateTime("created_at"), r.getString("source"),
        Boolean.TRUE.equals(r.getBoolean("read_receipt")), r.getString("note"), recipients);
  }

  /** The viewer's unread total. */
  public static Future<Integer> unread(SqlClient client, Viewer viewer) {
    return unread(client, viewer.userId());
  }

  /** A person's unread total; inside a transaction it counts the transaction's own changes. */
  static Future<Integer> unread(SqlClient client, UUID userId) {
    return client.preparedQuery(UNREAD).execute(Tuple.of(userId)).map(rows -> rows.iterator().next().getInteger("total"));
  }

  /**
   * A person's unread count in one thread: what a read costs to report, bounded by that thread (the
   * total would cost as many rows as the person has unread anywhere, on every read).
   */
  private static final String UNREAD_IN_THREAD = """
      select ((select count(*) from message_recipients
                where user_id = $1 and thread_id = $2 and (read_at is null or marked_unread))
            + (select count(*) from thread_participants where user_id = $1 and thread_id = $2 and marked_unread))::int as n""";

  static Future<Integer> unreadIn(SqlClient client, UUID userId, UUID threadId) {
    return client.preparedQuery(UNREAD_IN_THREAD).execute(Tuple.of(userId, threadId))
        .map(rows -> rows.iterator().next().getInteger("n"));
  }

  /** Words of a search box as a prefix-matching full-text query; null when nothing is searchable. */
  static String tsQuery(String q) {
    if (q == null) {
      return null;
    }
    List<String> terms = new ArrayList<>();
    for (String word : q.toLowerCase().split("[^\\p{L}\\p{N}]+")) {
      if (!word.isEmpty() && terms.size() < 8) {
        terms.add(word + ":*");
      }
    }
    return terms.isEmpty() ? null : String.join(" & ", terms);
  }

  /** Keyset position in an inbox: the last row's time and thread id. */
  record Cursor(OffsetDateTime at, UUID threadId) {
    String encode() {
      String raw = at.toInstant().toString() + "|" + threadId;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Cursor parse(String s) {
      if (s == null || s.isBlank()) {
        return null;
      }
      try {
        String raw = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
        int bar = raw.indexOf('|');
        return new Cursor(OffsetDateTime.ofInstant(Instant.parse(raw.substring(0, bar)), ZoneOffset.UTC),
            UUID.fromString(raw.substring(bar + 1)));
      } catch (RuntimeException e) {
        throw Problem.invalid("'cursor' is not a cursor this server gave out");
      }
    }
  }

}
