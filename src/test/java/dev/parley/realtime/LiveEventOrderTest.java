package dev.parley.realtime;

import dev.parley.Topics;
import dev.parley.testing.Api;
import dev.parley.testing.BridgeClient;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A person's live events reach the socket in id order, even when many writers commit to that person
 * at once (their transactions share the node's group commit and its two commit lanes).
 */
class LiveEventOrderTest {

  static final int WRITERS = 8;
  static final int MESSAGES_EACH = 20;

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
  void concurrentWritersToOnePersonReachTheSocketInIdOrderWithoutGaps() throws Exception {
    Api api = node.api();
    Fixtures.Company co = node.fixtures().company("Busy Advisors");
    Fixtures.Person coordinator = co.staff("Cory Coordinator");
    Fixtures.Person pat = co.client("Pat Popular", coordinator);
    List<Api.Session> writers = new ArrayList<>();
    for (int i = 0; i < WRITERS; i++) {
      writers.add(co.staff("Writer " + i).login(api));
    }
    Api.Session patApi = pat.login(api);
    BridgeClient live = BridgeClient.connect(clients, node.baseUrl(), patApi.token());
    live.register(Topics.user(pat.id()));
    await().atMost(Duration.ofSeconds(10)).until(live::subscribed);

    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Api.Session writer : writers) {
        done.add(pool.submit(() -> {
          for (int m = 0; m < MESSAGES_EACH; m++) {
            writer.startThread("Update " + m, "<p>Update " + m + "</p>", pat);
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }

    long last = patApi.get("/api/events").json().getLong("last");
    assertThat(last).isEqualTo(WRITERS * MESSAGES_EACH);
    await().atMost(Duration.ofSeconds(20)).until(() -> live.events().size() >= last);
    List<Long> ids = live.events().stream().map(e -> e.getLong("id")).toList();
    assertThat(ids).as("event ids in the order the socket received them")
        .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
    live.close();
  }
}
