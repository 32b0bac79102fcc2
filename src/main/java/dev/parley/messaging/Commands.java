package dev.parley.messaging;

import dev.parley.Fields;
import dev.parley.Problem;
import dev.parley.files.Attachments;
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

  /** A new conversation. */
  public record NewThread(List<UUID> to, List<UUID> cc, String subject, Content content, boolean readReceipt,
                          List<UUID> attachmentIds) {

    public NewThread(List<UUID> to, List<UUID> cc, String subject, Content content, boolean readReceipt) {
      this(to, cc, subject, content, readReceipt, List.of());
    }

    public static NewThread from(JsonObject json) {
      Fields b = Fields.strict(json, "to", "cc", "subject", "bodyHtml", "readReceipt", "attachmentIds");
      List<UUID> to = orEmpty(b.optionalUuids("to", MAX_RECIPIENTS + 1));
      List<UUID> cc = orEmpty(b.optionalUuids("cc", MAX_RECIPIENTS + 1));
      String subject = Commands.subject(b.requiredString("subject", MAX_SUBJECT));
      Content content = Content.of(b.optionalText("bodyHtml"));
      NewThread cmd = new NewThread(to, cc, subject, content, b.bool("readReceipt", false), Commands.attachmentIds(b));
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

  /** A message in an existing thread; staff may name recipients, otherwise it goes to the thread. */
  public record Reply(Content content, boolean readReceipt, List<UUID> to, List<UUID> cc, List<UUID> attachmentIds) {

    public Reply(Content content, boolean readReceipt, List<UUID> to, List<UUID> cc) {
      this(content, readReceipt, to, cc, List.of());
    }

    public static Reply from(JsonObject json) {
      Fields b = Fields.strict(json, "bodyHtml", "readReceipt", "to", "cc", "attachmentIds");
      Content content = Content.of(b.optionalText("bodyHtml"));
      List<UUID> to = b.optionalUuids("to", MAX_RECIPIENTS + 1);
      List<UUID> cc = b.optionalUuids("cc", MAX_RECIPIENTS + 1);
      Reply r = new Reply(content, b.bool("readReceipt", false), to, cc, Commands.attachmentIds(b));
      if (r.named() && union(orEmpty(to), orEmpty(cc)).size() > MAX_RECIPIENTS) {
        throw Problem.invalid("a message may have at most " + MAX_RECIPIENTS + " recipients");
      }
      return r;
    }

    public boolean named() {
      return to != null || cc != null;
    }
  }

  /** Messages a reader has seen in a thread. */
  public record MarkRead(List<UUID> messageIds) {

    public static MarkRead from(JsonObject json) {
      return new MarkRead(Fields.strict(json, "messageIds").optionalUuids("messageIds", 1000));
    }
  }

  /** The uploaded files a message names (none when absent); 422 over {@link Attachments#MAX_PER_MESSAGE}. */
  static List<UUID> attachmentIds(Fields b) {
    List<UUID> ids = orEmpty(b.optionalUuids("attachmentIds", 1000));
    if (ids.size() > Attachments.MAX_PER_MESSAGE) {
      throw new Problem(422, "too_many_attachments",
          "'attachmentIds': a message may carry at most " + Attachments.MAX_PER_MESSAGE + " files");
    }
    return ids;
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
