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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The views of a mailbox, archive and mark unread: each person's own, derived so a send writes nothing for them. */
class MailboxTest {

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

  static List<String> view(Api.Session s, String query) {
    Api.Response r = s.get("/api/inbox?" + query);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.json().getJsonArray("threads").forEach(o -> out.add(((JsonObject) o).getString("id")));
    return out;
  }

  static String reply(Api.Session s, String thread, String body) {
    Api.Response r = s.post("/api/threads/" + thread + "/messages", new JsonObject().put("bodyHtml", body));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getJsonObject("message").getString("id");
  }

  static JsonObject thread(Api.Session s, String thread) {
    Api.Response r = s.get("/api/threads/" + thread);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  static String readAt(Api.Session s, String thread, Fixtures.Person reader) {
    JsonArray messages = thread(s, thread).getJsonArray("messages");
    for (Object r : messages.getJsonObject(messages.size() - 1).getJsonArray("recipients")) {
      if (((JsonObject) r).getString("id").equals(reader.sid())) {
        return ((JsonObject) r).getString("readAt");
      }
    }
    throw new AssertionError(reader.name() + " is not a recipient");
  }

  static int unread(Api.Session s) {
    return s.get("/api/unread").json().getInteger("unread");
  }

  static JsonObject counts(Api.Session s) {
    return s.get("/api/inbox").json().getJsonObject("counts");
  }

  @Test
  void archivingIsMineAloneAndANewMessageBringsTheThreadBackToTheInbox() {
    Fixtures.Person client = acme.client("Archie Archiver");
    Api.Session s = staff.login(api);
    Api.Session c = client.login(api);
    String thread = s.startThread("Quarterly statement", "<p>Attached</p>", client);

    assertThat(c.post("/api/threads/" + thread + "/archive", new JsonObject()).status()).isEqualTo(204);
    assertThat(view(c, "view=inbox")).doesNotContain(thread);
    assertThat(view(c, "")).doesNotContain(thread);
    assertThat(view(c, "view=archived")).containsExactly(thread);
    assertThat(thread(c, thread).getJsonObject("thread").getBoolean("archived")).isTrue();
    // the other participant's mailbox is unchanged
    assertThat(view(s, "view=inbox")).contains(thread);
    assertThat(view(s, "view=archived")).doesNotContain(thread);
    assertThat(thread(s, thread).getJsonObject("thread").getBoolean("archived")).isFalse();

    reply(s, thread, "<p>One more thing</p>");
    assertThat(view(c, "view=inbox")).contains(thread);
    assertThat(view(c, "view=archived")).doesNotContain(thread);
    assertThat(thread(c, thread).getJsonObject("thread").getBoolean("archived")).isFalse();

    assertThat(c.post("/api/threads/" + thread + "/archive", new JsonObject()).status()).isEqualTo(204);
    assertThat(view(c, "view=archived")).containsExactly(thread);
    assertThat(c.post("/api/threads/" + thread + "/unarchive", new JsonObject()).status()).isEqualTo(204);
    assertThat(view(c, "view=inbox")).contains(thread);
    assertThat(view(c, "view=archived")).isEmpty();
  }

  @Test
  void eachViewListsItsThreadsWithTheSameSearchAndPaging() {
    Fixtures.Person client = acme.client("Vera Viewer");
    Api.Session s = staff.login(api);
    Api.Session c = client.login(api);
    String received = s.startThread("Invoice copy", "<p>Here is the invoice</p>", client);
    String started = c.startThread("Question about fees", "<p>What are the fees?</p>", staff);
    String answered = s.startThread("Meeting notes", "<p>Notes from Monday</p>", client);
    assertThat(c.post("/api/threads/" + answered + "/read", new JsonObject()).status()).isEqualTo(204);
    reply(c, answered, "<p>Thanks for the notes</p>");
    String archived = s.startThread("Old invoice", "<p>Invoice from last year</p>", client);
    assertThat(c.post("/api/threads/" + archived + "/archive", new JsonObject()).status()).isEqualTo(204);

    assertThat(view(c, "view=inbox")).containsExactly(answered, started, received);
    assertThat(view(c, "view=sent")).containsExactly(answered, started);
    assertThat(view(c, "view=unread")).containsExactly(received);
    assertThat(view(c, "unread=true")).containsExactly(received);
    assertThat(view(c, "view=archived")).containsExactly(archived);
    assertThat(view(c, "view=archived&q=invoice")).containsExactly(archived);
    assertThat(view(c, "view=inbox&q=invoice")).containsExactly(received);
    assertThat(view(c, "view=sent&q=fees")).containsExactly(started);

    List<String> paged = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = c.get("/api/inbox?view=sent&limit=1" + (cursor == null ? "" : "&cursor=" + cursor)).json();
      page.getJsonArray("threads").forEach(o -> paged.add(((JsonObject) o).getString("id")));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    assertThat(paged).containsExactly(answered, started);

    Api.Response unknown = c.get("/api/inbox?view=spam");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().getString("message")).contains("'view'");
  }

