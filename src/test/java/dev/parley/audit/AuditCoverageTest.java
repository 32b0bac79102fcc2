package dev.parley.audit;

import dev.parley.testing.Api;
import dev.parley.testing.Feed;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What people read and change is in the audit log, compactly and never with bodies or titles, and
 * every row a request caused names the client's address.
 */
class AuditCoverageTest {

  static final String SECRET = "the-secret-body-text";

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    acme = node.fixtures().company("Acme Wealth");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void catchingUpOnEventsWritesOneRowNamingEveryMessageWhoseContentItDelivered() {
    Fixtures.Person staff = acme.staff("Sam Staff");
    Fixtures.Person client = acme.client("Chris Client");
    Api.Session sam = staff.login(api);
    String thread = sam.startThread("Quarterly review", "<p>" + SECRET + " one</p>", client);
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      sent.add(sam.post("/api/threads/" + thread + "/messages", new JsonObject().put("bodyHtml", "<p>" + SECRET + "</p>"))
          .json().getJsonObject("message").getString("id"));
    }

    // catch-up lists a change once every older transaction has ended: the sender's own feed shows when
    // that is so, and the client then catches up once
    Feed.untilMessage(sam, "0", sent.get(1));
    Api.Response caughtUp = client.login(api).get("/api/events?after=0");
    assertThat(caughtUp.status()).isEqualTo(200);
    List<String> delivered = new ArrayList<>();
    caughtUp.array("events").forEach(e -> {
      JsonObject event = (JsonObject) e;
      if ("message.created".equals(event.getString("type"))) {
        delivered.add(event.getJsonObject("data").getString("id"));
      }
    });
    assertThat(delivered).hasSize(3).containsAll(sent);

    await().atMost(Duration.ofSeconds(10)).until(() -> rows(Audit.MESSAGES_DELIVERED, client.id()).size() == 1);
    Row row = rows(Audit.MESSAGES_DELIVERED, client.id()).get(0);
    JsonObject detail = row.getJsonObject("detail");
    assertThat(detail.getString("via")).isEqualTo("events");
    assertThat(detail.getJsonArray("messageIds").getList()).containsExactlyInAnyOrderElementsOf(delivered);
    assertThat(row.getString("address")).isEqualTo("127.0.0.1");
    assertThat(detail.encode()).doesNotContain(SECRET, "Quarterly");
  }

  @Test
  void markingReadAndLeavingAThreadAreRecordedWithTheWriteItself() {
    Fixtures.Person staff = acme.staff("Sue Staff");
    Fixtures.Person client = acme.client("Cleo Client");
    String thread = staff.login(api).startThread("Statement", "<p>" + SECRET + "</p>", client);
    Api.Session cleo = client.login(api);

    assertThat(cleo.post("/api/threads/" + thread + "/read", new JsonObject()).status()).isEqualTo(204);
    assertThat(cleo.post("/api/threads/" + thread + "/leave", new JsonObject()).status()).isEqualTo(204);

    // written in the same transaction: there as soon as the answer is
    List<Row> read = rows(Audit.MARKED_READ, client.id());
    assertThat(read).hasSize(1);
    assertThat(read.get(0).getString("target")).isEqualTo(thread);
    assertThat(read.get(0).getJsonObject("detail").getJsonArray("messageIds")).hasSize(1);
    List<Row> left = rows(Audit.THREAD_LEFT, client.id());
    assertThat(left).hasSize(1);
    assertThat(left.get(0).getString("target")).isEqualTo(thread);
    assertThat(List.of(read.get(0), left.get(0))).allSatisfy(r -> assertThat(r.getString("address")).isEqualTo("127.0.0.1"));
  }

  @Test
  void cannedResponsesCreatedChangedAndDeletedAreRecordedWithoutTitleOrBody() {
    Fixtures.Person staff = acme.staff("Cal Canned");
    Api.Session cal = staff.login(api);
    Api.Response created = cal.post("/api/canned-responses", new JsonObject().put("title", "Greeting Title")
        .put("bodyHtml", "<p>" + SECRET + "</p>").put("shared", true));
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().getString("id");
    assertThat(cal.put("/api/canned-responses/" + id, new JsonObject().put("title", "Renamed Title")).status()).isEqualTo(200);
    assertThat(cal.delete("/api/canned-responses/" + id).status()).isEqualTo(204);

    for (String action : List.of(Audit.CANNED_RESPONSE_CREATED, Audit.CANNED_RESPONSE_UPDATED, Audit.CANNED_RESPONSE_DELETED)) {
      List<Row> rows = rows(action, staff.id());
      assertThat(rows).as(action).hasSize(1);
      assertThat(rows.get(0).getString("target")).isEqualTo(id);
      assertThat(rows.get(0).getJsonObject("detail").getBoolean("shared")).isTrue();
      assertThat(rows.get(0).getJsonObject("detail").encode()).doesNotContain(SECRET, "Title");
      assertThat(rows.get(0).getString("address")).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void everyRowThatARequestCausedNamesTheClientAddress() {
    Fixtures.Person admin = acme.admin("Ada Admin");
    Fixtures.Person client = acme.client("Dana Client");
    Api.Session ada = admin.login(api);
    String thread = ada.startThread("Welcome", "<p>" + SECRET + "</p>", client);
    assertThat(ada.get("/api/threads/" + thread).status()).isEqualTo(200);
    assertThat(ada.post("/api/admin/users", new JsonObject().put("email", "nia." + UUID.randomUUID() + "@example.test")
        .put("name", "Nia New").put("role", "client").put("password", "a-long-enough-password")).status()).isEqualTo(201);
    assertThat(ada.put("/api/settings/company", new JsonObject().put("convenienceMode", true)).status()).isEqualTo(200);
    assertThat(ada.get("/api/threads/" + UUID.randomUUID()).status()).isEqualTo(404);
    assertThat(ada.post("/api/auth/logout", null).status()).isEqualTo(204);

    List<String> expected = List.of(Audit.SIGN_IN, Audit.MESSAGE_SENT, Audit.THREAD_VIEWED, Audit.USER_CREATED,
        Audit.SETTINGS_CHANGED, Audit.REFUSED, Audit.SIGN_OUT);
    await().atMost(Duration.ofSeconds(10)).until(() -> expected.stream().allMatch(a -> !rows(a, admin.id()).isEmpty()));
    for (String action : expected) {
      assertThat(rows(action, admin.id())).as(action).allSatisfy(r -> assertThat(r.getString("address")).isEqualTo("127.0.0.1"));
    }
  }

  private static List<Row> rows(String action, UUID actor) {
    List<Row> out = new ArrayList<>();
    node.parley().platform().pool().preparedQuery("select * from audit_log where action = $1 and actor_id = $2 order by id")
        .execute(Tuple.of(action, actor)).await().forEach(out::add);
    return out;
  }
}
