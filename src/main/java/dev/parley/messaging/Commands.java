package dev.parley.messaging;

import dev.parley.Fields;
import dev.parley.Problem;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

/** The writes of messaging, each parsed from its JSON and validated when built. */
public final class Commands {

  public static final int MAX_SUBJECT = 200;
  public static final int MAX_BODY_HTML = 100_000;
  public static final int MAX_RECIPIENTS = 100;

  private Commands() {
  }

  /** Where a message came from. */
  public enum Source {
    WEB, EMAIL;

    public String wire() {
      return this == WEB ? "web" : "email";
    }
  }

  /** A message body, sanitized, with its plain text. */
  public record Content(String html, String text) {
    public static Content of(String untrustedHtml) {
      if (untrustedHtml == null || untrustedHtml.isBlank()) {
        throw Problem.invalid("'bodyHtml' is required");
      }
      if (untrustedHtml.length() > MAX_BODY_HTML) {
        throw Problem.tooLarge("'bodyHtml' is longer than " + MAX_BODY_HTML + " characters");
      }
      String html = Sanitizer.html(untrustedHtml);
      String text = Sanitizer.text(html);
      if (text.isBlank()) {
        throw Problem.invalid("the message is empty");
      }
      return new Content(html, text);
    }
  }

  /** A new conversation; {@code draftId}: the sender's draft it came from, deleted with the send. */
  public record NewThread(List<UUID> to, List<UUID> cc, String subject, Content content, boolean readReceipt, UUID draftId) {

    public static NewThread from(JsonObject json) {
      Fields b = Fields.strict(json, "to", "cc", "subject", "bodyHtml", "readReceipt", "draftId");
      List<UUID> to = orEmpty(b.optionalUuids("to", MAX_RECIPIENTS + 1));
      List<UUID> cc = orEmpty(b.optionalUuids("cc", MAX_RECIPIENTS + 1));
      String subject = Commands.subject(b.requiredString("subject", MAX_SUBJECT));
      Content content = Content.of(b.optionalText("bodyHtml"));
      NewThread cmd = new NewThread(to, cc, subject, content, b.bool("readReceipt", false), b.optionalUuid("draftId"));
      if (cmd.to.isEmpty() && cmd.cc.isEmpty()) {
        throw Problem.invalid("'to' needs at least one recipient");
      }
      if (cmd.everyone().size() > MAX_RECIPIENTS) {
        throw Problem.invalid("a message may have at most " + MAX_RECIPIENTS + " recipients");
      }
      return cmd;
    }

    public List<UUID> everyone() {
      return union(to, cc);
    }
  }

  /**
   * A message in an existing thread; staff may name recipients, otherwise it goes to the thread.
   * {@code draftId}: the sender's draft it came from, deleted with the send.
   */
  public record Reply(Content content, boolean readReceipt, List<UUID> to, List<UUID> cc, UUID draftId) {

    public Reply(Content content, boolean readReceipt, List<UUID> to, List<UUID> cc) {
      this(content, readReceipt, to, cc, null);
    }

    public static Reply from(JsonObject json) {
      Fields b = Fields.strict(json, "bodyHtml", "readReceipt", "to", "cc", "draftId");
      Content content = Content.of(b.optionalText("bodyHtml"));
      List<UUID> to = b.optionalUuids("to", MAX_RECIPIENTS + 1);
      List<UUID> cc = b.optionalUuids("cc", MAX_RECIPIENTS + 1);
      Reply r = new Reply(content, b.bool("readReceipt", false), to, cc, b.optionalUuid("draftId"));
      if (r.named() && union(orEmpty(to), orEmpty(cc)).size() > MAX_RECIPIENTS) {
        throw Problem.invalid("a message may have at most " + MAX_RECIPIENTS + " recipients");
      }
      return r;
    }

    public boolean named() {
      return to != null || cc != null;
    }
  }

  /**
   * A draft as the composer saves it: validated like a send (ids, sizes, a single-line subject) but
   * any part may still be empty. Its body is sanitized on write like a message's; attachment ids are
   * kept as given (a send checks them).
   */
  public record SaveDraft(UUID threadId, List<UUID> to, List<UUID> cc, String subject, String bodyHtml,
                          List<UUID> attachmentIds) {

    public static final int MAX_ATTACHMENTS = 20;

    public static SaveDraft from(JsonObject json) {
      Fields b = Fields.strict(json, "threadId", "to", "cc", "subject", "bodyHtml", "attachmentIds");
      List<UUID> to = orEmpty(b.optionalUuids("to", MAX_RECIPIENTS));
      List<UUID> cc = orEmpty(b.optionalUuids("cc", MAX_RECIPIENTS));
      if (union(to, cc).size() > MAX_RECIPIENTS) {
        throw Problem.invalid("a message may have at most " + MAX_RECIPIENTS + " recipients");
      }
      String rawSubject = b.optionalString("subject", MAX_SUBJECT);
      String subject = rawSubject == null || rawSubject.isBlank() ? "" : Commands.subject(rawSubject);
      String body = b.optionalText("bodyHtml");
      if (body != null && body.length() > MAX_BODY_HTML) {
        throw Problem.tooLarge("'bodyHtml' is longer than " + MAX_BODY_HTML + " characters");
      }
      String html = body == null || body.isBlank() ? "" : Sanitizer.html(body);
      return new SaveDraft(b.optionalUuid("threadId"), to, cc, subject, html,
          orEmpty(b.optionalUuids("attachmentIds", MAX_ATTACHMENTS)));
    }
  }

  /** Where marking a thread unread starts: this message and every later one of mine, or (null) my last one. */
  public record MarkUnread(UUID fromMessageId) {

    public static MarkUnread from(JsonObject json) {
      return new MarkUnread(Fields.strict(json, "fromMessageId").optionalUuid("fromMessageId"));
    }
  }

  /** Messages a reader has seen in a thread. */
  public record MarkRead(List<UUID> messageIds) {

    public static MarkRead from(JsonObject json) {
      return new MarkRead(Fields.strict(json, "messageIds").optionalUuids("messageIds", 1000));
    }
  }

  static String subject(String raw) {
    Fields.requireSingleLine("subject", raw);
    String s = raw.strip();
    if (s.isEmpty()) {
      throw Problem.invalid("'subject' is required");
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        throw Problem.invalid("'subject' must not contain control characters");
      }
    }
    return s;
  }

  static List<UUID> orEmpty(List<UUID> l) {
    return l == null ? List.of() : l;
  }

  static List<UUID> union(List<UUID> a, List<UUID> b) {
    LinkedHashSet<UUID> all = new LinkedHashSet<>(a);
    all.addAll(b);
    return new ArrayList<>(all);
  }
}