  @Test
  void aThreadILeftIsInArchivedAndReadableUpToLeavingButNotRepliable() {
    Fixtures.Person colleague = acme.staff("Lena Leaver");
    Fixtures.Person client = acme.client("Carl Client");
    Api.Session s = staff.login(api);
    Api.Session l = colleague.login(api);
    String thread = s.startThread("Handover", "<p>Before leaving</p>", colleague, client);
    assertThat(l.post("/api/threads/" + thread + "/leave", new JsonObject()).status()).isEqualTo(204);
    reply(s, thread, "<p>After leaving</p>");

    assertThat(view(l, "view=inbox")).doesNotContain(thread);
    assertThat(view(l, "view=archived")).containsExactly(thread);
    JsonObject row = l.get("/api/inbox?view=archived").json().getJsonArray("threads").getJsonObject(0);
    assertThat(row.getBoolean("left")).isTrue();
    assertThat(row.getString("snippet")).isEqualTo("Before leaving");
    JsonObject seen = thread(l, thread);
    assertThat(seen.getJsonObject("thread").getBoolean("left")).isTrue();
    assertThat(seen.getJsonArray("messages")).hasSize(1);
    assertThat(seen.encode()).contains("Before leaving").doesNotContain("After leaving");

    assertThat(l.post("/api/threads/" + thread + "/messages", new JsonObject().put("bodyHtml", "<p>back?</p>")).status())
        .isEqualTo(404);
    assertThat(l.post("/api/threads/" + thread + "/archive", new JsonObject()).status()).isEqualTo(409);
    assertThat(l.post("/api/threads/" + thread + "/unread", new JsonObject()).status()).isEqualTo(409);
  }

  @Test
  void markingUnreadRaisesMyCountLeavesTheSendersReadAtAndReadingAgainClearsIt() {
    Fixtures.Person client = acme.client("Una Unread");
    Api.Session s = staff.login(api);
    Api.Session c = client.login(api);
    String thread = s.startThread("Tax return", "<p>Draft return</p>", client);
    reply(s, thread, "<p>Signed copy</p>");
    assertThat(c.post("/api/threads/" + thread + "/read", new JsonObject()).status()).isEqualTo(204);
    String readAt = readAt(s, thread, client);
    assertThat(readAt).isNotNull();
    assertThat(unread(c)).isZero();

    assertThat(c.post("/api/threads/" + thread + "/unread", new JsonObject()).status()).isEqualTo(204);
    assertThat(unread(c)).isEqualTo(1);
    assertThat(view(c, "view=unread")).containsExactly(thread);
    assertThat(c.get("/api/inbox").json().getJsonArray("threads").getJsonObject(0).getInteger("unreadCount")).isEqualTo(1);
    assertThat(counts(c).getInteger("unread")).isEqualTo(1);
    assertThat(readAt(s, thread, client)).as("the sender still sees it read").isEqualTo(readAt);
    assertThat(readAt(c, thread, client)).isEqualTo(readAt);

    String first = thread(c, thread).getJsonArray("messages").getJsonObject(0).getString("id");
    assertThat(c.post("/api/threads/" + thread + "/unread", new JsonObject().put("fromMessageId", first)).status()).isEqualTo(204);
    assertThat(unread(c)).isEqualTo(2);

    assertThat(c.post("/api/threads/" + thread + "/read", new JsonObject()).status()).isEqualTo(204);
    assertThat(unread(c)).isZero();
    assertThat(view(c, "view=unread")).isEmpty();
    assertThat(counts(c).getInteger("unread")).isZero();
    assertThat(readAt(s, thread, client)).isEqualTo(readAt);
  }

  @Test
  void aSenderWithNoMessageToThemMarksTheWholeThreadUnread() {
    Fixtures.Person client = acme.client("Walt Whole");
    Api.Session s = acme.staff("Selma Sender").login(api);
    String thread = s.startThread("Only mine", "<p>Sent by me</p>", client);
    assertThat(unread(s)).isZero();

    assertThat(s.post("/api/threads/" + thread + "/unread", new JsonObject()).status()).isEqualTo(204);
    assertThat(unread(s)).isEqualTo(1);
    assertThat(view(s, "view=unread")).containsExactly(thread);
    assertThat(s.post("/api/threads/" + thread + "/read", new JsonObject()).status()).isEqualTo(204);
    assertThat(unread(s)).isZero();
  }

