package dev.parley.realtime;

import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Sql;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Catch-up is gap-free when commits land out of order: two clustered nodes on one database, writers
 * on both, one write held inside its commit (its change already numbered) while later writes commit,
 * and an idle transaction held open across them. A client that catches up in a loop, on alternating
 * nodes, ends with exactly what the database says it may see: every message once, every read of its
 * own messages with the time stored.
 */
class OutOfOrderCatchUpTest {

  /** The advisory lock the held commit waits for. */
  static final long GATE = 0x6761746500000001L;
  /**
   * Holds, at commit, every transaction that wrote a change of a thread named in {@code held_threads}
   * while the test holds {@link #GATE}: a deferred trigger runs at commit, when the change's number
   * is long given out, so later changes commit first.
   */
  static final String INSTALL_GATE = """
      create table held_threads (thread_id uuid primary key);
      grant select on held_threads to public;
      create function hold_commit() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from held_threads h where h.thread_id = new.thread_id) then
          perform pg_advisory_xact_lock_shared(%d);
        end if;
        return null;
      end $$;
      create constraint trigger hold_commit after insert on changes
        deferrable initially deferred for each row execute function hold_commit();
      """.formatted(GATE);
  static final int ROUNDS = 10;

  static TestNode node1;
  static TestNode node2;

  @BeforeAll
  static void start() {
    // a held commit must not run into the request's deadline
    TestNode[] nodes = TestNode.cluster(Map.of(ParleyConfig.REQUEST_TIMEOUT_SECONDS, "120"));
    node1 = nodes[0];
    node2 = nodes[1];
    node1.asOwner(INSTALL_GATE);
  }

  @AfterAll
  static void stop() {
    if (node2 != null) {
      node2.close();
    }
    node1.close();
  }

