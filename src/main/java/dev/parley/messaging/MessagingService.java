package dev.parley.messaging;

import dev.parley.Platform;
import dev.parley.Problem;
import dev.parley.audit.Audit;
import dev.parley.audit.Refusals;
import dev.parley.auth.Viewer;
import dev.parley.db.Db;
import dev.parley.directory.Reachability;
import dev.parley.directory.Role;
import dev.parley.events.Change;
import dev.parley.events.Changes;
import dev.parley.files.Attachment;
import dev.parley.files.Attachments;
import dev.parley.notify.Outbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one write path. Sending, replying (from the web or by email), marking read and leaving each run
 * in one transaction (shared with others by the group commit) that writes the rows carrying meaning,
 * once: for a message, the message, one row per recipient, the thread's update, one notification job
 * and one audit row; for a read, the reader's own rows. Each adds one change for the live feed, which
 * is stored with it and published only after commit; nothing is sent from inside a transaction.
 */
public final class MessagingService {

  private static final String INSERT_THREAD = "insert into threads (id, company_id, subject, created_by, created_at, last_message_at, "
      + "last_message_id) values ($1, $2, $3, $4, $5, $5, $6)";
  /** The one row a reply locks (the group commit locks it first thing in the transaction) and updates. */
  private static final String TOUCH_THREAD = "update threads set last_message_at = $2, last_message_id = $3 where id = $1";
  private static final String INSERT_MESSAGE = "insert into messages (id, company_id, thread_id, sender_id, body_html, body_text, "
      + "source, read_receipt, note, created_at, has_attachments, quoted_html) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
  private static final String INSERT_RECIPIENTS = "insert into message_recipients (message_id, thread_id, user_id, kind) "
      + "select $1, $2, * from unnest($3::uuid[], $4::text[])";
  /** People who join the thread with this message (all of them for a new thread), or come back to it. */
  private static final String JOIN = """
      insert into thread_participants (thread_id, user_id, company_id)
      select $1, u, $2 from unnest($3::uuid[]) as u
      on conflict (thread_id, user_id) do update set left_at = null, joined_at = now()
       where thread_participants.left_at is not null""";
  /**
   * The thread's subject when the viewer is on it. Never locks: a reply's thread is locked by the group
   * commit first thing in its transaction (the one row a send locks), and reading and leaving touch
   * only the person's own rows.
   */
  static final String THREAD_SEEN_BY = """
      select t.subject from threads t
        join thread_participants tp on tp.thread_id = t.id and tp.user_id = $3 and tp.left_at is null
       where t.id = $1 and t.company_id = $2""";
  /**
   * As {@link #THREAD_SEEN_BY}, with whether the reader marked anything there unread (through the index
   * of unread rows) and the staff on the thread, who hear of the read: the checks of a read in one
   * statement. {@link #THREAD_READ_AMONG} also counts the named messages the reader may see.
   */
  private static final String THREAD_READ = """
      select t.subject,
             tp.marked_unread or exists (select 1 from message_recipients mr
                                          where mr.user_id = $3 and mr.thread_id = $1 and mr.marked_unread) as marked,
             array(select u.id from thread_participants s join users u on u.id = s.user_id
                    where s.thread_id = t.id and s.left_at is null and u.active and u.role in ('admin', 'staff')) as staff%s
        from threads t
        join thread_participants tp on tp.thread_id = t.id and tp.user_id = $3 and tp.left_at is null
       where t.id = $1 and t.company_id = $2""";
  private static final String THREAD_READ_BY = THREAD_READ.formatted("");
  /** {@link #THREAD_READ_BY} and how many of the messages $4 of the thread the reader may see ($5: the reader is staff). */
  private static final String THREAD_READ_AMONG = THREAD_READ.formatted(
      ", (select count(*) from messages m where m.thread_id = $1 and m.id = any($4::uuid[])"
      + " and ($5::boolean or m.sender_id = $3"
      + " or exists (select 1 from message_recipients v where v.message_id = m.id and v.user_id = $3))) as visible");
  /**
   * What a reply needs before it writes, in one statement: the thread's subject, when the viewer is on
   * it (no row otherwise), with one row per active person on it (one row with a null id when there is
   * none). Never locks, like {@link #THREAD_SEEN_BY}. The viewer's own row is a test of its own (not a
   * join), so that it is looked up once rather than once per person on the thread.
   */
  private static final String THREAD_AND_PEOPLE = """
      select t.subject, u.id, u.name, u.role
        from threads t
        left join (thread_participants tp join users u on u.id = tp.user_id and u.active)
               on tp.thread_id = t.id and tp.left_at is null
       where t.id = $1 and t.company_id = $2
         and exists (select 1 from thread_participants me where me.thread_id = $1 and me.user_id = $3 and me.left_at is null)""";
  static final String VISIBLE_AMONG = """
      select count(*) from messages m
       where m.thread_id = $1 and m.id = any($2::uuid[])
         and ($3::boolean or m.sender_id = $4
              or exists (select 1 from message_recipients v where v.message_id = m.id and v.user_id = $4))""";
  /** Every unread message of the reader in the thread (through the index of unread rows). */
  private static final String MARK_ALL_READ = """
      update message_recipients mr set read_at = $3
        from messages m
       where m.id = mr.message_id and mr.user_id = $1 and mr.thread_id = $2 and mr.read_at is null
      returning mr.message_id, m.sender_id, m.read_receipt""";
  /** These messages of the reader in the thread (by the primary key, however many unread the reader has there). */
  private static final String MARK_THESE_READ = """
      update message_recipients mr set read_at = $4
        from messages m
       where mr.message_id = any($3::uuid[]) and mr.user_id = $1 and m.id = mr.message_id and mr.thread_id = $2
         and mr.read_at is null
      returning mr.message_id, m.sender_id, m.read_receipt""";
  private static final String LEAVE = """
      update thread_participants set left_at = now() where user_id = $1 and thread_id = $2 and left_at is null""";
  private static final String NOTIFY_ON_READ = "select user_id from notify_on_read where company_id = $1 and user_id = any($2::uuid[])";

