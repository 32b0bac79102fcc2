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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
  void aHundredThousandMessagesStillAnswerTheFirstPageFromTheIndex() {
    Fixtures.Person heavy = acme.client("Heavy Reader");
    var pool = node.parley().platform().pool();
    // 100,000 messages in 20,000 threads, written in bulk straight to the tables.
    pool.preparedQuery("""
        with t as (
          insert into threads (company_id, subject, created_by, created_at, last_message_at)
          select $1, 'Bulk ' || g, $2, now() - g * interval '1 minute', now() - g * interval '1 minute'
            from generate_series(1, 20000) g returning id, created_at),
        m as (
          insert into messages (company_id, thread_id, sender_id, body_html, body_text, created_at)
          select $1, t.id, $2, '<p>bulk</p>', 'bulk body ' || k, t.created_at + k * interval '1 second'
            from t, generate_series(1, 5) k returning id, thread_id, created_at),
        r as (
          insert into message_recipients (message_id, thread_id, user_id, kind)
          select m.id, m.thread_id, $3, 'bcc' from m returning message_id)
        insert into thread_participants (thread_id, user_id, company_id, last_message_id, last_message_at, unread_count)
        select distinct on (m.thread_id) m.thread_id, $3, $1, m.id, m.created_at, 5 from m order by m.thread_id, m.created_at desc
        """).execute(Tuple.of(acme.id, staff.id(), heavy.id())).await();
    // only the tables' owner may analyze them
    node.asOwner("analyze");

    List<String> plan = new ArrayList<>();
    for (Row r : pool.preparedQuery("explain select tp.thread_id from thread_participants tp where tp.user_id = $1 "
        + "and tp.left_at is null order by tp.last_message_at desc, tp.thread_id desc limit 26").execute(Tuple.of(heavy.id())).await()) {
      plan.add(r.getString(0));
    }
    assertThat(String.join("\n", plan)).contains("thread_participants_inbox_idx").doesNotContain("Seq Scan");

    Api.Session h = heavy.login(api);
    long start = System.nanoTime();
    Api.Response first = h.get("/api/inbox?limit=25");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().getJsonArray("threads")).hasSize(25);
    Set<String> subjects = new HashSet<>();
    first.json().getJsonArray("threads").forEach(o -> subjects.add(((JsonObject) o).getString("subject")));
    assertThat(subjects).contains("Bulk 1");
    System.out.println("inbox first page with 100,000 messages: " + millis + " ms");
  }

  static List<String> ids(Api.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.json().getJsonArray("threads").forEach(o -> out.add(((JsonObject) o).getString("id")));
    return out;
  }
}
