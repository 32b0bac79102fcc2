package dev.parley.messaging;

import dev.parley.testing.Api;
import dev.parley.testing.BridgeClient;
import dev.parley.testing.Feed;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ReadStateTest {

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;
  static Fixtures.Person staff;
  static Fixtures.Person colleague;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    acme = node.fixtures().company("Acme");
    staff = acme.staff("Sam Staff");
    colleague = acme.staff("Casey Colleague");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static String send(Api.Session s, Fixtures.Person... to) {
    return s.startThread("Statement", "<p>Ready</p>", to);
  }

  /** Starts a thread to two people, with the colleague in copy. */
  static String toTwoWithColleague(Api.Session s, Fixtures.Person one, Fixtures.Person two) {
    return s.post("/api/threads", new JsonObject().put("to", new JsonArray().add(one.sid()).add(two.sid()))
        .put("cc", new JsonArray().add(colleague.sid())).put("subject", "Two readers").put("bodyHtml", "<p>x</p>"))
        .json().getJsonObject("thread").getString("id");
  }

  @Test
  void markingReadTwiceKeepsTheFirstReadAt() {
    Fixtures.Person client = acme.client("Chris Client");
    String thread = send(staff.login(api), client);
    Api.Session c = client.login(api);
    assertThat(c.get("/api/unread").json().getInteger("unread")).isEqualTo(1);
    assertThat(c.post("/api/threads/" + thread + "/read", new JsonObject()).status()).isEqualTo(204);
    String first = readAt(staff.login(api), thread, client);
    assertThat(first).isNotNull();
    assertThat(c.post("/api/threads/" + thread + "/read", new JsonObject()).status()).isEqualTo(204);
    assertThat(readAt(staff.login(api), thread, client)).isEqualTo(first);
    assertThat(c.get("/api/unread").json().getInteger("unread")).isZero();
    assertThat(c.get("/api/inbox").json().getJsonArray("threads").getJsonObject(0).getInteger("unreadCount")).isZero();
  }

  @Test
  void theSendersAndStaffsEventsShowEachRecipientsRead() {
    Fixtures.Person one = acme.client("Reader One");
    Fixtures.Person two = acme.prospect("Reader Two");
    Api.Session s = staff.login(api);
    String thread = toTwoWithColleague(s, one, two);
    assertThat(one.login(api).post("/api/threads/" + thread + "/read", new JsonObject()).status()).isEqualTo(204);
    assertThat(two.login(api).post("/api/threads/" + thread + "/read", new JsonObject()).status()).isEqualTo(204);

    for (Api.Session watcher : List.of(s, colleague.login(api))) {
      Feed.until(watcher, "0", events -> readers(events, thread).containsAll(List.of(one.sid(), two.sid())));
    }
    // A contact hears of its own read, never of the other contact's (both reads are listed by now).
    List<JsonObject> onesFeed = Feed.after(one.login(api), "0");
    assertThat(readers(onesFeed, thread)).containsExactly(one.sid());
    assertThat(new JsonArray(onesFeed).encode()).doesNotContain(two.sid());
  }

  static List<String> readers(List<JsonObject> events, String thread) {
    return Feed.ofType(events, "message.read").stream().map(e -> e.getJsonObject("data"))
        .filter(d -> d.getString("threadId").equals(thread)).map(d -> d.getString("readerId")).toList();
  }

  @Test
  void markingReadWritesOnlyTheReadersOwnRows() {
    Fixtures.Person reader = acme.client("Rita Reader");
    Fixtures.Person other = acme.client("Otto Other");
    Api.Session s = staff.login(api);
    String thread = toTwoWithColleague(s, reader, other);
    s.post("/api/threads/" + thread + "/messages", new JsonObject().put("bodyHtml", "<p>y</p>"));
    Api.Session r = reader.login(api);
    Map<String, String> before = versions(thread);

    assertThat(r.post("/api/threads/" + thread + "/read", new JsonObject()).status()).isEqualTo(204);

    Map<String, String> after = versions(thread);
    Map<String, String> changed = new TreeMap<>();
    after.forEach((row, x) -> {
      if (!x.equals(before.get(row))) {
        changed.put(row, x);
      }
    });
    assertThat(changed.keySet()).as("rows written by the read")
        .allMatch(row -> row.startsWith("message_recipients " + reader.sid()))
        .hasSize(2);
    assertThat(after).containsKeys("threads " + thread, "thread_participants " + reader.sid());
    assertThat(r.get("/api/unread").json().getInteger("unread")).isZero();
    assertThat(other.login(api).get("/api/unread").json().getInteger("unread")).isEqualTo(2);
  }

  /** The row version (xmin) of the thread's row, its people's rows and every recipient row in it, by row. */
  static Map<String, String> versions(String thread) {
    Map<String, String> out = new TreeMap<>();
    var pool = node.parley().platform().pool();
    Tuple t = Tuple.of(UUID.fromString(thread));
    for (Row row : pool.preparedQuery("select 'threads ' || id as k, xmin::text as x from threads where id = $1 union all "
        + "select 'thread_participants ' || user_id, xmin::text from thread_participants where thread_id = $1 union all "
        + "select 'users ' || u.id, u.xmin::text from users u join thread_participants p on p.user_id = u.id where p.thread_id = $1 "
        + "union all select 'message_recipients ' || user_id || ' ' || message_id, xmin::text from message_recipients "
        + "where thread_id = $1").execute(t).await()) {
      out.put(row.getString("k"), row.getString("x"));
    }
    return out;
  }

  @Test
  void eventIdsAreUniquePerPersonAndTheSameLiveAndInCatchUp() {
    Fixtures.Person client = acme.client("Counted");
    Api.Session s = staff.login(api);
    Api.Session c = client.login(api);
    Api.Response start = c.get("/api/events");
    assertThat(start.json().getJsonArray("events")).isEmpty();
    assertThat(start.json().getBoolean("more")).isFalse();
    String from = start.json().getString("cursor");
    Vertx vertx = Vertx.vertx();
    try (BridgeClient live = BridgeClient.connect(vertx, node.baseUrl(), c.token()).register("user." + client.sid())) {
      await().atMost(Duration.ofSeconds(20)).until(live::subscribed);
      String first = send(s, client);
      send(s, client);
      assertThat(c.post("/api/threads/" + first + "/read", new JsonObject()).status()).isEqualTo(204);

      List<JsonObject> caughtUp = Feed.until(c, from, events -> events.size() == 4);
      // a message arrives as one event; a read tells of the message read and the thread's unread count
      // (the total is the client's to ask for: GET /api/unread)
      assertThat(caughtUp.stream().map(e -> e.getString("type")).toList())
          .containsExactly("message.created", "message.created", "message.read", "thread.updated");
      assertThat(caughtUp.get(3).getJsonObject("data").getMap())
          .containsExactlyInAnyOrderEntriesOf(Map.of("threadId", first, "unreadCount", 0));
      assertThat(c.get("/api/unread").json().getInteger("unread")).isEqualTo(1);
      List<String> ids = caughtUp.stream().map(e -> e.getString("id")).toList();
      assertThat(ids).doesNotHaveDuplicates();

      List<JsonObject> heard = await().atMost(Duration.ofSeconds(20)).until(live::events, events -> events.size() >= 4);
      assertThat(heard).hasSize(4);
      assertThat(heard.stream().map(e -> e.getString("id")).toList()).containsExactlyInAnyOrderElementsOf(ids);
      for (JsonObject e : heard) {
        JsonObject same = caughtUp.stream().filter(x -> x.getString("id").equals(e.getString("id"))).findFirst().orElseThrow();
        assertThat(same.getString("type")).isEqualTo(e.getString("type"));
        if (!"message.created".equals(e.getString("type"))) {
          assertThat(same).as("the same event live and in catch-up").isEqualTo(e);
        }
      }

      // from a cursor handed out after them, none of them again
      String now = c.get("/api/events").json().getString("cursor");
      assertThat(Feed.after(c, now)).isEmpty();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aReadReceiptMessageQueuesOneEmailForTheSenderOnFirstOpenOnly() {
    Fixtures.Person client = acme.client("Receipt Reader");
    Api.Session s = staff.login(api);
    String thread = s.post("/api/threads", new JsonObject().put("to", new JsonArray().add(client.sid()))
        .put("subject", "Receipt").put("bodyHtml", "<p>x</p>").put("readReceipt", true)).json().getJsonObject("thread").getString("id");
    Api.Session c = client.login(api);
    c.post("/api/threads/" + thread + "/read", new JsonObject());
    c.post("/api/threads/" + thread + "/read", new JsonObject());
    long receipts = node.parley().platform().pool()
        .preparedQuery("select count(*) from outbox where kind = 'read_receipt' and recipient_id = $1 and payload->>'threadId' = $2")
        .execute(Tuple.of(staff.id(), thread)).await().iterator().next().getLong(0);
    assertThat(receipts).isEqualTo(1);
  }

  static String readAt(Api.Session s, String thread, Fixtures.Person who) {
    JsonObject t = s.get("/api/threads/" + thread).json();
    for (Object o : t.getJsonArray("messages").getJsonObject(0).getJsonArray("recipients")) {
      JsonObject r = (JsonObject) o;
      if (r.getString("id").equals(who.sid())) {
        return r.getString("readAt");
      }
    }
    return null;
  }
}
