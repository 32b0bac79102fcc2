package dev.parley.db;

import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Sql;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A database written by the first write path (per-person inbox rows with their last message and
 * unread count, per-person unread totals and event rows, one notification row per recipient) keeps
 * everything a person saw once migrated: the same threads, messages and read times, the same unread
 * counts and inbox order, threads left stay left, waiting notifications still go out.
 */
class UpgradeFromFirstWritePathTest {

  static final UUID COMPANY = UUID.randomUUID();
  static final UUID SAM = UUID.randomUUID();
  static final UUID KIM = UUID.randomUUID();
  static final UUID ANA = UUID.randomUUID();
  static final UUID BEN = UUID.randomUUID();
  static final Map<UUID, String> NAMES = Map.of(SAM, "Sam Staff", KIM, "Kim Staff", ANA, "Ana Client", BEN, "Ben Client");
  static final Set<UUID> STAFF = Set.of(SAM, KIM);
  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  /** A message as the first version stored it: its recipients, and those of them who had opened it. */
  record Message(UUID id, UUID thread, UUID sender, List<UUID> to, Set<UUID> readBy, int minutesAgo) {
    Instant at() {
      return NOW.minus(minutesAgo, ChronoUnit.MINUTES);
    }

    boolean seenBy(UUID person) {
      return STAFF.contains(person) || sender.equals(person) || to.contains(person);
    }
  }

  /** One person's inbox row as the first version kept it. */
  record InboxRow(UUID thread, Instant lastMessageAt, int unread) {
  }

  static final UUID T1 = UUID.randomUUID();
  static final UUID T2 = UUID.randomUUID();
  static final UUID T3 = UUID.randomUUID();
  static final UUID T4 = UUID.randomUUID();
  static final List<Message> MESSAGES = List.of(
      new Message(UUID.randomUUID(), T1, SAM, List.of(ANA, BEN, KIM), Set.of(ANA, KIM), 60),
      new Message(UUID.randomUUID(), T1, ANA, List.of(SAM, KIM), Set.of(SAM), 50),
      new Message(UUID.randomUUID(), T2, SAM, List.of(ANA), Set.of(), 40),
      new Message(UUID.randomUUID(), T3, KIM, List.of(BEN), Set.of(BEN), 30),
      new Message(UUID.randomUUID(), T1, SAM, List.of(ANA, BEN, KIM), Set.of(), 20),
      new Message(UUID.randomUUID(), T3, BEN, List.of(KIM), Set.of(), 10),
      new Message(UUID.randomUUID(), T4, SAM, List.of(BEN, ANA), Set.of(), 5),
      // between staff only: it moves the thread up for the staff, not for Ana
      new Message(UUID.randomUUID(), T2, SAM, List.of(KIM), Set.of(), 2));
  static final Map<UUID, List<UUID>> ON_THREAD = Map.of(T1, List.of(SAM, KIM, ANA, BEN), T2, List.of(SAM, ANA, KIM),
      T3, List.of(KIM, BEN), T4, List.of(SAM, BEN, ANA));
  /** Ana left T4 after its message arrived: the first version set her row's unread count to 0. */
  static final UUID LEAVER = ANA;
  static final UUID LEFT = T4;

  static String ownerUrl;
  static TestNode node;
  static Map<UUID, Integer> unreadBefore = new HashMap<>();
  static Map<UUID, List<InboxRow>> inboxBefore = new HashMap<>();
  static Map<String, String> readTimesBefore;
  static UUID waitingForBen;
  static UUID waitingForAnaWhoRead;

