package dev.parley.notify;

import dev.parley.ParleyConfig;
import dev.parley.directory.Role;
import dev.parley.messaging.MessageView;
import dev.parley.messaging.Sanitizer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailMessage;
import io.vertx.sqlclient.SqlClient;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Builds the email of each claimed outbox row from the database as it is at send time: the company's
 * mode is read now, so switching Convenience Mode off makes the next email secure. Each kind maps to
 * one composer and its templates; a contact's email is built from {@link MessageView#as} for that
 * contact, so it never names another contact. A message is read by the one loader of the thread API
 * and the live feed ({@link Messages}). A recipient's waiting notifications of one thread make one
 * email.
 */
final class Emails {

  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMMM yyyy 'at' HH:mm 'UTC'", Locale.ENGLISH)
      .withZone(ZoneOffset.UTC);

  /** The email of one row, or why it cannot be sent (a permanent failure). */
  record Built(Claimed row, MailMessage mail, String refusal, String problem) {
    static Built refused(Claimed row, String why) {
      return new Built(row, null, why, null);
    }

    /** Not built now for a passing reason (the database did not answer): try again later. */
    static Built later(Claimed row, String problem) {
      return new Built(row, null, null, problem);
    }
  }

  private interface Composer {
    Future<Built> compose(SqlClient client, Claimed row, Map<UUID, MessageView> loaded);
  }

  private final ParleyConfig config;
  private final ReplyTokens replyTokens;
  private final Messages messages;
  private final PasswordLinkTokens linkTokens;
  private final String fromAddress;
  private final Map<String, Composer> composers = new HashMap<>();

  Emails(ParleyConfig config, ReplyTokens replyTokens, Messages messages, PasswordLinkTokens linkTokens) {
    this.config = config;
    this.replyTokens = replyTokens;
    this.messages = messages;
    this.linkTokens = linkTokens;
    this.fromAddress = HeaderGuard.addressOf(config.mailFrom());
    composers.put(Outbox.NOTIFICATION, this::notification);
    composers.put(Outbox.READ_RECEIPT, this::readReceipt);
    composers.put(Outbox.REPLY_REFUSED, (client, row, loaded) -> Future.succeededFuture(replyRefused(row)));
    composers.put(Outbox.PASSWORD_LINK, (client, row, loaded) -> Future.succeededFuture(passwordLink(row)));
  }

  /** The emails of a batch, in its order; {@code client} is used for the reads (and reply tokens). */
  Future<List<Built>> build(SqlClient client, List<Claimed> rows) {
    List<UUID> messageIds = new ArrayList<>();
    for (Claimed r : rows) {
      if (!composers.containsKey(r.kind())) {
        continue;
      }
      for (Claimed.Part p : r.parts()) {
        UUID id = messageOf(p);
        if (id != null) {
          messageIds.add(id);
        }
      }
    }
    return messages.load(client, new LinkedHashSet<>(messageIds)).compose(loaded -> {
      List<Future<Built>> out = new ArrayList<>();
      for (Claimed r : rows) {
        Composer c = composers.get(r.kind());
        Future<Built> f;
        try {
          f = c == null ? Future.succeededFuture(Built.refused(r, "no template for kind " + r.kind()))
              : c.compose(client, r, loaded);
        } catch (HeaderGuard.Unsafe e) {
          f = Future.succeededFuture(Built.refused(r, e.getMessage()));
        } catch (RuntimeException e) {
          f = Future.failedFuture(e);
        }
        out.add(f.recover(e -> Future.succeededFuture(e instanceof HeaderGuard.Unsafe
            ? Built.refused(r, e.getMessage()) : Built.later(r, String.valueOf(e.getMessage())))));
      }
      return Future.all(out).map(all -> all.<Built>list());
    });
  }

