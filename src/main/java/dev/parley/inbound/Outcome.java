package dev.parley.inbound;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/** What became of one inbound email. */
public record Outcome(Kind kind, String reason, UUID messageId) {

  /** The possible fates of an email. */
  public enum Kind {
    /** Posted to its thread as a reply. */
    POSTED,
    /** Already taken once (same Message-ID, or same raw message). */
    DUPLICATE,
    /** Automatic mail (auto-reply, bounce, list, loop) or mail to no reply address: ignored, never answered. */
    DROPPED,
    /** A human reply that failed a check; its sender is told once (rate-limited). */
    REFUSED,
    /** Not a message we can read (too large, malformed). */
    REJECTED,
    /** Another worker is taking the same email right now; try again shortly. */
    BUSY;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  static Outcome posted(UUID messageId) {
    return new Outcome(Kind.POSTED, null, messageId);
  }

  static Outcome duplicate() {
    return new Outcome(Kind.DUPLICATE, null, null);
  }

  static Outcome dropped(String reason) {
    return new Outcome(Kind.DROPPED, reason, null);
  }

  static Outcome refused(String reason) {
    return new Outcome(Kind.REFUSED, reason, null);
  }

  static Outcome rejected(String reason) {
    return new Outcome(Kind.REJECTED, reason, null);
  }

  static Outcome busy() {
    return new Outcome(Kind.BUSY, null, null);
  }

  /** Done with for good: the mailbox reader may move past it. */
  public boolean isFinal() {
    return kind != Kind.BUSY;
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("outcome", kind.wire());
    if (reason != null) {
      j.put("reason", reason);
    }
    return j;
  }
}