  @BeforeAll
  static void upgrade() throws Exception {
    ownerUrl = TestDatabase.emptyDatabase();
    PgConnectOptions o = Db.connectOptions(ownerUrl);
    Flyway.configure().dataSource(Db.jdbcUrl(o), o.getUser(), o.getPassword()).locations("classpath:db/migration")
        .target("10").load().migrate();
    writeAsTheFirstVersionDid();
    unreadBefore = storedUnreadTotals();
    inboxBefore = storedInboxes();
    readTimesBefore = readTimes();

    Map<String, String> env = TestNode.defaults();
    env.put(ParleyConfig.DB_URL, ownerUrl);
    node = TestNode.startWith(env);
    // the first version's people had passwords; these get one now to sign in
    String hash = node.parley().platform().passwords().hash(Fixtures.PASSWORD).await();
    node.asOwner("update users set password_hash = '" + hash + "'");
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  static void writeAsTheFirstVersionDid() throws SQLException {
    try (Connection c = Sql.connect(ownerUrl); Statement st = c.createStatement()) {
      st.execute("insert into companies (id, name, notification_delay_seconds) values ('" + COMPANY + "', 'Acme', 0)");
      st.execute("insert into messaging_settings (company_id) values ('" + COMPANY + "')");
      for (Map.Entry<UUID, String> p : NAMES.entrySet()) {
        st.execute("insert into users (id, company_id, email, name, role) values ('" + p.getKey() + "', '" + COMPANY + "', '"
            + p.getValue().toLowerCase().replace(' ', '.') + "@example.test', '" + p.getValue() + "', '"
            + (STAFF.contains(p.getKey()) ? "staff" : "client") + "')");
      }
      for (UUID t : List.of(T1, T2, T3, T4)) {
        Message first = MESSAGES.stream().filter(m -> m.thread().equals(t)).findFirst().orElseThrow();
        Message last = lastOf(t, SAM);
        st.execute("insert into threads (id, company_id, subject, created_by, created_at, last_message_at) values ('" + t
            + "', '" + COMPANY + "', 'Subject " + t + "', '" + first.sender() + "', '" + first.at() + "', '" + last.at() + "')");
      }
      for (Message m : MESSAGES) {
        st.execute("insert into messages (id, company_id, thread_id, sender_id, body_html, body_text, created_at) values ('"
            + m.id() + "', '" + COMPANY + "', '" + m.thread() + "', '" + m.sender() + "', '<p>Body " + m.id() + "</p>', 'Body "
            + m.id() + "', '" + m.at() + "')");
        for (UUID r : m.to()) {
          String readAt = m.readBy().contains(r) ? "'" + m.at().plusSeconds(30) + "'" : "null";
          st.execute("insert into message_recipients (message_id, user_id, thread_id, kind, read_at) values ('" + m.id() + "', '"
              + r + "', '" + m.thread() + "', '" + (STAFF.contains(r) ? "to" : "bcc") + "', " + readAt + ")");
        }
      }
      // the inbox rows: the last message the person may see, and its unread messages there
      Map<UUID, Integer> totals = new HashMap<>();
      for (Map.Entry<UUID, List<UUID>> e : ON_THREAD.entrySet()) {
        for (UUID p : e.getValue()) {
          Message last = lastOf(e.getKey(), p);
          boolean left = p.equals(LEAVER) && e.getKey().equals(LEFT);
          int unread = left ? 0 : (int) MESSAGES.stream()
              .filter(m -> m.thread().equals(e.getKey()) && m.to().contains(p) && !m.readBy().contains(p)).count();
          totals.merge(p, unread, Integer::sum);
          st.execute("insert into thread_participants (thread_id, user_id, company_id, last_message_id, last_message_at, "
              + "unread_count, left_at) values ('" + e.getKey() + "', '" + p + "', '" + COMPANY + "', '" + last.id() + "', '"
              + last.at() + "', " + unread + ", " + (left ? "now()" : "null") + ")");
        }
      }
      // each person's event sequence and feed
      for (UUID p : NAMES.keySet()) {
        int seq = 0;
        for (Message m : MESSAGES) {
          if (m.sender().equals(p) || m.to().contains(p)) {
            seq++;
            st.execute("insert into events (user_id, seq, type, data) values ('" + p + "', " + seq + ", 'message.created', '"
                + new JsonObject().put("id", m.id().toString()).put("threadId", m.thread().toString()).encode() + "')");
          }
        }
        st.execute("update users set last_event_seq = " + seq + ", unread_count = " + totals.getOrDefault(p, 0)
            + " where id = '" + p + "'");
      }
      // notifications of the last messages, waiting for their readers and due now: Ben has not read his, Ana has read hers
      waitingForBen = waitingNotification(st, BEN, MESSAGES.get(6));
      waitingForAnaWhoRead = waitingNotification(st, ANA, MESSAGES.get(0));
    }
  }

  static UUID waitingNotification(Statement st, UUID recipient, Message m) throws SQLException {
    UUID id = UUID.randomUUID();
    st.execute("insert into outbox (id, company_id, kind, recipient_id, payload, next_attempt_at, waits_for_reader) values ('"
        + id + "', '" + COMPANY + "', 'notification', '" + recipient + "', '" + new JsonObject()
        .put("messageId", m.id().toString()).put("threadId", m.thread().toString()).encode() + "', now(), true)");
    return id;
  }

  static Message lastOf(UUID thread, UUID person) {
    return MESSAGES.stream().filter(m -> m.thread().equals(thread) && m.seenBy(person))
        .max(Comparator.comparing(Message::at)).orElseThrow();
  }

  static Map<UUID, Integer> storedUnreadTotals() {
    Map<UUID, Integer> out = new HashMap<>();
    for (UUID p : NAMES.keySet()) {
      out.put(p, (int) Sql.count(ownerUrl, "select unread_count from users where id = '" + p + "'"));
    }
    return out;
  }

  static Map<UUID, List<InboxRow>> storedInboxes() throws SQLException {
    Map<UUID, List<InboxRow>> out = new HashMap<>();
    try (Connection c = Sql.connect(ownerUrl); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("select user_id, thread_id, last_message_at, unread_count from thread_participants "
             + "where left_at is null order by user_id, last_message_at desc, thread_id desc")) {
      while (rs.next()) {
        out.computeIfAbsent(UUID.fromString(rs.getString(1)), k -> new ArrayList<>()).add(new InboxRow(
            UUID.fromString(rs.getString(2)), rs.getTimestamp(3).toInstant(), rs.getInt(4)));
      }
    }
    return out;
  }

  static Map<String, String> readTimes() throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = Sql.connect(ownerUrl); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("select message_id || ' ' || user_id, read_at::text from message_recipients")) {
      while (rs.next()) {
        out.put(rs.getString(1), String.valueOf(rs.getString(2)));
      }
    }
    return out;
  }

  static Api.Session login(UUID person) {
    return node.api().login(NAMES.get(person).toLowerCase().replace(' ', '.') + "@example.test", Fixtures.PASSWORD);
  }

  @Test
  void everyThreadMessageAndReadTimeIsKept() throws Exception {
    assertThat(Sql.count(ownerUrl, "select count(*) from threads")).isEqualTo(4);
    assertThat(Sql.count(ownerUrl, "select count(*) from messages")).isEqualTo(MESSAGES.size());
    assertThat(readTimes()).isEqualTo(readTimesBefore).hasSize(MESSAGES.stream().mapToInt(m -> m.to().size()).sum());
    for (UUID t : List.of(T1, T2, T3, T4)) {
      assertThat(Sql.count(ownerUrl, "select count(*) from threads where id = '" + t + "' and last_message_id = '"
          + lastOf(t, SAM).id() + "'")).as("the thread knows its last message").isEqualTo(1);
    }
    // every message a person saw is there for them, with its read time
    Api.Session ben = login(BEN);
    JsonArray t1 = ben.get("/api/threads/" + T1).json().getJsonArray("messages");
    assertThat(t1.stream().map(o -> ((JsonObject) o).getString("id")).toList())
        .containsExactly(MESSAGES.get(0).id().toString(), MESSAGES.get(4).id().toString());
  }

  @Test
  void eachPersonsUnreadCountsAndInboxOrderAreThoseOfBefore() {
    for (UUID p : NAMES.keySet()) {
      Api.Session s = login(p);
      assertThat(s.get("/api/unread").json().getInteger("unread")).as(NAMES.get(p) + " unread").isEqualTo(unreadBefore.get(p));
      List<InboxRow> now = new ArrayList<>();
      for (Object o : s.get("/api/inbox").json().getJsonArray("threads")) {
        JsonObject row = (JsonObject) o;
        now.add(new InboxRow(UUID.fromString(row.getString("id")), Instant.parse(row.getString("lastMessageAt")),
            row.getInteger("unreadCount")));
      }
      assertThat(now).as(NAMES.get(p) + " inbox").containsExactlyElementsOf(inboxBefore.get(p));
    }
  }

  @Test
  void aThreadLeftStaysLeft() {
    Api.Session ana = login(LEAVER);
    assertThat(ana.get("/api/threads/" + LEFT).json().getJsonObject("thread").getBoolean("left")).isTrue();
    assertThat(ana.get("/api/inbox").json().getJsonArray("threads").encode()).doesNotContain(LEFT.toString());
    assertThat(Sql.count(ownerUrl, "select count(*) from thread_participants where left_at is not null")).isEqualTo(1);
  }

  @Test
  void aClientHoldingAnEventNumberOfTheFirstVersionIsToldToReload() {
    Api.Response r = login(KIM).get("/api/events?after=3");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getBoolean("resync")).isTrue();
    assertThat(r.json().getString("cursor")).isNotBlank();
  }

  @Test
  void notificationsWaitingForTheirReaderStillGoOutOrAreSkipped() {
    await().atMost(Duration.ofSeconds(20)).until(() -> status(waitingForBen).equals("sent")
        && !status(waitingForAnaWhoRead).equals("pending"));
    assertThat(status(waitingForAnaWhoRead)).as("Ana had read it").isEqualTo("skipped");
  }

  static String status(UUID outboxRow) {
    Map<String, Long> statuses = new LinkedHashMap<>();
    for (String s : List.of("pending", "sent", "failed", "skipped")) {
      statuses.put(s, Sql.count(ownerUrl, "select count(*) from outbox where id = '" + outboxRow + "' and status = '" + s + "'"));
    }
    return statuses.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).collect(Collectors.joining(","));
  }
}