  private Future<Built> notification(SqlClient client, Claimed row, Map<UUID, MessageView> loaded) {
    if (row.parts().size() > 1) {
      return digest(client, row, loaded);
    }
    MessageView m = loaded.get(row.uuid("messageId"));
    Built unusable = checkRecipient(row, m);
    if (unusable != null) {
      return Future.succeededFuture(unusable);
    }
    JsonObject seen = m.as(row.recipientId(), row.recipientRole().isStaff()).orElse(null);
    if (seen == null) {
      return Future.succeededFuture(Built.refused(row, "the recipient may not see this message"));
    }
    Map<String, String> v = common(row, m.threadId());
    v.put("sender", HeaderGuard.text(m.sender().name()));
    String from = HeaderGuard.mailbox(m.sender().name() + " via " + row.companyName(), fromAddress);
    if (!row.convenienceMode()) {
      return Future.succeededFuture(mail(row, from, Templates.render("notification-secure", v), m.threadId(), null));
    }
    v.put("subject", HeaderGuard.text(m.subject()));
    v.put("body", m.bodyText());
    v.put("bodyHtml", Sanitizer.html(m.bodyHtml()));
    v.put("recipients", recipients(seen, row.recipientId()));
    v.put("files", files(m).isEmpty() ? "" : FILES_TEXT + files(m) + "\n\n");
    v.put("filesHtml", filesHtml(m));
    return replyTokens.issue(client, row.companyId(), row.recipientId(), m.threadId())
        .map(token -> mail(row, from, Templates.render("notification-convenience", v), m.threadId(),
            HeaderGuard.address(ReplyTokens.address(token, config.replyDomain()))));
  }

  /**
   * One email for a recipient's waiting notifications of one thread: the messages oldest first, with
   * the Message-ID of the newest. A message that is gone or not the recipient's to see is left out.
   */
  private Future<Built> digest(SqlClient client, Claimed row, Map<UUID, MessageView> loaded) {
    List<MessageView> messages = new ArrayList<>();
    Map<UUID, String> messageIds = new HashMap<>();
    Built unusable = null;
    for (Claimed.Part p : row.parts()) {
      MessageView m = loaded.get(messageOf(p));
      Built problem = checkRecipient(row, m);
      if (problem != null) {
        unusable = problem;
      } else if (m.as(row.recipientId(), row.recipientRole().isStaff()).isPresent()) {
        messages.add(m);
        messageIds.put(m.id(), p.messageId());
      }
    }
    if (messages.isEmpty()) {
      return Future.succeededFuture(unusable != null ? unusable : Built.refused(row, "the recipient may not see these messages"));
    }
    messages.sort(Comparator.comparing(MessageView::createdAt).thenComparing(MessageView::id));
    MessageView newest = messages.get(messages.size() - 1);
    String messageId = messageIds.get(newest.id());
    UUID threadId = newest.threadId();
    Map<String, String> v = common(row, threadId);
    List<String> senders = messages.stream().map(m -> HeaderGuard.text(m.sender().name())).distinct().toList();
    v.put("senders", names(senders));
    v.put("count", Integer.toString(messages.size()));
    String from = senders.size() == 1 ? HeaderGuard.mailbox(senders.get(0) + " via " + row.companyName(), fromAddress)
        : HeaderGuard.mailbox(row.companyName(), fromAddress);
    if (!row.convenienceMode()) {
      return Future.succeededFuture(mail(row, messageId, from, Templates.render("notification-secure-digest", v), threadId, null));
    }
    StringBuilder html = new StringBuilder();
    StringBuilder text = new StringBuilder();
    for (MessageView m : messages) {
      Map<String, String> item = new HashMap<>();
      item.put("sender", HeaderGuard.text(m.sender().name()));
      item.put("when", WHEN.format(m.createdAt()));
      item.put("body", m.bodyText());
      item.put("bodyHtml", Sanitizer.html(m.bodyHtml()));
      item.put("recipients", recipients(m.as(row.recipientId(), row.recipientRole().isStaff()).orElseThrow(), row.recipientId()));
      item.put("files", files(m).isEmpty() ? "" : "\n" + FILES_TEXT + files(m));
      item.put("filesHtml", filesHtml(m));
      html.append(Templates.fragment("notification-convenience-item.html", item, true));
      text.append(Templates.fragment("notification-convenience-item.txt", item, false)).append('\n');
    }
    v.put("subject", HeaderGuard.text(newest.subject()));
    v.put("items", text.toString().stripTrailing());
    v.put("itemsHtml", html.toString());
    return replyTokens.issue(client, row.companyId(), row.recipientId(), threadId)
        .map(token -> mail(row, messageId, from, Templates.render("notification-convenience-digest", v), threadId,
            HeaderGuard.address(ReplyTokens.address(token, config.replyDomain()))));
  }

