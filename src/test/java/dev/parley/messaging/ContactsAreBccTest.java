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

class ContactsAreBccTest {

  static TestNode node;
  static Api api;
  static Fixtures.Person staff;
  static Fixtures.Person colleague;
  static Fixtures.Person clientOne;
  static Fixtures.Person clientTwo;
  static Fixtures.Person prospect;
  static String threadId;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    Fixtures.Company c = node.fixtures().company("Acme");
    staff = c.staff("Sam Staff");
    colleague = c.staff("Casey Colleague");
    clientOne = c.client("Chris One", staff);
    clientTwo = c.client("Dana Two", staff);
    prospect = c.prospect("Pat Prospect", staff);
    Api.Response sent = staff.login(api).post("/api/threads", new JsonObject()
        .put("to", new JsonArray().add(clientOne.sid()).add(clientTwo.sid()))
        .put("cc", new JsonArray().add(prospect.sid()).add(colleague.sid()))
        .put("subject", "Quarterly review")
        .put("bodyHtml", "<p>Hello <b>all</b>, your statements are ready.</p>")
        .put("readReceipt", true));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
    threadId = sent.json().getJsonObject("thread").getString("id");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static List<String> ids(JsonArray people) {
    List<String> out = new ArrayList<>();
    people.forEach(p -> out.add(((JsonObject) p).getString("id")));
    return out;
  }

  @Test
  void eachContactSeesOnlyStaffAndItselfInTheThread() {
    for (Fixtures.Person contact : List.of(clientOne, clientTwo, prospect)) {
      Api.Response thread = contact.login(api).get("/api/threads/" + threadId);
      assertThat(thread.status()).isEqualTo(200);
      JsonObject message = thread.json().getJsonArray("messages").getJsonObject(0);
      List<String> recipients = ids(message.getJsonArray("recipients"));
      assertThat(recipients).containsExactlyInAnyOrder(contact.sid(), colleague.sid());
      assertThat(thread.body()).doesNotContain(others(contact));
    }
  }

  @Test
  void eachContactsInboxAndEventsNameNoOtherContact() {
    for (Fixtures.Person contact : List.of(clientOne, clientTwo, prospect)) {
      Api.Session session = contact.login(api);
      Api.Response inbox = session.get("/api/inbox");
      assertThat(inbox.status()).isEqualTo(200);
      JsonObject row = inbox.json().getJsonArray("threads").getJsonObject(0);
      assertThat(row.getString("subject")).isEqualTo("Quarterly review");
      assertThat(row.getInteger("unreadCount")).isEqualTo(1);
      assertThat(ids(row.getJsonArray("participants"))).containsExactlyInAnyOrder(staff.sid(), colleague.sid(), contact.sid());
      assertThat(inbox.body()).doesNotContain(others(contact));

      Api.Response events = session.get("/api/events?after=0");
      assertThat(events.status()).isEqualTo(200);
      assertThat(events.json().getJsonArray("events")).isNotEmpty();
      assertThat(events.body()).doesNotContain(others(contact));
    }
  }

  @Test
  void staffSeeEveryRecipientWithReadStatus() {
    clientOne.login(api).post("/api/threads/" + threadId + "/read", new JsonObject());
    Api.Response thread = colleague.login(api).get("/api/threads/" + threadId);
    JsonArray recipients = thread.json().getJsonArray("messages").getJsonObject(0).getJsonArray("recipients");
    assertThat(ids(recipients)).containsExactlyInAnyOrder(clientOne.sid(), clientTwo.sid(), prospect.sid(), colleague.sid());
    for (Object o : recipients) {
      JsonObject r = (JsonObject) o;
      if (r.getString("id").equals(clientOne.sid())) {
        assertThat(r.getString("readAt")).isNotNull();
      }
      if (!r.getString("role").equals("staff")) {
        assertThat(r.getString("kind")).isEqualTo("bcc");
      }
    }
  }

  @Test
  void aContactsReplyReachesTheStaffOnly() {
    Api.Response reply = clientTwo.login(api).post("/api/threads/" + threadId + "/messages",
        new JsonObject().put("bodyHtml", "<p>Thanks, a question about fees.</p>"));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    String messageId = reply.json().getJsonObject("message").getString("id");

    JsonObject asStaff = find(staff.login(api).get("/api/threads/" + threadId).json(), messageId);
    assertThat(ids(asStaff.getJsonArray("recipients"))).containsExactlyInAnyOrder(staff.sid(), colleague.sid());
    for (Fixtures.Person other : List.of(clientOne, prospect)) {
      JsonObject view = other.login(api).get("/api/threads/" + threadId).json();
      assertThat(find(view, messageId)).isNull();
      assertThat(view.encode()).doesNotContain("question about fees");
    }
  }

  static JsonObject find(JsonObject thread, String messageId) {
    for (Object o : thread.getJsonArray("messages")) {
      if (((JsonObject) o).getString("id").equals(messageId)) {
        return (JsonObject) o;
      }
    }
    return null;
  }

  static String[] others(Fixtures.Person contact) {
    return List.of(clientOne, clientTwo, prospect).stream().filter(p -> !p.equals(contact))
        .flatMap(p -> List.of(p.sid(), p.name(), p.email()).stream()).toArray(String[]::new);
  }
}