  @Test
  void theCountsTellTheInboxsUnreadThreadsAndMyDrafts() {
    Fixtures.Person client = acme.client("Cora Counted");
    Api.Session s = staff.login(api);
    Api.Session c = client.login(api);
    String one = s.startThread("One", "<p>1</p>", client);
    s.startThread("Two", "<p>2</p>", client);
    String archived = s.startThread("Three", "<p>3</p>", client);
    reply(s, one, "<p>1 again</p>");
    assertThat(c.post("/api/threads/" + archived + "/archive", new JsonObject()).status()).isEqualTo(204);
    c.post("/api/drafts", new JsonObject().put("subject", "Unfinished"));

    assertThat(counts(c).getMap()).containsExactlyInAnyOrderEntriesOf(Map.of("unread", 2, "drafts", 1));
    assertThat(counts(c)).isEqualTo(c.get("/api/inbox?view=archived").json().getJsonObject("counts"));
  }

  @Test
  void anotherCompanysThreadOrOneIAmNotOnAnswers404ToEveryMailboxAction() {
    Fixtures.Company other = node.fixtures().company("Other Co");
    Fixtures.Person outsider = other.staff("Otto Outsider");
    Fixtures.Person client = acme.client("Nia Notonit");
    Fixtures.Person bystander = acme.staff("Bea Bystander");
    String foreign = outsider.login(api).startThread("Theirs", "<p>x</p>", other.client("Their Client"));
    String notMine = staff.login(api).startThread("Not yours", "<p>y</p>", client);
    Api.Session b = bystander.login(api);
    for (String thread : List.of(foreign, notMine, "not-an-id")) {
      for (String action : List.of("archive", "unarchive", "unread")) {
        Api.Response r = b.post("/api/threads/" + thread + "/" + action, new JsonObject());
        assertThat(r.status()).as(action + " " + r).isEqualTo(404);
      }
    }
    // a message of another thread (here another company's) is no place to start marking unread from
    String theirs = thread(outsider.login(api), foreign).getJsonArray("messages").getJsonObject(0).getString("id");
    Api.Session c = client.login(api);
    assertThat(c.post("/api/threads/" + notMine + "/unread", new JsonObject().put("fromMessageId", theirs)).status())
        .isEqualTo(404);
    Api.Response unknownField = c.post("/api/threads/" + notMine + "/unread", new JsonObject().put("from", theirs));
    assertThat(unknownField.status()).isEqualTo(400);
    assertThat(unknownField.json().getString("message")).contains("'from'");
    assertThat(unread(c)).isEqualTo(1);
  }

  @Test
  void aCookieSessionNeedsTheCsrfHeaderForEveryMailboxChange() {
    Fixtures.Person client = acme.client("Cookie Client");
    String thread = staff.login(api).startThread("Cookies", "<p>c</p>", client);
    Api.Session c = client.login(api);
    String draft = c.post("/api/drafts", new JsonObject().put("subject", "Kept")).json().getJsonObject("draft").getString("id");
    Map<String, String> cookie = Map.of("Cookie", "parley_session=" + c.token(), "Content-Type", "application/json");
    for (String[] change : List.of(new String[] {"POST", "/api/threads/" + thread + "/archive"},
        new String[] {"POST", "/api/threads/" + thread + "/unarchive"}, new String[] {"POST", "/api/threads/" + thread + "/unread"},
        new String[] {"POST", "/api/drafts"}, new String[] {"PUT", "/api/drafts/" + draft},
        new String[] {"DELETE", "/api/drafts/" + draft})) {
      assertThat(api.send(change[0], change[1], "{}", cookie).status()).as(change[0] + " " + change[1]).isEqualTo(403);
    }
    assertThat(view(c, "view=archived")).isEmpty();
    assertThat(unread(c)).isEqualTo(1);
    assertThat(c.get("/api/drafts").json().getJsonArray("drafts").getJsonObject(0).getString("subject")).isEqualTo("Kept");
    assertThat(c.get("/api/drafts").json().getJsonArray("drafts")).hasSize(1);

    Map<String, String> withHeader = Map.of("Cookie", "parley_session=" + c.token(), "Content-Type", "application/json",
        "X-Parley-CSRF", "1");
    assertThat(api.send("POST", "/api/threads/" + thread + "/archive", "{}", withHeader).status()).isEqualTo(204);
    assertThat(view(c, "view=archived")).containsExactly(thread);
  }
}
