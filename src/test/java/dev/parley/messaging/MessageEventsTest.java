package dev.parley.messaging;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What a send stores in the events table, and what the feed gives back from it. */
class MessageEventsTest {

  static TestNode node;
  static Api api;
  static Pool pool;
  static Fixtures.Company acme;
  static Fixtures.Person sam;

  /** About 1 KB, like the benchmark's messages; the marker is only in the tail, well past the snippet. */
  static final String BODY = "<p>" + ("Your statements for the last quarter are ready. They cover the pension, the ISA and "
      + "the general account, with the fees of each listed at the end. Please read them before our call. ").repeat(5)
      + "Reference tangerine-ledger-0427.</p>";

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    pool = node.parley().platform().pool();
    acme = node.fixtures().company("Acme");
    sam = acme.staff("Sam Staff");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static List<Row> storedEvents(List<Fixtures.Person> people) {
    UUID[] ids = people.stream().map(Fixtures.Person::id).toArray(UUID[]::new);
    List<Row> out = new ArrayList<>();
    pool.preparedQuery("select user_id, seq, type, data, pg_column_size(data) as size from events "
            + "where user_id = any($1::uuid[]) order by user_id, seq")
        .execute(Tuple.of((Object) ids)).await().forEach(out::add);
    return out;
  }

  static JsonObject onlyEvent(Api.Session s, long after) {
    JsonArray events = s.get("/api/events?after=" + after).json().getJsonArray("events");
    assertThat(events).hasSize(1);
    return events.getJsonObject(0);
  }

  @Test
  void aSendToTenPeopleStoresOneSmallEventPerPersonWithoutTheBody() {
    Fixtures.Person sender = acme.staff("Sid Sender");
    List<Fixtures.Person> to = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      to.add(i < 3 ? acme.staff("Staff " + i) : acme.client("Client " + i));
    }
    JsonArray ids = new JsonArray();
    to.forEach(p -> ids.add(p.sid()));
    Api.Response sent = sender.login(api).post("/api/threads", new JsonObject().put("to", ids)
        .put("subject", "Quarterly statements").put("bodyHtml", BODY));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
    String messageId = sent.json().getJsonObject("message").getString("id");

    List<Fixtures.Person> involved = new ArrayList<>(to);
    involved.add(sender);
    List<Row> rows = storedEvents(involved);
    assertThat(rows).hasSize(11);
    for (Row r : rows) {
      JsonObject data = (JsonObject) r.getValue("data");
      assertThat(r.getString("type")).isEqualTo("message.created");
      assertThat(r.getLong("seq")).isEqualTo(1L);
      assertThat(data.getString("id")).isEqualTo(messageId);
      assertThat(data.encode()).doesNotContain("tangerine-ledger", "bodyHtml", "recipients", "Staff 0", "Client 9");
      assertThat(r.getInteger("size")).as("ids and counts only").isLessThan(200);
      assertThat(data.encode()).doesNotContain("Quarterly statements");
      boolean isSender = r.getUUID("user_id").equals(sender.id());
      assertThat(data.getInteger("unread")).isEqualTo(isSender ? 0 : 1);
      assertThat(data.getJsonObject("thread").getInteger("unreadCount")).isEqualTo(isSender ? 0 : 1);
    }
  }

  @Test
  void aMessageEventCarriesThePersonsInboxRowAndUnreadTotal() {
    Fixtures.Person client = acme.client("Cleo Client");
    Api.Session s = sam.login(api);
    String thread = ReadStateTest.send(s, client);
    Api.Session c = client.login(api);
    long before = c.get("/api/events").json().getLong("last");
    Api.Response reply = s.post("/api/threads/" + thread + "/messages", new JsonObject().put("bodyHtml", "<p>One more thing</p>"));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(201);

    JsonObject event = onlyEvent(c, before);
    assertThat(event.getString("type")).isEqualTo("message.created");
    JsonObject data = event.getJsonObject("data");
    assertThat(data.getString("id")).isEqualTo(reply.json().getJsonObject("message").getString("id"));
    assertThat(data.getString("bodyHtml")).contains("One more thing");
    assertThat(data.getJsonObject("sender").getString("id")).isEqualTo(sam.sid());
    assertThat(data.getInteger("unread")).isEqualTo(2);
    JsonObject row = c.get("/api/inbox").json().getJsonArray("threads").getJsonObject(0);
    assertThat(data.getJsonObject("thread").getMap()).containsExactlyInAnyOrderEntriesOf(new JsonObject()
        .put("id", thread).put("subject", "Statement").put("lastMessageAt", row.getString("lastMessageAt"))
        .put("snippet", "One more thing").put("unreadCount", 2).getMap());
    assertThat(row.getString("snippet")).isEqualTo("One more thing");
  }

  @Test
  void aMessageThePersonMayNoLongerSeeIsLeftAsItsReference() {
    Fixtures.Person client = acme.client("Rory Removed");
    Api.Session c = client.login(api);
    long before = c.get("/api/events").json().getLong("last");
    String thread = ReadStateTest.send(sam.login(api), client);
    JsonObject full = onlyEvent(c, before).getJsonObject("data");
    pool.preparedQuery("delete from message_recipients where message_id = $1 and user_id = $2")
        .execute(Tuple.of(UUID.fromString(full.getString("id")), client.id())).await();

    Api.Response feed = c.get("/api/events?after=" + before);
    assertThat(feed.status()).isEqualTo(200);
    JsonObject data = feed.json().getJsonArray("events").getJsonObject(0).getJsonObject("data");
    assertThat(data.fieldNames()).containsExactlyInAnyOrder("id", "threadId", "thread", "unread");
    assertThat(data.getString("id")).isEqualTo(full.getString("id"));
    assertThat(data.getJsonObject("thread").getString("id")).isEqualTo(thread);
    assertThat(data.getJsonObject("thread").getInteger("unreadCount")).isEqualTo(full.getJsonObject("thread").getInteger("unreadCount"));
    assertThat(data.getJsonObject("thread").fieldNames()).as("nothing of the message, not even its snippet")
        .containsExactlyInAnyOrder("id", "unreadCount");
  }
}
