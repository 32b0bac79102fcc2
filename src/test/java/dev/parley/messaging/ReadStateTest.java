package dev.parley.messaging;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

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

  static List<JsonObject> events(Api.Session s, String type) {
    List<JsonObject> out = new ArrayList<>();
    for (Object o : s.get("/api/events?after=0").json().getJsonArray("events")) {
      JsonObject e = (JsonObject) o;
      if (e.getString("type").equals(type)) {
        out.add(e);
      }
    }
    return out;
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
    String thread = s.post("/api/threads", new JsonObject().put("to", new JsonArray().add(one.sid()).add(two.sid()))
        .put("cc", new JsonArray().add(colleague.sid())).put("subject", "Two readers").put("bodyHtml", "<p>x</p>"))
        .json().getJsonObject("thread").getString("id");
    one.login(api).post("/api/threads/" + thread + "/read", new JsonObject());
    two.login(api).post("/api/threads/" + thread + "/read", new JsonObject());

    for (Api.Session watcher : List.of(s, colleague.login(api))) {
      List<String> readers = events(watcher, "message.read").stream()
          .filter(e -> e.getJsonObject("data").getString("threadId").equals(thread))
          .map(e -> e.getJsonObject("data").getString("readerId")).toList();
      assertThat(readers).contains(one.sid(), two.sid());
    }
    // A contact hears of its own read, never of the other contact's.
    List<String> seenByOne = events(one.login(api), "message.read").stream()
        .map(e -> e.getJsonObject("data").getString("readerId")).toList();
    assertThat(seenByOne).containsOnly(one.sid());
  }

  @Test
  void eventIdsOfAPersonAreConsecutiveFromOne() {
    Fixtures.Person client = acme.client("Counted");
    Api.Session s = staff.login(api);
    String first = send(s, client);
    send(s, client);
    Api.Session c = client.login(api);
    assertThat(c.post("/api/threads/" + first + "/read", new JsonObject()).status()).isEqualTo(204);
    JsonArray events = c.get("/api/events?after=0").json().getJsonArray("events");
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.getJsonObject(i).getLong("id")).isEqualTo(i + 1L);
    }
    // a message arrives as one event that also carries the unread totals; a read tells of the
    // message read, the thread's unread count and the new total
    assertThat(events.stream().map(o -> ((JsonObject) o).getString("type")).toList())
        .containsExactly("message.created", "message.created", "message.read", "thread.updated", "unread.changed");
    assertThat(events.getJsonObject(0).getJsonObject("data").getInteger("unread")).isEqualTo(1);
    assertThat(events.getJsonObject(1).getJsonObject("data").getInteger("unread")).isEqualTo(2);
    assertThat(events.getJsonObject(3).getJsonObject("data").getInteger("unreadCount")).isZero();
    assertThat(events.getJsonObject(4).getJsonObject("data").getInteger("unread")).isEqualTo(1);
    Api.Response tail = c.get("/api/events?after=3");
    assertThat(tail.json().getJsonArray("events").size()).isEqualTo(2);
    assertThat(tail.json().getLong("last")).isEqualTo(5L);
    Api.Response none = c.get("/api/events");
    assertThat(none.json().getJsonArray("events")).isEmpty();
    assertThat(none.json().getLong("last")).isEqualTo(5L);
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
        .execute(io.vertx.sqlclient.Tuple.of(staff.id(), thread)).await().iterator().next().getLong(0);
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
