package dev.parley.messaging;

import dev.parley.testing.Api;
import dev.parley.testing.Feed;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent senders to overlapping recipients: no deadlock, no lost send, and every person's
 * catch-up lists each of their messages once, with no gap: what lets a client trust its cursor.
 */
class ConcurrentSendsTest {

  static TestNode node;
  static Api api;
  static List<Fixtures.Person> staff = new ArrayList<>();
  static List<Fixtures.Person> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    Fixtures.Company acme = node.fixtures().company("Acme");
    for (int i = 0; i < 6; i++) {
      staff.add(acme.staff("Staff " + i));
    }
    for (int i = 0; i < 8; i++) {
      clients.add(acme.client("Client " + i));
    }
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void overlappingConcurrentSendsAllCommitAndEveryFeedListsEachMessageOnce() throws Exception {
    int perSender = 15;
    ExecutorService pool = Executors.newFixedThreadPool(staff.size());
    List<Future<Integer>> results = new ArrayList<>();
    for (int s = 0; s < staff.size(); s++) {
      Api.Session session = staff.get(s).login(api);
      int offset = s;
      results.add(pool.submit(() -> {
        int ok = 0;
        for (int i = 0; i < perSender; i++) {
          JsonArray to = new JsonArray();
          // rotate so every pair of senders shares recipients, in different orders
          for (int k = 0; k < 4; k++) {
            to.add(clients.get((offset + i + k * 3) % clients.size()).sid());
          }
          to.add(staff.get((offset + 1) % staff.size()).sid());
          Api.Response r = session.post("/api/threads", new JsonObject().put("to", to).put("subject", "Load " + i)
              .put("bodyHtml", "<p>message " + i + "</p>"));
          if (r.status() == 201) {
            ok++;
          }
        }
        return ok;
      }));
    }
    int sent = 0;
    for (Future<Integer> f : results) {
      sent += f.get();
    }
    pool.shutdown();
    assertThat(sent).isEqualTo(staff.size() * perSender);

    assertFeedsHaveNoGapsAndUnreadAddsUp();
  }

  @Test
  void repliesAndReadsAcrossSharedThreadsFromManyPeopleAtOnceCommitWithoutDeadlocks() throws Exception {
    long rollbacksBefore = node.parley().platform().writes().rollbacks();
    Api.Session starter = staff.get(0).login(api);
    List<String> threads = new ArrayList<>();
    java.util.Map<Fixtures.Person, List<String>> mine = new java.util.HashMap<>();
    for (int k = 0; k < 4; k++) {
      JsonArray to = new JsonArray();
      List<Fixtures.Person> on = new ArrayList<>(staff);
      for (int c = 0; c < 4; c++) {
        on.add(clients.get((k * 2 + c) % clients.size()));
      }
      on.stream().filter(p -> p != staff.get(0)).forEach(p -> to.add(p.sid()));
      String thread = starter.post("/api/threads", new JsonObject().put("to", to).put("subject", "Shared " + k)
          .put("bodyHtml", "<p>start " + k + "</p>")).json().getJsonObject("thread").getString("id");
      threads.add(thread);
      on.forEach(p -> mine.computeIfAbsent(p, x -> new ArrayList<>()).add(thread));
    }
    List<Fixtures.Person> everyone = new ArrayList<>(staff);
    everyone.addAll(clients);
    ExecutorService pool = Executors.newFixedThreadPool(everyone.size());
    List<Future<Integer>> results = new ArrayList<>();
    for (int s = 0; s < everyone.size(); s++) {
      Fixtures.Person person = everyone.get(s);
      List<String> own = mine.get(person);
      Api.Session session = person.login(api);
      boolean isStaff = s < staff.size();
      int offset = s;
      results.add(pool.submit(() -> {
        int failures = 0;
        for (int i = 0; i < 8; i++) {
          // each person walks its threads in its own order: replies and reads lock threads and people
          // in every order at once
          String thread = own.get((offset + i * (offset % 2 == 0 ? 1 : 3)) % own.size());
          Api.Response r = isStaff && i % 2 == 0
              ? session.post("/api/threads/" + thread + "/messages", new JsonObject().put("bodyHtml", "<p>reply " + i + "</p>"))
              : session.post("/api/threads/" + thread + "/read", new JsonObject());
          if (r.status() != (isStaff && i % 2 == 0 ? 201 : 204)) {
            failures++;
          }
        }
        return failures;
      }));
    }
    int failures = 0;
    for (Future<Integer> f : results) {
      failures += f.get();
    }
    pool.shutdown();

    assertThat(failures).isZero();
    assertThat(node.parley().platform().writes().rollbacks()).as("shared transactions rolled back").isEqualTo(rollbacksBefore);
    assertFeedsHaveNoGapsAndUnreadAddsUp();
  }

  /**
   * Every person's catch-up from the start lists each message they may hear of exactly once (no gap,
   * no duplicate), and the unread count is the number of messages not yet opened.
   */
  private static void assertFeedsHaveNoGapsAndUnreadAddsUp() {
    List<Fixtures.Person> everyone = new ArrayList<>(staff);
    everyone.addAll(clients);
    for (Fixtures.Person p : everyone) {
      Api.Session s = p.login(api);
      Set<String> expected = new HashSet<>();
      node.parley().platform().pool().preparedQuery("""
              select m.id from messages m
               where m.sender_id = $1
                  or exists (select 1 from message_recipients r where r.message_id = m.id and r.user_id = $1)
                  or ($2 and exists (select 1 from thread_participants tp where tp.thread_id = m.thread_id and tp.user_id = $1))""")
          .execute(Tuple.of(p.id(), p.role().isStaff())).await().forEach(r -> expected.add(r.getUUID("id").toString()));
      List<JsonObject> events = Feed.until(s, "0", e -> new HashSet<>(Feed.created(e)).equals(expected));
      assertThat(Feed.created(events)).as(p.name() + ": each message once").doesNotHaveDuplicates().hasSize(expected.size());
      long messagesReceived = node.parley().platform().pool()
          .preparedQuery("select count(*) from message_recipients where user_id = $1 and read_at is null")
          .execute(Tuple.of(p.id())).await().iterator().next().getLong(0);
      assertThat(s.get("/api/unread").json().getLong("unread")).isEqualTo(messagesReceived);
    }
  }
}