  private final Platform platform;
  private final MessagingMetrics metrics;

  public MessagingService(Platform platform) {
    this.platform = platform;
    this.metrics = new MessagingMetrics(platform.metrics());
  }

  /** What a send answers; {@code replayed}: the first answer of an earlier request with the same Idempotency-Key. */
  public record Sent(UUID threadId, String subject, UUID messageId, boolean replayed) {
  }

  /**
   * Starts a thread. With an Idempotency-Key, the key is stored with the message in its transaction,
   * or the earlier request's answer is found instead of writing a second message.
   */
  public Future<Sent> startThread(Viewer viewer, Commands.NewThread cmd, Commands.Source source, Attempt attempt) {
    checkRate(viewer);
    List<UUID> wanted = withoutSelf(cmd.everyone(), viewer.userId());
    if (wanted.isEmpty()) {
      return Future.failedFuture(Problem.invalid("add at least one recipient other than yourself"));
    }
    return Reachability.among(platform.pool(), viewer, wanted).compose(allowed -> {
      Map<UUID, MessageView.Person> people = people(allowed);
      List<UUID> refused = wanted.stream().filter(id -> !people.containsKey(id)).toList();
      if (!refused.isEmpty()) {
        platform.refusals().refused("person " + viewer.userId(), new Refusals.Entry(viewer.companyId(), viewer.userId(),
            Audit.REFUSED, "thread.create", new JsonObject().put("reason", "recipient_not_allowed").put("recipients", refused.size()),
            viewer.address()));
        return Future.failedFuture(Problem.badRequest("recipient_not_allowed",
            "you cannot message " + refused.get(0) + (refused.size() > 1 ? " and " + (refused.size() - 1) + " more" : "")));
      }
      Set<UUID> toSet = new HashSet<>(cmd.to());
      List<MessageView.Recipient> recipients = new ArrayList<>();
      for (UUID id : wanted) {
        MessageView.Person p = people.get(id);
        recipients.add(new MessageView.Recipient(p, kind(p, toSet.contains(id) ? "to" : "cc"), null));
      }
      UUID threadId = UUID.randomUUID();
      List<UUID> everyone = new ArrayList<>(wanted);
      everyone.add(viewer.userId());
      UUID messageId = UUID.randomUUID();
      OffsetDateTime createdAt = now();
      AtomicBoolean mailDue = new AtomicBoolean();
      return Db.translate(run(attempt, null, (tx, changes) -> IdempotencyKeys.claim(tx, viewer.userId(), attempt.key(),
              threadId, messageId)
          .compose(earlier -> {
            if (earlier.isPresent()) {
              return Future.succeededFuture(new Sent(earlier.get().threadId(), cmd.subject(), earlier.get().messageId(), true));
            }
            return files(tx, viewer, attempt, messageId, cmd.attachmentIds()).compose(files -> {
              Draft draft = new Draft(messageId, threadId, cmd.subject(), cmd.content(), cmd.readReceipt(), source, null, null,
                  recipients, List.of(), everyone, createdAt, mailDue, files);
              // the thread first, the message's rows right behind it in the same flush (without a key
              // or files, the same flush as BEGIN)
              Future<?> thread = tx.preparedQuery(INSERT_THREAD).execute(Tuple.of(threadId, viewer.companyId(),
                  cmd.subject(), viewer.userId(), draft.createdAt(), draft.messageId()));
              return Future.all(thread, write(tx, changes, viewer, draft), Drafts.discard(tx, changes, viewer, cmd.draftId()))
                  .map(v -> new Sent(threadId, cmd.subject(), draft.messageId(), false));
            });
          })))
          .map(sent -> metrics.counted(afterCommit(sent, mailDue.get()), source));
    });
  }

