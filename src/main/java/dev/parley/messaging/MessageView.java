package dev.parley.messaging;

import dev.parley.directory.Role;
import dev.parley.directory.User;
import dev.parley.files.Attachment;
import dev.parley.files.Attachments;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** A message with everyone it went to, as stored: the input of every projection. */
public record MessageView(UUID id, UUID threadId, String subject, Person sender, String bodyHtml, String bodyText,
                          OffsetDateTime createdAt, String source, boolean readReceipt, String note,
                          String quotedHtml, List<Recipient> recipients, List<Attachment> attachments) {

  /** Recipients are listed by name, whoever built the view: the live push and a later read agree. */
  private static final Comparator<Named> BY_NAME = Comparator.comparing(Named::key).thenComparing(n -> n.recipient().person().id());

  /** A recipient with its name lowered once for sorting, not at each of the sort's comparisons. */
  private record Named(String key, Recipient recipient) {
  }

  public MessageView {
    recipients = recipients.stream().map(r -> new Named(r.person().name().toLowerCase(Locale.ROOT), r))
        .sorted(BY_NAME).map(Named::recipient).toList();
    attachments = attachments == null ? List.of() : List.copyOf(attachments);
  }

  /** A message without files. */
  public MessageView(UUID id, UUID threadId, String subject, Person sender, String bodyHtml, String bodyText,
                     OffsetDateTime createdAt, String source, boolean readReceipt, String note, List<Recipient> recipients) {
    this(id, threadId, subject, sender, bodyHtml, bodyText, createdAt, source, readReceipt, note, null, recipients, List.of());
  }

  /** The files as the API shows them; whoever may see the message may see its files. */
  private JsonArray attachmentsJson() {
    JsonArray out = new JsonArray();
    attachments.forEach(a -> out.add(a.toJson()));
    return out;
  }

  /** Someone on a message. */
  public record Person(UUID id, String name, Role role) {
    public JsonObject toJson() {
      return User.card(id, name, role);
    }
  }

  /** A recipient with the delivery kind and the first in-platform open. */
  public record Recipient(Person person, String kind, OffsetDateTime readAt) {
  }

  public boolean isRecipient(UUID userId) {
    return recipients.stream().anyMatch(r -> r.person().id().equals(userId));
  }

  /**
   * This message as {@code viewer} may see it, or empty when it may not. Staff see every recipient and
   * every read time. A contact sees only messages sent to or by it; in them only staff and itself, and
   * read times only on its own messages. The API, the live feed and the emails all use this.
   */
  public Optional<JsonObject> as(UUID viewerId, boolean viewerIsStaff) {
    boolean mine = sender.id().equals(viewerId);
    if (!viewerIsStaff && !mine && !isRecipient(viewerId)) {
      return Optional.empty();
    }
    JsonArray rs = new JsonArray();
    for (Recipient r : recipients) {
      boolean self = r.person().id().equals(viewerId);
      if (!viewerIsStaff && !self && r.person().role().isContact()) {
        continue;
      }
      boolean showRead = viewerIsStaff || mine || self;
      rs.add(r.person().toJson()
          .put("kind", r.kind())
          .put("readAt", showRead && r.readAt() != null ? r.readAt().toInstant().toString() : null));
    }
    JsonObject json = new JsonObject()
        .put("id", id.toString())
        .put("threadId", threadId.toString())
        .put("sender", sender.toJson())
        .put("bodyHtml", bodyHtml)
        .put("createdAt", createdAt.toInstant().toString())
        .put("source", source)
        .put("recipients", rs)
        .put("attachments", attachmentsJson());
    if (mine) {
      json.put("readReceipt", readReceipt);
    }
    if (note != null) {
      json.put("note", note);
    }
    if (quotedHtml != null) {
      json.put("quotedHtml", quotedHtml);
    }
    return Optional.of(json);
  }

  /** The whole message as stored (every recipient and read time), for the one copy a write publishes; not a projection. */
  JsonObject toJson() {
    JsonArray rs = new JsonArray();
    for (Recipient r : recipients) {
      rs.add(r.person().toJson().put("kind", r.kind())
          .put("readAt", r.readAt() == null ? null : r.readAt().toInstant().toString()));
    }
    return new JsonObject()
        .put("id", id.toString())
        .put("threadId", threadId.toString())
        .put("subject", subject)
        .put("sender", sender.toJson())
        .put("bodyHtml", bodyHtml)
        .put("createdAt", createdAt.toInstant().toString())
        .put("source", source)
        .put("readReceipt", readReceipt)
        .put("note", note)
        .put("quotedHtml", quotedHtml)
        .put("recipients", rs)
        .put("attachments", attachmentsJson());
  }

  /** The message {@link #toJson} wrote, without its plain text (the fan-out needs only what it projects). */
  static MessageView fromJson(JsonObject j) {
    List<Recipient> rs = new java.util.ArrayList<>();
    for (Object o : j.getJsonArray("recipients")) {
      JsonObject r = (JsonObject) o;
      String readAt = r.getString("readAt");
      rs.add(new Recipient(person(r), r.getString("kind"),
          readAt == null ? null : OffsetDateTime.parse(readAt)));
    }
    return new MessageView(UUID.fromString(j.getString("id")), UUID.fromString(j.getString("threadId")),
        j.getString("subject"), person(j.getJsonObject("sender")), j.getString("bodyHtml"), "",
        OffsetDateTime.parse(j.getString("createdAt")), j.getString("source"), j.getBoolean("readReceipt", false),
        j.getString("note"), j.getString("quotedHtml"), rs, Attachments.fromJson(j.getJsonArray("attachments")));
  }

  private static Person person(JsonObject p) {
    return new Person(UUID.fromString(p.getString("id")), p.getString("name"), Role.parse(p.getString("role")));
  }
}