  private static final String FILES_TEXT = "Files (download them in the portal): ";

  /**
   * The names of a message's files, for Convenience Mode only: their content never travels by email,
   * and a Secure Mode email never names them.
   */
  private static String files(MessageView m) {
    return String.join(", ", m.attachments().stream().map(a -> HeaderGuard.text(a.name())).toList());
  }

  private static String filesHtml(MessageView m) {
    if (m.attachments().isEmpty()) {
      return "";
    }
    return "<p style=\"margin:0 0 20px 0;font-size:13px;color:#6b7280;\">" + Templates.escape(FILES_TEXT + files(m)) + "</p>\n";
  }

  /** "A", "A and B", "A, B and C". */
  private static String names(List<String> names) {
    if (names.size() == 1) {
      return names.get(0);
    }
    return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
  }

  /** The message a row announces, or null when its payload names none that is well formed. */
  private static UUID messageOf(Claimed.Part p) {
    String v = p.payload().getString("messageId");
    try {
      return v == null ? null : UUID.fromString(v);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private Future<Built> readReceipt(SqlClient client, Claimed row, Map<UUID, MessageView> loaded) {
    MessageView m = loaded.get(row.uuid("messageId"));
    Built unusable = checkRecipient(row, m);
    if (unusable != null) {
      return Future.succeededFuture(unusable);
    }
    if (!m.sender().id().equals(row.recipientId())) {
      return Future.succeededFuture(Built.refused(row, "a read receipt goes to the sender of the message"));
    }
    UUID readerId = row.uuid("readerId");
    MessageView.Recipient reader = m.recipients().stream().filter(r -> r.person().id().equals(readerId)).findFirst().orElse(null);
    if (reader == null) {
      return Future.succeededFuture(Built.refused(row, "the reader is not a recipient of the message"));
    }
    Map<String, String> v = common(row, m.threadId());
    v.put("reader", HeaderGuard.text(reader.person().name()));
    v.put("readAt", readAt(row.payload().getString("readAt")));
    String from = HeaderGuard.mailbox(row.companyName(), fromAddress);
    if (!row.convenienceMode()) {
      return Future.succeededFuture(mail(row, from, Templates.render("read-receipt-secure", v), m.threadId(), null));
    }
    v.put("subject", HeaderGuard.text(m.subject()));
    v.put("snippet", Sanitizer.snippet(m.bodyText(), 200));
    return Future.succeededFuture(mail(row, from, Templates.render("read-receipt-convenience", v), m.threadId(), null));
  }

  private Built replyRefused(Claimed row) {
    String to = HeaderGuard.address(row.payload().getString("address"));
    if (to.toLowerCase(Locale.ROOT).endsWith("@" + config.replyDomain().toLowerCase(Locale.ROOT))
        || to.equalsIgnoreCase(fromAddress)) {
      return Built.refused(row, "will not answer our own address");
    }
    Map<String, String> v = new HashMap<>();
    v.put("company", HeaderGuard.text(row.companyName()));
    v.put("to", to);
    v.put("portal", config.publicUrl() + "/");
    v.put("reason", Templates.reason(row.payload().getString("reason")));
    MailMessage mail = new MailMessage()
        .setFrom(HeaderGuard.mailbox(row.companyName(), fromAddress))
        .setTo(to);
    Templates.Rendered r = Templates.render("reply-refused", v);
    mail.setSubject(r.subject()).setText(r.text()).setHtml(r.html());
    // RFC 3834: an automatic answer to a message is auto-replied, which also stops reply loops
    mail.setHeaders(headers(row.messageId(), "auto-replied"));
    return new Built(row, mail, null, null);
  }

  /** A link that sets the recipient's password; the token is derived from the link's id only now. */
  private Built passwordLink(Claimed row) {
    if (row.recipientEmail() == null) {
      return Built.refused(row, "the recipient is not there");
    }
    if (!row.recipientActive()) {
      return Built.refused(row, "the recipient is deactivated");
    }
    Map<String, String> v = new HashMap<>();
    v.put("company", HeaderGuard.text(row.companyName()));
    v.put("recipient", HeaderGuard.text(row.recipientName()));
    v.put("to", HeaderGuard.address(row.recipientEmail()));
    v.put("link", config.publicUrl() + "/#/reset/" + linkTokens.token(row.uuid("linkId")));
    String template = "set".equals(row.payload().getString("purpose")) ? "password-set" : "password-reset";
    Templates.Rendered r = Templates.render(template, v);
    MailMessage mail = new MailMessage()
        .setFrom(HeaderGuard.mailbox(row.companyName(), fromAddress))
        .setTo(HeaderGuard.mailbox(row.recipientName(), row.recipientEmail()))
        .setSubject(r.subject()).setText(r.text()).setHtml(r.html())
        .setHeaders(headers(row.messageId(), "auto-generated"));
    return new Built(row, mail, null, null);
  }

  /**
   * Why the row's email cannot be sent, or null. The recipient was read with the row's company, so a
   * message they are not on (as a recipient, or as the sender for a read receipt) is treated as not
   * there: that also keeps a row from ever announcing another company's message.
   */
  private static Built checkRecipient(Claimed row, MessageView m) {
    if (m == null || !m.threadId().equals(row.uuid("threadId"))
        || !(m.isRecipient(row.recipientId()) || m.sender().id().equals(row.recipientId()))) {
      return Built.refused(row, "the message is not there");
    }
    if (row.recipientEmail() == null || row.recipientRole() == null) {
      return Built.refused(row, "the recipient is not there");
    }
    if (!row.recipientActive()) {
      return Built.refused(row, "the recipient is deactivated");
    }
    return null;
  }

  private Map<String, String> common(Claimed row, UUID threadId) {
    Map<String, String> v = new HashMap<>();
    v.put("company", HeaderGuard.text(row.companyName()));
    v.put("recipient", HeaderGuard.text(row.recipientName()));
    v.put("to", HeaderGuard.address(row.recipientEmail()));
    v.put("link", config.publicUrl() + "/#/thread/" + threadId);
    return v;
  }

  private Built mail(Claimed row, String from, Templates.Rendered r, UUID threadId, String replyTo) {
    return mail(row, row.messageId(), from, r, threadId, replyTo);
  }

  private Built mail(Claimed row, String messageId, String from, Templates.Rendered r, UUID threadId, String replyTo) {
    MultiMap h = headers(messageId, "auto-generated");
    String root = "<t." + threadId + "@" + config.replyDomain() + ">";
    h.set("In-Reply-To", HeaderGuard.messageId(root));
    h.set("References", root);
    if (replyTo != null) {
      h.set("Reply-To", replyTo);
    }
    MailMessage mail = new MailMessage()
        .setFrom(from)
        .setTo(HeaderGuard.mailbox(row.recipientName(), row.recipientEmail()))
        .setSubject(r.subject())
        .setText(r.text())
        .setHtml(r.html())
        .setHeaders(h);
    return new Built(row, mail, null, null);
  }

  private MultiMap headers(String messageId, String autoSubmitted) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    h.set("Message-ID", HeaderGuard.messageId(messageId));
    h.set("Auto-Submitted", autoSubmitted);
    h.set("X-Auto-Response-Suppress", "All");
    return h;
  }

  private static String recipients(JsonObject seen, UUID self) {
    List<String> names = new ArrayList<>();
    for (Object o : seen.getJsonArray("recipients")) {
      JsonObject p = (JsonObject) o;
      names.add(self.toString().equals(p.getString("id")) ? "you" : HeaderGuard.text(p.getString("name")));
    }
    return String.join(", ", names);
  }

  private static String readAt(String iso) {
    try {
      return WHEN.format(Instant.parse(iso));
    } catch (RuntimeException e) {
      throw new HeaderGuard.Unsafe("payload field readAt is not a time");
    }
  }
}
