package dev.parley.messaging;

import dev.parley.testing.Api;
import dev.parley.testing.BridgeClient;
import dev.parley.testing.Feed;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Sql;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What a send stores (one change, no per-person rows, no person locked), and what the feed gives back from it. */
class MessageEventsTest {

  static TestNode node;
  static Api api;
  static Pool pool;
  static Vertx clients;
  static Fixtures.Company acme;
  static Fixtures.Person sam;

  /** About 1 KB, like the benchmark's messages. */
  static final String BODY = "<p>" + ("Your statements for the last quarter are ready. They cover the pension, the ISA and "
      + "the general account, with the fees of each listed at the end. Please read them before our call. ").repeat(5)
      + "Reference tangerine-ledger-0427.</p>";

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    pool = node.parley().platform().pool();
    clients = Vertx.vertx();
    acme = node.fixtures().company("Acme");
    // the notification jobs wait, so that no worker rewrites a send's job row while a test counts it
    pool.preparedQuery("update companies set notification_delay_seconds = 3600 where id = $1").execute(Tuple.of(acme.id)).await();
    sam = acme.staff("Sam Staff");
  }

  @AfterAll
  static void stop() {
    clients.close().await();
    node.close();
  }

  static String messageId(Api.Response sent) {
    assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
    return sent.json().getJsonObject("message").getString("id");
  }

  /** The rows of every table that the transaction which wrote {@code messageId} inserted or updated, per table. */
  static Map<String, Long> rowsWrittenWith(String messageId) throws SQLException {
    Map<String, Long> out = new TreeMap<>();
    try (Connection c = Sql.connect(node.dbUrl())) {
      String xid;
      try (PreparedStatement st = c.prepareStatement("select xmin::text from messages where id = ?::uuid")) {
        st.setString(1, messageId);
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          xid = rs.getString(1);
        }
      }
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = c.createStatement().executeQuery("select tablename from pg_tables where schemaname = 'public'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String t : tables) {
        try (ResultSet rs = c.createStatement().executeQuery("select count(*) from " + t + " where xmin::text = '" + xid + "'")) {
          rs.next();
          if (rs.getLong(1) > 0) {
            out.put(t, rs.getLong(1));
          }
        }
      }
    }
    return out;
  }

  static Map<String, Long> counts(String... tables) {
    Map<String, Long> out = new TreeMap<>();
    for (String t : tables) {
      out.put(t, Sql.count(node.dbUrl(), "select count(*) from " + t));
    }
    return out;
  }

  static Map<UUID, String> usersXmin(List<Fixtures.Person> people) {
    Map<UUID, String> out = new HashMap<>();
    UUID[] ids = people.stream().map(Fixtures.Person::id).toArray(UUID[]::new);
    for (Row r : pool.preparedQuery("select id, xmin::text as x from users where id = any($1::uuid[])").execute(Tuple.of((Object) ids)).await()) {
      out.put(r.getUUID("id"), r.getString("x"));
    }
    return out;
  }

  static List<UUID> audienceOf(String messageId) {
    List<UUID> out = new ArrayList<>();
    for (Row r : pool.preparedQuery("select unnest(audience) as p from changes where message_id = $1")
        .execute(Tuple.of(UUID.fromString(messageId))).await()) {
      out.add(r.getUUID("p"));
    }
    return out;
  }

  @Test
  void aReplyToTenPeopleWritesOneChangeFifteenRowsInAllAndLocksNoPerson() throws Exception {
    Fixtures.Person sender = acme.staff("Sid Sender");
    List<Fixtures.Person> to = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      to.add(i < 3 ? acme.staff("Staff " + i) : acme.client("Client " + i));
    }
    JsonArray ids = new JsonArray();
    to.forEach(p -> ids.add(p.sid()));
    Api.Session s = sender.login(api);
    Api.Response started = s.post("/api/threads", new JsonObject().put("to", ids).put("subject", "Quarterly statements")
        .put("bodyHtml", BODY));
    String first = messageId(started);
    String thread = started.json().getJsonObject("thread").getString("id");
    List<Fixtures.Person> involved = new ArrayList<>(to);
    involved.add(sender);
    List<UUID> everyone = involved.stream().map(Fixtures.Person::id).toList();
    assertThat(audienceOf(first)).as("one change, heard of by the sender and every recipient")
        .containsExactlyInAnyOrderElementsOf(everyone);

    Map<UUID, String> usersBefore = usersXmin(involved);
    String[] tables = {"messages", "message_recipients", "threads", "thread_participants", "outbox", "audit_log", "changes", "users"};
    Map<String, Long> before = counts(tables);
    String reply = messageId(s.post("/api/threads/" + thread + "/messages", new JsonObject().put("bodyHtml", BODY)));
    Map<String, Long> after = counts(tables);

    Map<String, Long> added = new TreeMap<>();
    before.forEach((t, n) -> added.put(t, after.get(t) - n));
    assertThat(added).containsExactlyInAnyOrderEntriesOf(Map.of("messages", 1L, "message_recipients", 10L, "threads", 0L,
        "thread_participants", 0L, "outbox", 1L, "audit_log", 1L, "changes", 1L, "users", 0L));
    Map<String, Long> written = rowsWrittenWith(reply);
    assertThat(written).as("rows inserted or updated by the reply's transaction")
        .containsExactlyInAnyOrderEntriesOf(Map.of("messages", 1L, "message_recipients", 10L, "threads", 1L,
            "outbox", 1L, "audit_log", 1L, "changes", 1L));
    assertThat(written.values().stream().mapToLong(Long::longValue).sum()).isLessThanOrEqualTo(15);
    assertThat(usersXmin(involved)).as("no person's row written or locked").isEqualTo(usersBefore);
    assertThat(audienceOf(reply)).containsExactlyInAnyOrderElementsOf(everyone);
    assertThat(Sql.count(node.dbUrl(), "select count(*) from outbox where kind = 'message' and recipient_id is null "
        + "and payload->>'messageId' = '" + reply + "'")).as("one notification job, for nobody in particular").isEqualTo(1);

    // to one colleague: heard of by the sender, the recipient and the other staff on the thread, no contact
    String staffOnly = messageId(s.post("/api/threads/" + thread + "/messages", new JsonObject()
        .put("to", new JsonArray().add(to.get(0).sid())).put("bodyHtml", "<p>between staff</p>")));
    assertThat(audienceOf(staffOnly)).containsExactlyInAnyOrder(sender.id(), to.get(0).id(), to.get(1).id(), to.get(2).id());
  }

  @Test
  void theCatchUpsMessageCreatedIsTheLiveOneForStaffAndForAContact() {
    Fixtures.Person colleague = acme.staff("Casey Colleague");
    Fixtures.Person client = acme.client("Cleo Client");
    Api.Session s = sam.login(api);
    Map<Fixtures.Person, Api.Session> sessions = Map.of(colleague, colleague.login(api), client, client.login(api));
    Map<Fixtures.Person, BridgeClient> live = new HashMap<>();
    Map<Fixtures.Person, String> cursors = new HashMap<>();
    try {
      sessions.forEach((p, session) -> {
        cursors.put(p, Feed.start(session));
        live.put(p, BridgeClient.connect(clients, node.baseUrl(), session.token()).register("user." + p.sid()));
      });
      await().atMost(Duration.ofSeconds(20)).until(() -> live.values().stream().allMatch(BridgeClient::subscribed));

      String thread = s.startThread("Statement", "<p>Ready</p>", colleague, client);
      String reply = messageId(s.post("/api/threads/" + thread + "/messages", new JsonObject().put("bodyHtml", "<p>One more thing</p>")));

      for (Fixtures.Person p : List.of(colleague, client)) {
        List<JsonObject> heard = await().atMost(Duration.ofSeconds(20)).until(() -> live.get(p).events(),
            events -> Feed.created(events).contains(reply));
        List<JsonObject> caughtUp = Feed.untilMessage(sessions.get(p), cursors.get(p), reply);
        assertThat(Feed.created(caughtUp)).as(p.name()).hasSize(2).last().isEqualTo(reply);
        List<JsonObject> heardCreated = Feed.ofType(heard, "message.created");
        assertThat(Feed.ofType(caughtUp, "message.created")).as(p.name() + ": same ids, same data")
            .containsExactlyElementsOf(heardCreated);
        JsonObject data = heardCreated.get(1).getJsonObject("data");
        assertThat(data.getString("bodyHtml")).contains("One more thing");
        assertThat(data.getJsonObject("thread").getMap()).containsOnlyKeys("id", "subject", "lastMessageAt", "snippet");
        assertThat(data.getJsonObject("thread").getString("snippet")).isEqualTo("One more thing");
        assertThat(data.fieldNames()).doesNotContain("unread", "unreadCount");
      }
    } finally {
      live.values().forEach(BridgeClient::close);
    }
  }

  @Test
  void aContactsCatchUpNeverShowsAMessageNotSentToOrByItNorAnotherContact() {
    Fixtures.Person colleague = acme.staff("Kit Colleague");
    Fixtures.Person ana = acme.client("Ana Contact");
    Fixtures.Person ben = acme.client("Ben Contact");
    Api.Session s = sam.login(api);
    Api.Session a = ana.login(api);
    Api.Session b = ben.login(api);
    String anaFrom = Feed.start(a);
    String benFrom = Feed.start(b);
    Api.Response started = s.post("/api/threads", new JsonObject().put("to", new JsonArray().add(ana.sid()).add(ben.sid())
        .add(colleague.sid())).put("subject", "Shared").put("bodyHtml", "<p>to both</p>"));
    String first = messageId(started);
    String thread = started.json().getJsonObject("thread").getString("id");
    String anasReply = messageId(a.post("/api/threads/" + thread + "/messages", new JsonObject().put("bodyHtml", "<p>from ana</p>")));
    String staffOnly = messageId(s.post("/api/threads/" + thread + "/messages", new JsonObject()
        .put("to", new JsonArray().add(colleague.sid())).put("bodyHtml", "<p>between staff</p>")));
    // sent last: once a contact's catch-up lists it, every earlier change is listed too
    String last = messageId(s.post("/api/threads/" + thread + "/messages", new JsonObject().put("bodyHtml", "<p>to both again</p>")));

    List<JsonObject> bens = Feed.untilMessage(b, benFrom, last);
    assertThat(Feed.created(bens)).containsExactly(first, last);
    assertThat(new JsonArray(bens).encode()).doesNotContain(ana.sid(), "Ana Contact", "from ana", staffOnly, "between staff");

    List<JsonObject> anas = Feed.untilMessage(a, anaFrom, last);
    assertThat(Feed.created(anas)).containsExactly(first, anasReply, last);
    assertThat(new JsonArray(anas).encode()).doesNotContain(ben.sid(), "Ben Contact", staffOnly, "between staff");
  }

  @Test
  void aMessageThePersonMayNoLongerSeeIsNotListedAtAll() {
    Fixtures.Person client = acme.client("Rory Removed");
    Api.Session c = client.login(api);
    String from = Feed.start(c);
    String thread = sam.login(api).startThread("Removed", "<p>soon gone</p>", client);
    String kept = messageId(sam.login(api).post("/api/threads/" + thread + "/messages", new JsonObject().put("bodyHtml", "<p>kept</p>")));
    String gone = Feed.created(Feed.untilMessage(c, from, kept)).get(0);
    pool.preparedQuery("delete from message_recipients where message_id = $1 and user_id = $2")
        .execute(Tuple.of(UUID.fromString(gone), client.id())).await();

    List<JsonObject> events = Feed.after(c, from);
    assertThat(Feed.created(events)).containsExactly(kept);
    assertThat(new JsonArray(events).encode()).doesNotContain(gone, "soon gone");
  }

  @Test
  void catchingUpFromZeroAfterPruningListsFromTheOldestKeptChange() {
    Fixtures.Company other = node.fixtures().company("Pruned");
    Fixtures.Person staff = other.staff("Pat Pruned");
    Fixtures.Person client = other.client("Cody Pruned");
    Api.Session c = client.login(api);
    String before = Feed.start(c);
    Api.Session s = staff.login(api);
    String pruned = messageId(s.post("/api/threads", new JsonObject().put("to", new JsonArray().add(client.sid()))
        .put("subject", "Old").put("bodyHtml", "<p>old</p>")));
    String kept = messageId(s.post("/api/threads", new JsonObject().put("to", new JsonArray().add(client.sid()))
        .put("subject", "New").put("bodyHtml", "<p>new</p>")));
    Feed.untilMessage(c, before, kept);
    // what the pruner does once the first change is past the retention
    node.asOwner("with gone as (delete from changes where message_id = '" + pruned + "' returning company_id, xid, seq) "
        + "insert into changes_pruned (company_id, xid, seq) select company_id, xid, seq from gone");

    assertThat(Feed.created(Feed.after(c, "0"))).containsExactly(kept);
    Api.Response stale = c.get("/api/events?after=" + before);
    assertThat(stale.status()).isEqualTo(200);
    assertThat(stale.json().getBoolean("resync")).as("a cursor from before the pruned change").isTrue();
  }

  @Test
  void aCursorThisServerDidNotHandOutIsRefusedNamingAfter() {
    Api.Session c = acme.client("Mal Formed").login(api);
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    for (String cursor : List.of("abc", "-1", "0.5", b64.encodeToString("c2:7".getBytes()), b64.encodeToString("c2:-1:2".getBytes()),
        b64.encodeToString("c2:99999999999999999999:1".getBytes()), b64.encodeToString("c1:1:1".getBytes()))) {
      Api.Response r = c.get("/api/events?after=" + cursor);
      assertThat(r.status()).as(cursor).isEqualTo(400);
      assertThat(r.error()).isEqualTo("invalid_request");
      assertThat(r.json().getString("message")).contains("after");
    }
  }

  @Test
  void aChangeCommittedLateByAnOlderTransactionIsListedAfterEveryCursorHandedOutMeanwhile() throws Exception {
    Fixtures.Person client = acme.client("Lena Late");
    Api.Session c = client.login(api);
    String before = Feed.start(c);
    UUID late = UUID.randomUUID();
    UUID early = UUID.randomUUID();
    try (Connection slow = Sql.connect(node.dbUrl()); Connection quick = Sql.connect(node.dbUrl())) {
      slow.setAutoCommit(false);
      // the older transaction writes its change first and commits last
      leave(slow, client, late);
      leave(quick, client, early);
      String meanwhile = Feed.start(c);
      assertThat(Feed.after(c, before)).as("nothing is listed past a transaction still running").isEmpty();
      slow.commit();

      for (String cursor : List.of(before, meanwhile)) {
        List<JsonObject> events = Feed.until(c, cursor, e -> leftThreads(e).size() == 2);
        assertThat(leftThreads(events)).containsExactlyInAnyOrder(late.toString(), early.toString());
      }
    }
  }

  /** A change as a leave writes it, for a thread that only the feed knows of. */
  static void leave(Connection c, Fixtures.Person who, UUID thread) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("insert into changes (company_id, thread_id, kind, actor_id, audience, data) "
        + "values (?::uuid, ?::uuid, 'left', ?::uuid, array[?::uuid], '{\"unread\":0}'::jsonb)")) {
      st.setString(1, acme.id.toString());
      st.setString(2, thread.toString());
      st.setString(3, who.sid());
      st.setString(4, who.sid());
      st.executeUpdate();
    }
  }

  static List<String> leftThreads(List<JsonObject> events) {
    return Feed.ofType(events, "thread.updated").stream().map(e -> e.getJsonObject("data"))
        .filter(d -> d.getBoolean("left", false)).map(d -> d.getString("threadId")).toList();
  }
}