  @Test
  void aClientCatchingUpWhileCommitsLandOutOfOrderEndsWithExactlyWhatItMaySeeEachOnce() throws Exception {
    Fixtures.Company co = node1.fixtures().company("Out of Order");
    Fixtures.Person sam = co.staff("Sam Staff");
    Fixtures.Person wes = co.staff("Wes Staff");
    Fixtures.Person pat = co.client("Pat Client", sam);
    Fixtures.Person quinn = co.client("Quinn Client", sam);
    Api.Session sam1 = sam.login(node1.api());
    Api.Session sam2 = sam.login(node2.api());
    Api.Session wes1 = wes.login(node1.api());
    Api.Session wes2 = wes.login(node2.api());
    Api.Session pat1 = pat.login(node1.api());
    Api.Session pat2 = pat.login(node2.api());
    Api.Session quinn2 = quinn.login(node2.api());

    Reader patView = new Reader(pat, List.of(pat1, pat2));
    Reader samView = new Reader(sam, List.of(sam1, sam2));
    List<String> patThreads = List.of(
        sam1.startThread("Held matter", "<p>One</p>", pat, wes),
        sam1.startThread("Second matter", "<p>Two</p>", pat, wes),
        sam2.startThread("Third matter", "<p>Three</p>", pat, wes));
    String quinnThread = sam2.startThread("Quinn's matter", "<p>Not for Pat</p>", quinn, wes);
    String held = patThreads.get(0);

    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger rounds = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (Connection gate = Sql.connect(node1.dbUrl()); Connection idle = Sql.connect(node1.dbUrl())) {
      Future<?> reading = pool.submit(() -> {
        while (writing.get()) {
          patView.catchUp(rounds.get() % 2);
          samView.catchUp(rounds.get() % 2);
          rounds.incrementAndGet();
        }
      });
      execute(gate, "select pg_advisory_lock(" + GATE + ")");
      execute(gate, "insert into held_threads values ('" + held + "')");
      idle.setAutoCommit(false);
      execute(idle, "select pg_current_xact_id()");

      // a reply to the held thread waits inside its commit, its change numbered; while it waits the
      // others write only to the other threads (a second write of that thread would wait for its row)
      AtomicBoolean released = new AtomicBoolean();
      Step.Pick thread = i -> released.get() ? patThreads.get(i % 3) : patThreads.get(1 + i % 2);
      List<Future<?>> writers = new ArrayList<>();
      writers.add(pool.submit(() -> write(1, i -> reply(sam1, held, "Held"))));
      await().atMost(Duration.ofSeconds(60)).until(() -> waitingAtTheGate() > 0);
      writers.add(pool.submit(() -> write(ROUNDS, i -> reply(sam1, i % 2 == 0 ? thread.of(i) : quinnThread, "Sam " + i))));
      writers.add(pool.submit(() -> write(ROUNDS, i -> reply(i % 2 == 0 ? wes1 : wes2, i % 2 == 0 ? quinnThread : thread.of(i), "Wes " + i))));
      writers.add(pool.submit(() -> write(ROUNDS, i -> reply(pat2, thread.of(i), "Pat " + i))));
      writers.add(pool.submit(() -> write(ROUNDS, i -> reply(quinn2, quinnThread, "Quinn " + i))));
      writers.add(pool.submit(() -> write(ROUNDS, i -> read(i % 2 == 0 ? pat1 : pat2, thread.of(i)))));
      writers.add(pool.submit(() -> write(ROUNDS, i -> read(i % 2 == 0 ? sam2 : sam1, i % 4 == 0 ? quinnThread : thread.of(i)))));

      // later writes commit around the held one, and the client catches up twice after them; then
      // the idle transaction ends, two more catch-ups, and the held commit goes through
      long changesThen = changes();
      await().atMost(Duration.ofSeconds(60)).until(() -> changes() >= changesThen + 10);
      int roundsThen = rounds.get();
      await().atMost(Duration.ofSeconds(60)).until(() -> rounds.get() >= roundsThen + 2);
      idle.commit();
      int roundsAfterIdle = rounds.get();
      await().atMost(Duration.ofSeconds(60)).until(() -> rounds.get() >= roundsAfterIdle + 2);
      execute(gate, "select pg_advisory_unlock(" + GATE + ")");
      released.set(true);
      execute(gate, "delete from held_threads");

      for (Future<?> w : writers) {
        w.get();
      }
      writing.set(false);
      reading.get();
    } finally {
      pool.shutdownNow();
    }
    patView.catchUp(0);
    samView.catchUp(1);

    assertThat(readsOfMessagesBy(pat)).as("Sam read some of Pat's replies").isNotEmpty();
    assertThat(readsOfMessagesBy(sam)).as("Pat read some of Sam's messages").isNotEmpty();
    for (Reader view : List.of(patView, samView)) {
      String who = view.person.name();
      assertThat(view.resyncs).as(who + ": resyncs").isZero();
      assertThat(view.createdTwice).as(who + ": messages applied twice").isEmpty();
      assertThat(view.created.keySet()).as(who + ": the messages received")
          .containsExactlyInAnyOrderElementsOf(visibleTo(view.person));
      Map<String, Instant> learned = new HashMap<>(view.reads);
      Set<String> sent = sentBy(view.person);
      learned.keySet().removeIf(key -> !sent.contains(key.substring(0, key.indexOf(' '))));
      assertThat(learned).as(who + ": the reads of their messages").isEqualTo(readsOfMessagesBy(view.person));
    }
    assertThat(patView.created).as("Pat saw nothing of Quinn's thread")
        .allSatisfy((id, thread) -> assertThat(thread).isNotEqualTo(quinnThread));
    System.out.printf("OUT-OF-ORDER catch-up: %d rounds; Pat %d messages, %d reads, %d duplicates dropped;"
            + " Sam %d messages, %d reads, %d duplicates dropped%n", rounds.get(),
        patView.created.size(), patView.reads.size(), patView.duplicates,
        samView.created.size(), samView.reads.size(), samView.duplicates);
  }

  /** A browser's catch-up state: its cursor, the ids it applied, what it learned. */
  static final class Reader {
    final Fixtures.Person person;
    final List<Api.Session> nodes;
    final Set<String> applied = new HashSet<>();
    /** message id to thread id, from message.created */
    final Map<String, String> created = new ConcurrentHashMap<>();
    final List<String> createdTwice = new ArrayList<>();
    /** "message reader" to the read time, from message.read */
    final Map<String, Instant> reads = new HashMap<>();
    String cursor;
    int duplicates;
    int resyncs;