  /**
   * The uploaded files a message names, locked for it (none: no statement at all). A refusal (a file
   * not the sender's, already attached, or too much together) releases the Idempotency-Key the write
   * claimed, like any refusal, before the message's first write statement.
   */
  private Future<List<Attachment>> files(SqlConnection tx, Viewer viewer, Attempt attempt, UUID messageId, List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return Attachments.claimable(tx, viewer.companyId(), viewer.userId(), ids, platform.config().attachments().maxMessageBytes())
        .recover(e -> e instanceof Problem p
            ? refuse(tx, viewer, attempt, messageId, Optional.empty(), p).map(x -> List.<Attachment>of())
            : Future.failedFuture(e));
  }

  /** Adds a message to a thread the viewer is on; {@code note} is shown with it (for example, attachments left out). */
  public Future<Sent> reply(Viewer viewer, UUID threadId, Commands.Reply cmd, Commands.Source source, String note) {
    return reply(viewer, threadId, cmd, source, note, null, Attempt.DEFAULT);
  }

  /**
   * A reply that came with more than its new text: {@code quotedHtml} (sanitized here) is what the sender's
   * email quoted or signed below it, kept with the message and shown on request.
   */
  public Future<Sent> reply(Viewer viewer, UUID threadId, Commands.Reply cmd, Commands.Source source, String note,
                            String quotedHtml) {
    return reply(viewer, threadId, cmd, source, note, quotedHtml == null ? null : Sanitizer.html(quotedHtml), Attempt.DEFAULT);
  }

  /** {@link #reply(Viewer, UUID, Commands.Reply, Commands.Source, String)} as the client attempted it (deadline, key). */
  public Future<Sent> reply(Viewer viewer, UUID threadId, Commands.Reply cmd, Commands.Source source, String note,
                            Attempt attempt) {
    return reply(viewer, threadId, cmd, source, note, null, attempt);
  }

