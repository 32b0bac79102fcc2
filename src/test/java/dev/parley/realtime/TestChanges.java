package dev.parley.realtime;

import dev.parley.Topics;
import dev.parley.events.Change;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Changes made up for the live fan-out, published as a write would publish them. */
final class TestChanges {

  private static final UUID COMPANY = UUID.randomUUID();
  private static final UUID THREAD = UUID.randomUUID();
  private static final UUID SENDER = UUID.randomUUID();

  private TestChanges() {
  }

  /** A message to one person, numbered {@code seq}: its event id is {@code "<seq>"}. */
  static String message(UUID to, long seq, String bodyHtml) {
    UUID id = UUID.randomUUID();
    JsonObject message = new JsonObject().put("id", id.toString()).put("threadId", THREAD.toString()).put("subject", "Made up")
        .put("sender", new JsonObject().put("id", SENDER.toString()).put("name", "Sam Sender").put("role", "staff"))
        .put("bodyHtml", bodyHtml).put("createdAt", Instant.now().toString()).put("source", "web").put("readReceipt", false)
        .putNull("note")
        .put("recipients", new JsonArray().add(new JsonObject().put("id", to.toString()).put("name", "Rae Recipient")
            .put("role", "client").put("kind", "bcc").putNull("readAt")));
    return new Change(Change.MESSAGE, COMPANY, THREAD, SENDER, id, List.of(to), null,
        new JsonObject().put("message", message).put("snippet", ""), seq).toJson().encode();
  }

  static void publish(Vertx vertx, String change) {
    vertx.eventBus().publish(Topics.CHANGES, change);
  }
}
