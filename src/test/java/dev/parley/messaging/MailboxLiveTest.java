package dev.parley.messaging;

import dev.parley.testing.Api;
import dev.parley.testing.BridgeClient;
import dev.parley.testing.Feed;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A person's own mailbox actions reach that person's other browsers, live and in catch-up alike, and no one else. */
class MailboxLiveTest {

  static final Set<String> MAILBOX_TYPES = Set.of("thread.archived", "thread.unarchived", "unread.changed", "draft.saved",
      "draft.deleted");

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    acme = node.fixtures().company("Acme");
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    node.close();
  }

  static BridgeClient socket(Api.Session s) {
    BridgeClient live = BridgeClient.connect(vertx, node.baseUrl(), s.token()).register("user." + s.userId());
    await().atMost(Duration.ofSeconds(20)).until(live::subscribed);
    return live;
  }

  static List<String> types(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("type")).toList();
  }

  @Test
  void archiveUnreadAndDraftsReachMyOtherBrowserAndNoOneElses() {
    Fixtures.Person staff = acme.staff("Stella Staff");
    Fixtures.Person client = acme.client("Mia Mine");
    Api.Session s = staff.login(api);
    Api.Session c = client.login(api);
    String thread = s.startThread("Live mailbox", "<p>hello</p>", client);
    assertThat(c.post("/api/threads/" + thread + "/read", new JsonObject()).status()).isEqualTo(204);
    String from = Feed.start(c);

    try (BridgeClient mine = socket(c); BridgeClient other = socket(c); BridgeClient staffs = socket(s)) {
      assertThat(c.post("/api/threads/" + thread + "/archive", new JsonObject()).status()).isEqualTo(204);
      assertThat(c.post("/api/threads/" + thread + "/unarchive", new JsonObject()).status()).isEqualTo(204);
      assertThat(c.post("/api/threads/" + thread + "/unread", new JsonObject()).status()).isEqualTo(204);
      Api.Response saved = c.post("/api/drafts", new JsonObject().put("threadId", thread).put("bodyHtml", "<p>later</p>"));
      assertThat(saved.status()).as(saved.toString()).isEqualTo(201);
      String draft = saved.json().getJsonObject("draft").getString("id");
      assertThat(c.delete("/api/drafts/" + draft).status()).isEqualTo(204);

      List<JsonObject> heard = await().atMost(Duration.ofSeconds(20)).until(other::events,
          events -> types(events).containsAll(MAILBOX_TYPES));
      assertThat(types(heard)).containsExactly("thread.archived", "thread.unarchived", "thread.updated", "unread.changed",
          "draft.saved", "draft.deleted");
      assertThat(heard.get(0).getJsonObject("data").getString("threadId")).isEqualTo(thread);
      assertThat(heard.get(2).getJsonObject("data").getInteger("unreadCount")).isEqualTo(1);
      assertThat(heard.get(3).getJsonObject("data").getInteger("unread")).isEqualTo(1);
      assertThat(heard.get(4).getJsonObject("data").getString("id")).isEqualTo(draft);
      assertThat(heard.get(5).getJsonObject("data").getString("id")).isEqualTo(draft);
      await().atMost(Duration.ofSeconds(20)).until(() -> mine.events().size() == heard.size());

      // catch-up serves the very same events
      List<JsonObject> caughtUp = Feed.until(c, from, events -> events.size() >= heard.size());
      assertThat(caughtUp).containsExactlyElementsOf(heard);

      // opening the thread again clears the mark, and the other browser hears of it
      assertThat(c.post("/api/threads/" + thread + "/read", new JsonObject()).status()).isEqualTo(204);
      List<JsonObject> after = await().atMost(Duration.ofSeconds(20)).until(other::events, events -> events.size() >= 8);
      assertThat(after.get(7).getString("type")).isEqualTo("unread.changed");
      assertThat(after.get(7).getJsonObject("data").getInteger("unread")).isZero();

      // another person on the thread: a later message of theirs is heard, none of my mailbox's changes before it
      Api.Response marker = s.post("/api/threads/" + thread + "/messages", new JsonObject().put("bodyHtml", "<p>marker</p>"));
      String markerId = marker.json().getJsonObject("message").getString("id");
      List<JsonObject> theirs = await().atMost(Duration.ofSeconds(20)).until(staffs::events,
          events -> Feed.created(events).contains(markerId));
      assertThat(types(theirs)).doesNotContainAnyElementsOf(MAILBOX_TYPES).doesNotContain("thread.updated");
      assertThat(new JsonArray(Feed.after(s, from)).encode()).doesNotContain("thread.archived", "draft.saved");
    }
  }
}