  private Future<Sent> reply(Viewer viewer, UUID threadId, Commands.Reply cmd, Commands.Source source, String note,
                             String quotedHtml, Attempt attempt) {
    checkRate(viewer);
    if (cmd.named() && viewer.isContact()) {
      return Future.failedFuture(Problem.invalid("contacts reply to the staff on the thread; 'to' and 'cc' are for staff"));
    }
    Future<List<MessageView.Person>> named = cmd.named()
        ? namedRecipients(viewer, Commands.union(Commands.orEmpty(cmd.to()), Commands.orEmpty(cmd.cc())))
        : Future.succeededFuture(null);
    UUID messageId = UUID.randomUUID();
    AtomicBoolean mailDue = new AtomicBoolean();
    return named.compose(chosen -> Db.translate(run(attempt, threadId, (tx, changes) -> {
      // the thread (locked) with its people, and the key, in one round trip; the people are read only
      // once the lock is held, and only when the viewer is on the thread
      Future<RowSet<Row>> threadAndPeople = tx.preparedQuery(THREAD_AND_PEOPLE)
          .execute(Tuple.of(threadId, viewer.companyId(), viewer.userId()));
      Future<Optional<IdempotencyKeys.Earlier>> claimed = IdempotencyKeys.claim(tx, viewer.userId(), attempt.key(),
          threadId, messageId);
      return Future.all(threadAndPeople, claimed).compose(checked -> {
              RowSet<Row> rows = threadAndPeople.result();
              if (rows.size() == 0) {
                return refuse(tx, viewer, attempt, messageId, claimed.result(), Problem.notFound("thread"));
              }
              String subject = rows.iterator().next().getString("subject");
              if (claimed.result().isPresent()) {
                return Future.succeededFuture(new Sent(threadId, subject, claimed.result().get().messageId(), true));
              }
              List<MessageView.Person> participants = new ArrayList<>();
              rows.forEach(r -> {
                if (r.getUUID("id") != null) {
                  participants.add(new MessageView.Person(r.getUUID("id"), r.getString("name"), Role.parse(r.getString("role"))));
                }
              });
              List<MessageView.Recipient> recipients = replyRecipients(viewer, participants, chosen, cmd);
              if (recipients.isEmpty()) {
                return refuse(tx, viewer, attempt, messageId, claimed.result(),
                    Problem.conflict("no_recipients", "there is no one left on this thread to reply to"));
              }
              List<MessageView.Person> staffOnThread = participants.stream().filter(p -> p.role().isStaff()).toList();
              Set<UUID> on = new HashSet<>();
              participants.forEach(p -> on.add(p.id()));
              List<UUID> joining = recipients.stream().map(r -> r.person().id()).filter(id -> !on.contains(id)).toList();
              return files(tx, viewer, attempt, messageId, cmd.attachmentIds()).compose(files -> {
                Draft draft = new Draft(messageId, threadId, subject, cmd.content(), cmd.readReceipt(), source, note, quotedHtml,
                    recipients, staffOnThread, joining, now(), mailDue, files);
                Future<?> touched = tx.preparedQuery(TOUCH_THREAD).execute(Tuple.of(threadId, draft.createdAt(), messageId));
                Future<Boolean> drafted = Drafts.discard(tx, changes, viewer, cmd.draftId());
                return write(tx, changes, viewer, draft).compose(v -> touched).compose(v -> drafted)
                    .map(v -> new Sent(threadId, subject, draft.messageId(), false));
              });
            });
    }))
        .map(sent -> metrics.counted(afterCommit(sent, mailDue.get()), source)));
  }

  /**
   * A reply that refuses leaves nothing behind, not even its key (a refusal is not an answer kept for
   * a retry): the shared transaction commits the others' writes.
   */
  private static Future<Sent> refuse(SqlConnection tx, Viewer viewer, Attempt attempt, UUID messageId,
                                     Optional<IdempotencyKeys.Earlier> earlier, Problem problem) {
    Future<Void> released = earlier.isPresent() ? Future.succeededFuture()
        : IdempotencyKeys.release(tx, viewer.userId(), attempt.key(), messageId);
    return released.compose(v -> Future.failedFuture(problem));
  }

  /** Hands the write to the group commit with the attempt's deadline, or the group commit's own. */
  private <T> Future<T> run(Attempt attempt, UUID thread, java.util.function.BiFunction<SqlConnection, Changes, Future<T>> work) {
    return attempt.writeBy() == null ? platform.writes().run(thread, work) : platform.writes().run(thread, attempt.writeBy(), work);
  }

  private Future<List<MessageView.Person>> namedRecipients(Viewer viewer, List<UUID> ids) {
    List<UUID> wanted = withoutSelf(ids, viewer.userId());
    return Reachability.among(platform.pool(), viewer, wanted).compose(allowed -> {
      Map<UUID, MessageView.Person> people = people(allowed);
      for (UUID id : wanted) {
        if (!people.containsKey(id)) {
          return Future.failedFuture(Problem.badRequest("recipient_not_allowed", "you cannot message " + id));
        }
      }
      return Future.succeededFuture(wanted.stream().map(people::get).toList());
    });
  }

