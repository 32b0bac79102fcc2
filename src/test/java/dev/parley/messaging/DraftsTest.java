package dev.parley.messaging;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Drafts kept on the server: each person's own, saved over and over, removed by the send that names them. */
class DraftsTest {

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;
  static Fixtures.Person staff;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    acme = node.fixtures().company("Acme");
    staff = acme.staff("Sam Staff");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static JsonObject draft(Api.Response r, int status) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    return r.json().getJsonObject("draft");
  }

  static JsonArray drafts(Api.Session s) {
    return s.get("/api/drafts").json().getJsonArray("drafts");
  }

  @Test
  void aDraftIsSavedOverAndListedAndTheSendNamingItDeletesIt() {
    Fixtures.Person client = acme.client("Dora Draft");
    Api.Session s = acme.staff("Drew Drafter").login(api);
    JsonObject first = draft(s.post("/api/drafts", new JsonObject().put("to", new JsonArray().add(client.sid()))
        .put("subject", "Engagement letter").put("bodyHtml", "<p>Dear Dora,<script>x()</script></p>")), 201);
    String id = first.getString("id");
    assertThat(first.getString("bodyHtml")).doesNotContain("script");
    assertThat(first.getJsonArray("to")).containsExactly(client.sid());

    String attachment = UUID.randomUUID().toString();
    JsonObject second = draft(s.put("/api/drafts/" + id, new JsonObject().put("to", new JsonArray().add(client.sid()))
        .put("subject", "Engagement letter").put("bodyHtml", "<p>Dear Dora, please sign</p>")
        .put("attachmentIds", new JsonArray().add(attachment))), 200);
    assertThat(second.getString("id")).isEqualTo(id);
    assertThat(Instant.parse(second.getString("updatedAt"))).isAfterOrEqualTo(Instant.parse(first.getString("updatedAt")));
    // saving the same again is harmless: the last save wins
    draft(s.put("/api/drafts/" + id, new JsonObject().put("to", new JsonArray().add(client.sid()))
        .put("subject", "Engagement letter").put("bodyHtml", "<p>Dear Dora, please sign</p>")
        .put("attachmentIds", new JsonArray().add(attachment))), 200);

    JsonArray listed = drafts(s);
    assertThat(listed).hasSize(1);
    assertThat(listed.getJsonObject(0).getString("bodyHtml")).contains("please sign");
    assertThat(listed.getJsonObject(0).getJsonArray("attachmentIds")).containsExactly(attachment);

    Api.Response sent = s.post("/api/threads", new JsonObject().put("to", new JsonArray().add(client.sid()))
        .put("subject", "Engagement letter").put("bodyHtml", "<p>Dear Dora, please sign</p>").put("draftId", id));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
    assertThat(drafts(s)).isEmpty();
    String thread = sent.json().getJsonObject("thread").getString("id");

    JsonObject reply = draft(s.post("/api/drafts", new JsonObject().put("threadId", thread).put("bodyHtml", "<p>Any news?</p>")), 201);
    assertThat(reply.getString("threadId")).isEqualTo(thread);
    Api.Response replied = s.post("/api/threads/" + thread + "/messages", new JsonObject().put("bodyHtml", "<p>Any news?</p>")
        .put("draftId", reply.getString("id")));
    assertThat(replied.status()).as(replied.toString()).isEqualTo(201);
    assertThat(drafts(s)).isEmpty();
    // a draft already gone (sent from another browser) does not stop a send
    Api.Response again = s.post("/api/threads/" + thread + "/messages", new JsonObject().put("bodyHtml", "<p>Hello?</p>")
        .put("draftId", reply.getString("id")));
    assertThat(again.status()).isEqualTo(201);
  }

  @Test
  void anotherPersonsDraftAnswers404AndStaysAsItWas() {
    Api.Session owner = acme.staff("Olga Owner").login(api);
    Api.Session colleague = acme.staff("Cole League").login(api);
    Api.Session outsider = node.fixtures().company("Elsewhere").staff("Ezra Else").login(api);
    String id = draft(owner.post("/api/drafts", new JsonObject().put("subject", "Mine").put("bodyHtml", "<p>private</p>")), 201)
        .getString("id");
    for (Api.Session other : java.util.List.of(colleague, outsider)) {
      assertThat(other.put("/api/drafts/" + id, new JsonObject().put("subject", "Taken")).status()).isEqualTo(404);
      assertThat(other.delete("/api/drafts/" + id).status()).isEqualTo(404);
      assertThat(drafts(other).encode()).doesNotContain(id);
    }
    assertThat(owner.put("/api/drafts/not-an-id", new JsonObject()).status()).isEqualTo(404);
    // another person's draft named by a send is not touched
    Fixtures.Person client = acme.client("Cid Client");
    Api.Response sent = colleague.post("/api/threads", new JsonObject().put("to", new JsonArray().add(client.sid()))
        .put("subject", "Hi").put("bodyHtml", "<p>hi</p>").put("draftId", id));
    assertThat(sent.status()).isEqualTo(201);
    assertThat(drafts(owner)).hasSize(1);
    assertThat(drafts(owner).getJsonObject(0).getString("subject")).isEqualTo("Mine");
    assertThat(owner.delete("/api/drafts/" + id).status()).isEqualTo(204);
    assertThat(drafts(owner)).isEmpty();
    assertThat(owner.delete("/api/drafts/" + id).status()).isEqualTo(404);
  }

  @Test
  void badDraftsAreRefusedNamingTheFieldAndNothingIsStored() {
    Api.Session s = acme.staff("Bad Input").login(api);
    Fixtures.Company other = node.fixtures().company("Foreign");
    Fixtures.Person foreigner = other.client("Fay Foreign");
    String foreignThread = other.staff("Fred Foreign").login(api).startThread("Theirs", "<p>x</p>", foreigner);

    assertRefused(s.post("/api/drafts", new JsonObject().put("to", new JsonArray().add(foreigner.sid()))), 400, "'to'");
    assertRefused(s.post("/api/drafts", new JsonObject().put("cc", new JsonArray().add("nope"))), 400, "'cc'");
    assertRefused(s.post("/api/drafts", new JsonObject().put("attachmentIds", new JsonArray().add(42))), 400, "'attachmentIds'");
    assertRefused(s.post("/api/drafts", new JsonObject().put("subject", "two\nlines")), 400, "'subject'");
    assertRefused(s.post("/api/drafts", new JsonObject().put("subject", "x".repeat(Commands.MAX_SUBJECT + 1))), 400, "'subject'");
    assertRefused(s.post("/api/drafts", new JsonObject().put("bodyHtml", "x".repeat(Commands.MAX_BODY_HTML + 1))), 413, "'bodyHtml'");
    assertRefused(s.post("/api/drafts", new JsonObject().put("threadId", foreignThread)), 404, "'threadId'");
    assertRefused(s.post("/api/drafts", new JsonObject().put("colour", "red")), 400, "'colour'");
    assertRefused(s.post("/api/drafts", "[1]"), 400, "JSON object");
    assertThat(drafts(s)).isEmpty();
  }

  static void assertRefused(Api.Response r, int status, String names) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.json().getString("message")).as(r.toString()).contains(names);
  }
}