    Reader(Fixtures.Person person, List<Api.Session> nodes) {
      this.person = person;
      this.nodes = nodes;
      Api.Response start = nodes.get(0).get("/api/events");
      assertThat(start.status()).as(start.toString()).isEqualTo(200);
      cursor = start.json().getString("cursor");
    }

    /** Catches up on one node while it says there is more. */
    synchronized void catchUp(int node) {
      cursor = LiveFeed.catchUp(nodes.get(node), cursor, this::apply, () -> resyncs++);
    }

    private void apply(JsonObject event) {
      if (!applied.add(event.getString("id"))) {
        duplicates++;
        return;
      }
      JsonObject data = event.getJsonObject("data");
      switch (event.getString("type")) {
        case "message.created" -> {
          if (created.put(data.getString("id"), data.getString("threadId")) != null) {
            createdTwice.add(data.getString("id"));
          }
        }
        case "message.read" -> reads.put(data.getString("messageId") + " " + data.getString("readerId"),
            Instant.parse(data.getString("readAt")));
        default -> {
        }
      }
    }
  }

  interface Step {
    Api.Response run(int i);

    /** Which thread the i-th write goes to. */
    interface Pick {
      String of(int i);
    }
  }

  private static void write(int times, Step step) {
    for (int i = 0; i < times; i++) {
      Api.Response r = step.run(i);
      assertThat(r.status()).as(r.toString()).isIn(201, 204);
    }
  }

  private static Api.Response reply(Api.Session from, String thread, String text) {
    return from.post("/api/threads/" + thread + "/messages",
        new JsonObject().put("bodyHtml", "<p>" + text + "</p>").put("readReceipt", false));
  }

  private static Api.Response read(Api.Session reader, String thread) {
    return reader.post("/api/threads/" + thread + "/read", new JsonObject());
  }

  private static void execute(Connection c, String sql) {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private static long waitingAtTheGate() {
    return Sql.count(node1.dbUrl(), "select count(*) from pg_locks where locktype = 'advisory' and not granted");
  }

  private static long changes() {
    return Sql.count(node1.dbUrl(), "select count(*) from changes");
  }

  /** The messages the person may see: their own, those sent to them, and all of a thread they are staff on. */
  private static Set<String> visibleTo(Fixtures.Person p) {
    String sql = p.role().isStaff()
        ? "select m.id from messages m join thread_participants tp on tp.thread_id = m.thread_id and tp.user_id = ?"
        : "select m.id from messages m where m.sender_id = ?1 or exists (select 1 from message_recipients r"
            + " where r.message_id = m.id and r.user_id = ?1)";
    Set<String> ids = new HashSet<>();
    query(sql.replace("?1", "?"), p, sql.contains("?1") ? 2 : 1, rs -> ids.add(rs.getString(1)));
    return ids;
  }

  private static Set<String> sentBy(Fixtures.Person p) {
    Set<String> ids = new HashSet<>();
    query("select id from messages where sender_id = ?", p, 1, rs -> ids.add(rs.getString(1)));
    return ids;
  }

  /** The read times stored for the messages the person sent, per message and reader. */
  private static Map<String, Instant> readsOfMessagesBy(Fixtures.Person p) {
    Map<String, Instant> reads = new HashMap<>();
    query("select r.message_id, r.user_id, r.read_at from message_recipients r join messages m on m.id = r.message_id"
        + " where m.sender_id = ? and r.read_at is not null", p, 1,
        rs -> reads.put(rs.getString(1) + " " + rs.getString(2), rs.getObject(3, OffsetDateTime.class).toInstant()));
    return reads;
  }

  interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  private static void query(String sql, Fixtures.Person p, int params, RowReader reader) {
    try (Connection c = Sql.connect(node1.dbUrl()); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 1; i <= params; i++) {
        s.setObject(i, p.id());
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          reader.read(rs);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