  private static List<MessageView.Recipient> replyRecipients(Viewer viewer, List<MessageView.Person> participants,
                                                             List<MessageView.Person> chosen, Commands.Reply cmd) {
    List<MessageView.Recipient> out = new ArrayList<>();
    if (chosen != null) {
      Set<UUID> to = new HashSet<>(Commands.orEmpty(cmd.to()));
      for (MessageView.Person p : chosen) {
        out.add(new MessageView.Recipient(p, kind(p, to.contains(p.id()) ? "to" : "cc"), null));
      }
      return out;
    }
    for (MessageView.Person p : participants) {
      if (p.id().equals(viewer.userId())) {
        continue;
      }
      if (viewer.isContact() && p.role().isContact()) {
        continue;
      }
      out.add(new MessageView.Recipient(p, kind(p, "to"), null));
    }
    return out;
  }

  /** A message about to be written. */
  private record Draft(UUID messageId, UUID threadId, String subject, Commands.Content content, boolean readReceipt,
                       Commands.Source source, String note, String quotedHtml, List<MessageView.Recipient> recipients,
                       List<MessageView.Person> staffOnThread, List<UUID> joining, OffsetDateTime createdAt,
                       AtomicBoolean mailDue, List<Attachment> files) {
  }

  /**
   * The rows of one message, inside {@code tx}: the message, one narrow row per recipient, the people
   * who join the thread with it, one notification job, one audit row, and its change for the live feed.
   * No person's row is locked or rewritten; the caller writes or updates the thread row.
   */
  private Future<Void> write(SqlConnection tx, Changes changes, Viewer viewer, Draft d) {
    MessageView.Person sender = new MessageView.Person(viewer.userId(), viewer.name(), viewer.role());
    MessageView view = new MessageView(d.messageId(), d.threadId(), d.subject(), sender, d.content().html(),
        d.content().text(), d.createdAt(), d.source().wire(), d.readReceipt(), d.note(), d.quotedHtml(), d.recipients(), d.files());
    int n = d.recipients().size();
    UUID[] recipientIds = new UUID[n];
    String[] kinds = new String[n];
    for (int i = 0; i < n; i++) {
      recipientIds[i] = d.recipients().get(i).person().id();
      kinds[i] = d.recipients().get(i).kind();
    }
    Future<?> message = tx.preparedQuery(INSERT_MESSAGE).execute(Tuple.of(d.messageId(), viewer.companyId(), d.threadId(),
        viewer.userId(), d.content().html(), d.content().text(), d.source().wire(), d.readReceipt(), d.note(), d.createdAt(),
        !d.files().isEmpty(), d.quotedHtml()));
    Future<?> attached = d.files().isEmpty() ? Future.succeededFuture() : Attachments.attach(tx, d.messageId(), d.files());
    Future<?> recipients = tx.preparedQuery(INSERT_RECIPIENTS).execute(Tuple.of(d.messageId(), d.threadId(), recipientIds, kinds));
    Future<?> joined = d.joining().isEmpty() ? Future.succeededFuture()
        : tx.preparedQuery(JOIN).execute(Tuple.of(d.threadId(), viewer.companyId(), d.joining().toArray(new UUID[0])));
    // one job for the emails of the whole message: when the company's delay has passed, the outbox
    // worker emails the recipients who have not read it by then
    Future<Void> mail = new Outbox().add(viewer.companyId(), Outbox.MESSAGE, null, new JsonObject()
        .put("messageId", d.messageId().toString()).put("threadId", d.threadId().toString())).write(tx, d.mailDue());
    Future<Void> audited = Audit.record(tx, viewer.companyId(), viewer.userId(), Audit.MESSAGE_SENT,
        d.messageId().toString(), new JsonObject().put("threadId", d.threadId().toString()).put("recipients", n)
            .put("source", d.source().wire()), viewer.address());
    Set<UUID> audience = new LinkedHashSet<>();
    audience.add(viewer.userId());
    audience.addAll(List.of(recipientIds));
    d.staffOnThread().forEach(p -> audience.add(p.id()));
    changes.add(new Change(Change.MESSAGE, viewer.companyId(), d.threadId(), viewer.userId(), d.messageId(),
        List.copyOf(audience), null, LiveViews.live(view, Sanitizer.snippet(d.content().text(), LiveViews.SNIPPET)), 0));
    return Future.all(List.of(message, attached, recipients, joined, mail, audited)).mapEmpty();
  }

