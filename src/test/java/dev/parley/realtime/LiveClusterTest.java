package dev.parley.realtime;

import dev.parley.Topics;
import dev.parley.testing.Api;
import dev.parley.testing.BridgeClient;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two nodes in a Hazelcast cluster on loopback, one database. The second test stops node 2. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveClusterTest {

  static TestNode node1;
  static TestNode node2;
  static Vertx clients;
  static Fixtures.Person alex;
  static Fixtures.Person blair;

  @BeforeAll
  static void start() {
    TestNode[] nodes = TestNode.cluster(Map.of());
    node1 = nodes[0];
    node2 = nodes[1];
    clients = Vertx.vertx();
    Fixtures.Company acme = node1.fixtures().company("Acme");
    alex = acme.staff("Alex Staff");
    blair = acme.client("Blair Client", alex);
  }

  @AfterAll
  static void stop() {
    clients.close().await();
    if (node2 != null) {
      node2.close();
    }
    node1.close();
  }

  static String send(Api.Session from, Fixtures.Person to, String subject) {
    Api.Response sent = from.post("/api/threads", new JsonObject()
        .put("to", new JsonArray().add(to.sid())).put("cc", new JsonArray())
        .put("subject", subject).put("bodyHtml", "<p>" + subject + "</p>").put("readReceipt", false));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
    return sent.json().getJsonObject("thread").getString("id");
  }

  @Test
  @Order(1)
  void aMessageSentThroughOneNodeReachesASocketOnTheOther() {
    Api.Session alexOnNode1 = alex.login(node1.api());
    BridgeClient live = BridgeClient.connect(clients, node2.baseUrl(), blair.login(node2.api()).token());
    live.register(Topics.user(blair.id()));
    await().atMost(Duration.ofSeconds(5)).until(live::subscribed);

    String thread = send(alexOnNode1, blair, "Across the cluster");
    await().atMost(Duration.ofSeconds(10)).until(() -> live.events().stream()
        .anyMatch(e -> e.getString("type").equals("message.created")
            && e.getJsonObject("data").getJsonObject("thread").getString("id").equals(thread)));
    live.close();
  }

  @Test
  @Order(2)
  void whenANodeDiesItsBrowsersReconnectElsewhereAndEveryBrowserCatchesUpEndingWithEveryMessageOnce() throws Exception {
    Api.Session alexOnNode1 = alex.login(node1.api());
    Api.Session blairSession = blair.login(node2.api());
    BridgeClient alexLive = BridgeClient.connect(clients, node1.baseUrl(), alexOnNode1.token());
    alexLive.register(Topics.user(alex.id()));
    await().atMost(Duration.ofSeconds(10)).until(alexLive::subscribed);

    LiveFeed feed = new LiveFeed(clients, blairSession);
    feed.connect(node2.baseUrl());
    await().atMost(Duration.ofSeconds(10)).until(feed.socket()::subscribed);

    // messages keep flowing through node 1 while node 2, which holds Blair's socket, goes away
    int messages = 30;
    List<String> threads = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < messages; i++) {
        threads.add(send(alexOnNode1, blair, "Update " + i));
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> threads.size() >= 5);
    node2.close();
    node2 = null;
    await().atMost(Duration.ofSeconds(10)).until(feed.socket()::closed);
    // a change the dead node committed but had not published yet is found by catching up: the
    // sockets on the node still alive are told to
    await().atMost(Duration.ofSeconds(20)).until(() -> subscribedCues(alexLive) >= 2);
    alexLive.close();

    feed.connect(node1.baseUrl());
    sender.get();
    await().atMost(Duration.ofSeconds(20)).until(() -> createdThreads(feed).size() >= messages);
    feed.refresh();

    assertThat(createdThreads(feed)).as("one message.created per message sent, none twice")
        .containsExactlyInAnyOrderElementsOf(threads);
    assertThat(feed.applied()).as("nothing but those messages").hasSize(messages);
    assertThat(feed.resyncs()).isZero();
    feed.close();
  }

  private static long subscribedCues(BridgeClient live) {
    return live.frames().stream().filter(f -> f.getValue("body") instanceof JsonObject b
        && BridgeClient.SUBSCRIBED.equals(b.getString("type"))).count();
  }

  /** The threads of the message.created events the feed applied, one entry per event. */
  private static List<String> createdThreads(LiveFeed feed) {
    return feed.applied().stream().filter(e -> e.getString("type").equals("message.created"))
        .map(e -> e.getJsonObject("data").getString("threadId")).toList();
  }
}
