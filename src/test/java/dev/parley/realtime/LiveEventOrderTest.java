package dev.parley.realtime;

import dev.parley.Topics;
import dev.parley.testing.Api;
import dev.parley.testing.BridgeClient;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Sql;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live order the server promises: the changes of one thread reach a socket in the order they
 * were made, even when many writers reply to it at once (their transactions share the node's group
 * commit and its commit lanes); and every change reaches it exactly once. Changes of different
 * threads carry no order between them.
 */
class LiveEventOrderTest {

  static final int WRITERS = 8;
  static final int REPLIES_EACH = 20;

  static TestNode node;
  static Vertx clients;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    clients.close().await();
    node.close();
  }

  @Test
  void repliesOfManyWritersToTheSameThreadsReachTheSocketOnceEachInTheOrderTheyWereMade() throws Exception {
    Api api = node.api();
    Fixtures.Company co = node.fixtures().company("Busy Advisors");
    Fixtures.Person coordinator = co.staff("Cory Coordinator");
    Fixtures.Person pat = co.client("Pat Popular", coordinator);
    Api.Session cory = coordinator.login(api);
    List<Fixtures.Person> onThreads = new ArrayList<>(List.of(pat));
    List<Api.Session> writers = new ArrayList<>();
    for (int i = 0; i < WRITERS; i++) {
      Fixtures.Person writer = co.staff("Writer " + i);
      onThreads.add(writer);
      writers.add(writer.login(api));
    }
    Fixtures.Person[] everyone = onThreads.toArray(Fixtures.Person[]::new);
    List<String> threads = List.of(
        cory.startThread("First matter", "<p>First</p>", everyone),
        cory.startThread("Second matter", "<p>Second</p>", everyone));
    Api.Session patApi = pat.login(api);
    BridgeClient live = BridgeClient.connect(clients, node.baseUrl(), patApi.token());
    live.register(Topics.user(pat.id()));
    await().atMost(Duration.ofSeconds(10)).until(live::subscribed);

    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Api.Session writer : writers) {
        done.add(pool.submit(() -> {
          for (int m = 0; m < REPLIES_EACH; m++) {
            Api.Response r = writer.post("/api/threads/" + threads.get(m % 2) + "/messages",
                new JsonObject().put("bodyHtml", "<p>Update " + m + "</p>").put("readReceipt", false));
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }

    int replies = WRITERS * REPLIES_EACH;
    await().atMost(Duration.ofSeconds(20)).until(() -> live.events().size() >= replies);
    for (String thread : threads) {
      List<String> received = live.events().stream()
          .filter(e -> e.getString("type").equals("message.created"))
          .map(e -> e.getJsonObject("data"))
          .filter(d -> d.getString("threadId").equals(thread))
          .map(d -> d.getString("id"))
          .toList();
      assertThat(received).as("replies to %s in the order the socket received them", thread)
          .containsExactlyElementsOf(repliesInOrderMade(thread));
    }
    assertThat(live.events()).as("every change once, nothing else").hasSize(replies);
    assertThat(live.events().stream().map(e -> e.getString("id")).distinct().count()).isEqualTo(replies);
    live.close();
  }

  /** The thread's replies (all but its first message) in the order they were made. */
  private static List<String> repliesInOrderMade(String thread) throws Exception {
    List<String> ids = new ArrayList<>();
    try (Connection c = Sql.connect(node.dbUrl());
         PreparedStatement s = c.prepareStatement(
             "select id from messages where thread_id = ?::uuid order by created_at, id offset 1")) {
      s.setString(1, thread);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    assertThat(ids).hasSize(WRITERS * REPLIES_EACH / 2);
    return ids;
  }
}