  /**
   * Records that the viewer opened these messages (all of the thread's when {@code messageIds} is
   * null) in the platform. A first open sets {@code read_at}; it never moves afterwards. Only the
   * viewer's own rows are written (the thread is not locked): the message rows were committed before
   * anyone could read them.
   */
  public Future<Void> markRead(Viewer viewer, UUID threadId, List<UUID> messageIds) {
    OffsetDateTime now = now();
    AtomicBoolean receiptsDue = new AtomicBoolean();
    boolean some = messageIds != null && !messageIds.isEmpty();
    return Db.translate(platform.writes().run(null, (tx, changes) -> {
      // the checks and the thread's staff in one statement; nothing is written unless they pass
      Future<RowSet<Row>> thread = some
          ? tx.preparedQuery(THREAD_READ_AMONG).execute(Tuple.of(threadId, viewer.companyId(), viewer.userId(),
              messageIds.toArray(new UUID[0]), viewer.isStaff()))
          : tx.preparedQuery(THREAD_READ_BY).execute(Tuple.of(threadId, viewer.companyId(), viewer.userId()));
      return thread.compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(Problem.notFound("thread"));
        }
        Row checked = rows.iterator().next();
        if (some && checked.getLong("visible") != messageIds.size()) {
          return Future.failedFuture(Problem.notFound("message"));
        }
        // opening the thread also clears what "mark unread" set (read_at itself is set once only); no
        // statement at all when nothing is marked, which is nearly always
        Future<Integer> cleared = Boolean.TRUE.equals(checked.getBoolean("marked"))
            ? Mailbox.clearMarks(tx, viewer.userId(), threadId)
            : Future.succeededFuture(0);
        Future<RowSet<Row>> read = some
            ? tx.preparedQuery(MARK_THESE_READ).execute(Tuple.of(viewer.userId(), threadId, messageIds.toArray(new UUID[0]), now))
            : tx.preparedQuery(MARK_ALL_READ).execute(Tuple.of(viewer.userId(), threadId, now));
        // the thread's count after the update, asked in the same flush (it sees this transaction's rows);
        // not the total, which would cost a row per unread message the reader has anywhere
        Future<Integer> counts = Threads.unreadIn(tx, viewer.userId(), threadId);
        return Future.all(cleared, read, counts).compose(x -> {
          if (read.result().size() > 0) {
            return recordReads(tx, changes, viewer, threadId, read.result(), checked.getArrayOfUUIDs("staff"), counts.result(),
                now, receiptsDue);
          }
          // only marks were cleared: the reader's browsers hear of the counts
          return cleared.result() == 0 ? Future.<Void>succeededFuture() : Mailbox.counted(tx, changes, viewer, threadId);
        });
      });
    })).map(v -> afterCommit(null, receiptsDue.get()));
  }

  private Future<Void> recordReads(SqlConnection tx, Changes changes, Viewer viewer, UUID threadId, RowSet<Row> read,
                                   UUID[] staff, int threadUnread, OffsetDateTime now, AtomicBoolean receiptsDue) {
    List<UUID> messages = new ArrayList<>();
    Map<UUID, UUID> senderOf = new LinkedHashMap<>();
    Set<UUID> withReceipt = new HashSet<>();
    for (Row r : read) {
      UUID m = r.getUUID("message_id");
      messages.add(m);
      senderOf.put(m, r.getUUID("sender_id"));
      if (Boolean.TRUE.equals(r.getBoolean("read_receipt"))) {
        withReceipt.add(m);
      }
    }
    UUID[] senders = new HashSet<>(senderOf.values()).toArray(new UUID[0]);
    Future<RowSet<Row>> notify = tx.preparedQuery(NOTIFY_ON_READ).execute(Tuple.of(viewer.companyId(), (Object) senders));
    Future<Void> audited = Audit.record(tx, viewer.companyId(), viewer.userId(), Audit.MARKED_READ, threadId.toString(),
        new JsonObject().put("messageIds", new JsonArray(messages.stream().map(UUID::toString).toList())), viewer.address());
    String readAt = now.toInstant().toString();
    Set<UUID> audience = new LinkedHashSet<>();
    audience.add(viewer.userId());
    audience.addAll(senderOf.values());
    audience.addAll(List.of(staff));
    JsonArray read1 = new JsonArray();
    senderOf.forEach((m, sender) -> read1.add(new JsonObject().put("id", m.toString()).put("senderId", sender.toString())));
    changes.add(new Change(Change.READ, viewer.companyId(), threadId, viewer.userId(), null, List.copyOf(audience),
        new JsonObject().put("readerId", viewer.userId().toString()).put("readAt", readAt).put("messages", read1)
            .put("threadUnread", threadUnread), null, 0));
    return Future.all(notify, audited).compose(done -> {
      Set<UUID> notifyAlways = new HashSet<>();
      notify.result().forEach(r -> notifyAlways.add(r.getUUID("user_id")));
      Outbox outbox = new Outbox();
      for (UUID m : messages) {
        UUID sender = senderOf.get(m);
        if (!sender.equals(viewer.userId()) && (withReceipt.contains(m) || notifyAlways.contains(sender))) {
          outbox.add(viewer.companyId(), Outbox.READ_RECEIPT, sender, new JsonObject().put("threadId", threadId.toString())
              .put("messageId", m.toString()).put("readerId", viewer.userId().toString()).put("readAt", readAt));
        }
      }
      return outbox.write(tx, receiptsDue);
    });
  }

  /**
   * Takes the thread out of the viewer's inbox and the viewer out of its replies: nobody's reply
   * (web or email) reaches them there any more, until someone writes to them in it again.
   */
  public Future<Void> leave(Viewer viewer, UUID threadId) {
    return Db.translate(platform.writes().run(null, (tx, changes) ->
        tx.preparedQuery(THREAD_SEEN_BY).execute(Tuple.of(threadId, viewer.companyId(), viewer.userId()))
            .compose(threadRows -> {
              if (threadRows.size() == 0) {
                return Future.failedFuture(Problem.notFound("thread"));
              }
              Future<RowSet<Row>> left = tx.preparedQuery(LEAVE).execute(Tuple.of(viewer.userId(), threadId));
              Future<Integer> unread = Threads.unread(tx, viewer.userId());
              Future<Void> audited = Audit.record(tx, viewer.companyId(), viewer.userId(), Audit.THREAD_LEFT, threadId.toString(),
                  new JsonObject(), viewer.address());
              return Future.all(left, unread, audited).map(done -> {
                changes.add(new Change(Change.LEFT, viewer.companyId(), threadId, viewer.userId(), null,
                    List.of(viewer.userId()), new JsonObject().put("unread", unread.result()), null, 0));
                return (Void) null;
              });
            })))
        .map(v -> (Void) null);
  }

  /**
   * After commit (the group commit has published the changes): wakes the outbox workers when an email
   * is due now (a read receipt, a notification of a company without delay). A notification that waits
   * the company's delay is found by the workers' poll.
   */
  private <T> T afterCommit(T result, boolean emailDue) {
    if (emailDue) {
      Outbox.ring(platform.vertx());
    }
    return result;
  }

  private void checkRate(Viewer viewer) {
    String key = viewer.userId().toString();
    if (!platform.limits().sendPerUser().tryAcquire(key)) {
      throw Problem.tooMany(platform.limits().sendPerUser().retryAfter(key), "you are sending too fast");
    }
  }

  private OffsetDateTime now() {
    return now(platform.clock());
  }

  /** A write's time as messaging stores it: UTC, to the microsecond (what PostgreSQL keeps). */
  static OffsetDateTime now(java.time.Clock clock) {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
  }

  private static String kind(MessageView.Person p, String asked) {
    return p.role().isContact() ? "bcc" : asked;
  }

  private static List<UUID> withoutSelf(List<UUID> ids, UUID self) {
    return ids.stream().filter(id -> !id.equals(self)).toList();
  }

  private static Map<UUID, MessageView.Person> people(List<Reachability.Person> allowed) {
    Map<UUID, MessageView.Person> m = new HashMap<>();
    allowed.forEach(p -> m.put(p.id(), new MessageView.Person(p.id(), p.name(), p.role())));
    return m;
  }

}
