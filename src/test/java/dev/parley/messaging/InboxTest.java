package dev.parley.messaging;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class InboxTest {

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

  static String send(Fixtures.Person to, String subject, String body) {
    return staff.login(api).post("/api/threads", new JsonObject().put("to", new JsonArray().add(to.sid()))
        .put("subject", subject).put("bodyHtml", body)).json().getJsonObject("thread").getString("id");
  }

  @Test
  void newestActivityFirstAndKeysetPagesCoverEveryThreadOnce() {
    Fixtures.Person client = acme.client("Paged Client");
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      sent.add(send(client, "Subject " + i, "<p>Body " + i + "</p>"));
    }
    Api.Session c = client.login(api);
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = c.get("/api/inbox?limit=3" + (cursor == null ? "" : "&cursor=" + cursor)).json();
      page.getJsonArray("threads").forEach(o -> seen.add(((JsonObject) o).getString("id")));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    List<String> newestFirst = new ArrayList<>(sent);
    java.util.Collections.reverse(newestFirst);
    assertThat(seen).containsExactlyElementsOf(newestFirst);

    // a reply moves a thread to the top
    client.login(api).post("/api/threads/" + sent.get(0) + "/messages", new JsonObject().put("bodyHtml", "<p>bump</p>"));
    JsonObject top = c.get("/api/inbox?limit=1").json().getJsonArray("threads").getJsonObject(0);
    assertThat(top.getString("id")).isEqualTo(sent.get(0));
    assertThat(top.getString("snippet")).isEqualTo("bump");
    assertThat(c.get("/api/inbox?cursor=garbage").status()).isEqualTo(400);
  }

  @Test
  void unreadFilterAndFullTextSearchOverSubjectAndBody() {
    Fixtures.Person client = acme.client("Search Client");
    String taxes = send(client, "Tax documents", "<p>Please upload your W-2 forms</p>");
    String mortgage = send(client, "Mortgage", "<p>The refinancing paperwork is attached</p>");
    Api.Session c = client.login(api);
    c.post("/api/threads/" + taxes + "/read", new JsonObject());

    assertThat(ids(c.get("/api/inbox?unread=true"))).containsExactly(mortgage);
    assertThat(ids(c.get("/api/inbox?q=tax"))).containsExactly(taxes);
    assertThat(ids(c.get("/api/inbox?q=refinanc"))).containsExactly(mortgage);
    assertThat(ids(c.get("/api/inbox?q=nothing-like-this"))).isEmpty();
  }

  @Test
  void aContactsInboxOrderAndSnippetComeFromTheLastMessageSentToOrByIt() {
    Fixtures.Person client = acme.client("Ordered Client");
    Fixtures.Person colleague = acme.staff("Olive Colleague");
    String older = send(client, "Older", "<p>first words</p>");
    String newer = send(client, "Newer", "<p>newer words</p>");
    Api.Response staffOnly = staff.login(api).post("/api/threads/" + older + "/messages", new JsonObject()
        .put("to", new JsonArray().add(colleague.sid())).put("bodyHtml", "<p>between staff only</p>"));
    assertThat(staffOnly.status()).as(staffOnly.toString()).isEqualTo(201);

    JsonArray contacts = client.login(api).get("/api/inbox").json().getJsonArray("threads");
    assertThat(ids(contacts)).containsExactly(newer, older);
    assertThat(contacts.getJsonObject(1).getString("snippet")).isEqualTo("first words");
    assertThat(contacts.encode()).doesNotContain("between staff only");

    JsonArray staffs = staff.login(api).get("/api/inbox?limit=2").json().getJsonArray("threads");
    assertThat(ids(staffs)).containsExactly(older, newer);
    assertThat(staffs.getJsonObject(0).getString("snippet")).isEqualTo("between staff only");
    assertThat(java.time.Instant.parse(staffs.getJsonObject(0).getString("lastMessageAt")))
        .isAfter(java.time.Instant.parse(contacts.getJsonObject(1).getString("lastMessageAt")));
  }

  @Test
  void unreadCountsAndTheUnreadFilterFollowReadsAndLeaving() {
    Fixtures.Person client = acme.client("Counting Client");
    String x = send(client, "X", "<p>x1</p>");
    Api.Response second = staff.login(api).post("/api/threads/" + x + "/messages", new JsonObject().put("bodyHtml", "<p>x2</p>"));
    assertThat(second.status()).isEqualTo(201);
    String y = send(client, "Y", "<p>y</p>");
    String z = send(client, "Z", "<p>z</p>");
    Api.Session c = client.login(api);
    assertThat(unread(c)).isEqualTo(4);
    assertThat(counts(c)).containsExactly(Map.entry(z, 1), Map.entry(y, 1), Map.entry(x, 2));

    String firstOfX = c.get("/api/threads/" + x).json().getJsonArray("messages").getJsonObject(0).getString("id");
    assertThat(c.post("/api/threads/" + x + "/read", new JsonObject().put("messageIds", new JsonArray().add(firstOfX))).status())
        .isEqualTo(204);
    assertThat(c.post("/api/threads/" + y + "/read", new JsonObject()).status()).isEqualTo(204);
    assertThat(unread(c)).isEqualTo(2);
    assertThat(counts(c)).containsExactly(Map.entry(z, 1), Map.entry(y, 0), Map.entry(x, 1));
    assertThat(ids(c.get("/api/inbox?unread=true"))).containsExactly(z, x);

    assertThat(c.post("/api/threads/" + z + "/leave", new JsonObject()).status()).isEqualTo(204);
    assertThat(unread(c)).isEqualTo(1);
    assertThat(counts(c)).containsExactly(Map.entry(y, 0), Map.entry(x, 1));
    assertThat(ids(c.get("/api/inbox?unread=true"))).containsExactly(x);

    // written to again in the thread it left, the person is back on it with only the new message unread
    Api.Response back = staff.login(api).post("/api/threads/" + z + "/messages", new JsonObject()
        .put("to", new JsonArray().add(client.sid())).put("bodyHtml", "<p>z again</p>"));
    assertThat(back.status()).isEqualTo(201);
    assertThat(counts(c)).containsExactly(Map.entry(z, 2), Map.entry(y, 0), Map.entry(x, 1));
    assertThat(unread(c)).isEqualTo(3);
  }

  static int unread(Api.Session s) {
    return s.get("/api/unread").json().getInteger("unread");
  }

  /** Each inbox row's unread count, in the inbox's order. */
  static Map<String, Integer> counts(Api.Session s) {
    Map<String, Integer> out = new java.util.LinkedHashMap<>();
    s.get("/api/inbox").json().getJsonArray("threads").forEach(o -> out.put(((JsonObject) o).getString("id"),
        ((JsonObject) o).getInteger("unreadCount")));
    return out;
  }

  @Test
  void thousandsOfThreadsStillAnswerTheFirstPageInOrderWithoutScanningMessages() throws Exception {
    Fixtures.Person heavy = acme.client("Heavy Reader");
    List<Fixtures.Person> others = acme.clients("Other Reader", 20, null);
    var pool = node.parley().platform().pool();
    // 4,000 threads of 5 messages for the heavy reader, 20,000 threads of one message for others,
    // written in bulk straight to the tables as a send writes them
    String seed = """
        with g as (
          select g, gen_random_uuid() as thread_id, gen_random_uuid() as last_id, now() - g * interval '1 minute' as at
            from generate_series(1, $5::int) g),
        t as (
          insert into threads (id, company_id, subject, created_by, created_at, last_message_at, last_message_id)
          select thread_id, $1, $4 || g, $2, at, at + $6::int * interval '1 second', last_id from g returning id),
        m as (
          insert into messages (id, company_id, thread_id, sender_id, body_html, body_text, created_at)
          select case when k = $6::int then g.last_id else gen_random_uuid() end, $1, g.thread_id, $2, '<p>bulk</p>',
                 'bulk body ' || k, g.at + k * interval '1 second'
            from g, generate_series(1, $6::int) k returning id, thread_id),
        r as (
          insert into message_recipients (message_id, thread_id, user_id, kind)
          select m.id, m.thread_id, $3, 'bcc' from m returning message_id)
        insert into thread_participants (thread_id, user_id, company_id)
        select thread_id, $3, $1 from g union all select thread_id, $2, $1 from g
        """;
    pool.preparedQuery(seed).execute(Tuple.of(acme.id, staff.id(), heavy.id(), "Bulk ", 4000, 5)).await();
    for (Fixtures.Person o : others) {
      pool.preparedQuery(seed).execute(Tuple.of(acme.id, staff.id(), o.id(), "Other ", 1000, 1)).await();
    }
    // only the tables' owner may analyze them
    node.asOwner("analyze");

    // the inbox's own statement, explained with the parameters of a contact's first page
    java.lang.reflect.Field inbox = Threads.class.getDeclaredField("INBOX");
    inbox.setAccessible(true);
    List<String> plan = new ArrayList<>();
    for (Row r : pool.preparedQuery("explain " + inbox.get(null))
        .execute(Tuple.of(heavy.id(), "inbox", null, null, null, false, 26)).await()) {
      plan.add(r.getString(0));
    }
    String explained = String.join("\n", plan);
    assertThat(explained).as(explained).contains("thread_participants_person_idx")
        .doesNotContain("Seq Scan on messages", "Seq Scan on message_recipients", "Seq Scan on thread_participants");

    // the mailbox's own statements for the same reader: marking unread and the clearing of marks by a
    // read look at one thread; the tabs' counts at the reader's unread rows (every row seeded here is
    // unread, so their partial index is the whole table and the planner rightly reads it whole: only
    // the threads and messages must not be scanned)
    UUID someThread = pool.preparedQuery("select thread_id from thread_participants where user_id = $1 limit 1")
        .execute(Tuple.of(heavy.id())).await().iterator().next().getUUID(0);
    assertThat(plan(pool, Mailbox.class, "MARK_UNREAD", Tuple.of(heavy.id(), someThread, null)))
        .doesNotContain("Seq Scan on messages", "Seq Scan on message_recipients");
    assertThat(plan(pool, Mailbox.class, "CLEAR_MARKS", Tuple.of(heavy.id(), someThread)))
        .doesNotContain("Seq Scan on message_recipients", "Seq Scan on thread_participants");
    assertThat(plan(pool, Threads.class, "COUNTS", Tuple.of(heavy.id(), false)))
        .doesNotContain("Seq Scan on messages", "Seq Scan on thread_participants");

    Api.Session h = heavy.login(api);
    long start = System.nanoTime();
    Api.Response first = h.get("/api/inbox?limit=25");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(first.status()).isEqualTo(200);
    JsonArray threads = first.json().getJsonArray("threads");
    List<String> subjects = new ArrayList<>();
    threads.forEach(o -> subjects.add(((JsonObject) o).getString("subject")));
    List<String> newestFirst = new ArrayList<>();
    for (int g = 1; g <= 25; g++) {
      newestFirst.add("Bulk " + g);
    }
    assertThat(subjects).containsExactlyElementsOf(newestFirst);
    threads.forEach(o -> {
      assertThat(((JsonObject) o).getInteger("unreadCount")).isEqualTo(5);
      assertThat(((JsonObject) o).getString("snippet")).isEqualTo("bulk body 5");
    });
    assertThat(h.get("/api/unread").json().getInteger("unread")).isEqualTo(20_000);
    System.out.println("inbox first page with 4,000 threads of the reader among 24,000: " + millis + " ms");

    // the staff member is on all 24,000: their first page is still the newest 25
    Api.Session st = staff.login(api);
    long staffStart = System.nanoTime();
    Api.Response staffs = st.get("/api/inbox?limit=25");
    long staffMillis = (System.nanoTime() - staffStart) / 1_000_000;
    assertThat(staffs.status()).isEqualTo(200);
    assertThat(staffs.json().getJsonArray("threads")).hasSize(25);
    System.out.println("inbox first page of a staff member on 24,000 threads: " + staffMillis + " ms");
  }

  /** The plan of a statement kept in a constant of {@code owner}, explained with these parameters. */
  static String plan(io.vertx.sqlclient.Pool pool, Class<?> owner, String constant, Tuple params) throws Exception {
    java.lang.reflect.Field f = owner.getDeclaredField(constant);
    f.setAccessible(true);
    List<String> lines = new ArrayList<>();
    pool.preparedQuery("explain " + f.get(null)).execute(params).await().forEach(r -> lines.add(r.getString(0)));
    return String.join("\n", lines);
  }

  static List<String> ids(Api.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return ids(r.json().getJsonArray("threads"));
  }

  static List<String> ids(JsonArray threads) {
    List<String> out = new ArrayList<>();
    threads.forEach(o -> out.add(((JsonObject) o).getString("id")));
    return out;
  }
}
