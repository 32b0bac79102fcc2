package dev.parley.realtime;

import dev.parley.ParleyConfig;
import dev.parley.Topics;
import dev.parley.testing.Api;
import dev.parley.testing.BridgeClient;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Scrape;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that stop reading, on every transport the bridge serves: each is cut off once more than
 * {@value LiveBridge#MAX_BUFFERED_BYTES} bytes wait for it, its subscription goes, and the node's heap
 * does not keep what it was sent; the other people on the node keep receiving.
 */
class SlowConsumersTest {

  /** Filler events for a stalled client: 2,000 of 8 KB, 16 MB, sixty times the cut-off. */
  static final int FLOOD = 2_000;
  static final int EVENT_BYTES = 8 * 1024;
  /** Events per round of the flood: 160 KB, under the cut-off, so only a backlog can reach it. */
  static final int ROUND = 20;
  /**
   * What the node's heap may grow by after a flood; a stalled SockJS-framed WebSocket that was never
   * cut off left 4.6 MB of it on the heap (and the rest in socket buffers).
   */
  static final long HEAP_ALLOWANCE = 3L * 1024 * 1024;

  static TestNode node;
  static Api api;
  static Api metrics;
  static Vertx clients;
  static Fixtures.Company co;
  static Fixtures.Person staff;
  static Fixtures.Person riley;
  static BridgeClient rileyLive;
  static final AtomicLong markers = new AtomicLong(5_000_000);

  @BeforeAll
  static void start() {
    int metricsPort = TestNode.freePort();
    node = TestNode.start(Map.of(ParleyConfig.METRICS_PORT, Integer.toString(metricsPort)));
    api = node.api();
    metrics = new Api("http://127.0.0.1:" + metricsPort);
    clients = Vertx.vertx();
    co = node.fixtures().company("Stalled Networks");
    staff = co.staff("Sasha Staff");
    riley = co.client("Riley Reader", staff);
    rileyLive = BridgeClient.connect(clients, node.baseUrl(), riley.login(api).token());
    rileyLive.register(Topics.user(riley.id()));
    await().atMost(Duration.ofSeconds(10)).until(rileyLive::subscribed);
  }

  @AfterAll
  static void stop() {
    clients.close().await();
    node.close();
  }

  static String cookie(Fixtures.Person p) {
    return "parley_session=" + p.login(api).token();
  }

  static String sessionPath(String transport) {
    return "/eventbus/000/" + UUID.randomUUID().toString().replace("-", "") + "/" + transport;
  }

  @Test
  void aSockJsWebSocketThatStopsReadingIsCutOffWhileOthersKeepReceiving() {
    stalledWebSocket(co.client("Wes Framed", staff), sessionPath("websocket"), true);
  }

  @Test
  void aRawWebSocketThatStopsReadingIsCutOffWhileOthersKeepReceiving() {
    stalledWebSocket(co.client("Rae Raw", staff), "/eventbus/websocket", false);
  }

  private void stalledWebSocket(Fixtures.Person stalled, String path, boolean sockJsFramed) {
    try (RawClient c = RawClient.webSocket(node.port(), path, cookie(stalled))) {
      assertThat(c.head).startsWith("HTTP/1.1 101");
      c.sendText(RawClient.register(Topics.user(stalled.id()), sockJsFramed));
      floodIsCutOff(stalled, c);
    }
  }

  @Test
  void anXhrStreamThatStopsReadingIsCutOffWhileOthersKeepReceiving() {
    Fixtures.Person stalled = co.client("Xan Streaming", staff);
    String path = sessionPath("xhr_streaming");
    try (RawClient c = RawClient.post(node.port(), path, cookie(stalled))) {
      assertThat(c.head).startsWith("HTTP/1.1 200");
      xhrSend(path, RawClient.register(Topics.user(stalled.id()), true));
      floodIsCutOff(stalled, c);
    }
  }

  @Test
  void anXhrPollingSessionThatNobodyPollsIsCutOffWhileOthersKeepReceiving() {
    Fixtures.Person stalled = co.client("Paz Polling", staff);
    String path = sessionPath("xhr");
    String cookie = cookie(stalled);
    try (RawClient open = RawClient.post(node.port(), path, cookie)) {
      assertThat(open.head).startsWith("HTTP/1.1 200");
      assertThat(open.readToEnd()).contains("o");
    }
    xhrSend(path, RawClient.register(Topics.user(stalled.id()), true));
    // one poll brings the subscription's confirmation; after it nobody polls again
    try (RawClient poll = RawClient.post(node.port(), path, cookie)) {
      assertThat(poll.readToEnd()).contains(LiveBridge.SUBSCRIBED);
    }
    floodIsCutOff(stalled, null);
  }

  @Test
  void aSocketThatReadsIsNeverCutOff() {
    Fixtures.Person keen = co.client("Kai Keen", staff);
    BridgeClient live = BridgeClient.connect(clients, node.baseUrl(), keen.login(api).token());
    live.register(Topics.user(keen.id()));
    await().atMost(Duration.ofSeconds(10)).until(live::subscribed);
    int sent = 100;
    long first = markers.addAndGet(sent + 1) - sent;
    for (int i = 0; i < sent; i++) {
      publish(filler(keen.id(), first + i));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> live.events().size() == sent);
    assertThat(live.events()).extracting(e -> Long.parseLong(e.getString("id"))).startsWith(first).endsWith(first + sent - 1);
    assertThat(live.closed()).isFalse();
    live.close();
  }

  @Test
  void socketsThatCloseWithDeliveriesUnderWayAreSkippedQuietly() throws Exception {
    List<Throwable> unhandled = new CopyOnWriteArrayList<>();
    node.parley().vertx().exceptionHandler(unhandled::add);
    try {
      List<Fixtures.Person> leaving = new java.util.ArrayList<>();
      List<BridgeClient> sockets = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Fixtures.Person p = co.client("Lou Leaving " + i, staff);
        BridgeClient live = BridgeClient.connect(clients, node.baseUrl(), p.login(api).token());
        live.register(Topics.user(p.id()));
        await().atMost(Duration.ofSeconds(10)).until(live::subscribed);
        leaving.add(p);
        sockets.add(live);
      }
      // a steady stream to all of them; they close while it flows, with deliveries queued behind
      // their close
      Thread publisher = new Thread(() -> {
        for (int i = 0; i < 4_000; i++) {
          for (Fixtures.Person p : leaving) {
            publish(small(p.id(), markers.incrementAndGet()));
          }
        }
      });
      publisher.start();
      for (BridgeClient live : sockets) {
        await().atMost(Duration.ofSeconds(20)).until(() -> live.events().size() >= 100);
        live.close();
      }
      publisher.join();
      for (Fixtures.Person p : leaving) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !Listeners.has(node.parley(), p.id()));
      }
      assertThat(unhandled).isEmpty();
    } finally {
      node.parley().vertx().exceptionHandler(null);
    }
  }

  /**
   * Floods the stalled client's address, then checks the outcome: cut off, its subscription gone,
   * its bytes not kept, and Riley on the same node still receiving.
   */
  private void floodIsCutOff(Fixtures.Person stalled, RawClient client) {
    String address = Topics.user(stalled.id());
    await().atMost(Duration.ofSeconds(10)).until(() -> Listeners.has(node.parley(), stalled.id()));
    long cutBefore = LiveBridge.cutOffCount();
    double droppedBefore = Scrape.of(metrics).value("parley_live_events_dropped_total", "reason", "slow_consumer");
    long heapBefore = usedHeapAfterGc();
    // in rounds, as a steady stream arrives: each round ends with an event for Riley, and the next
    // round starts once Riley has it, so the node has written the round out before the next
    long first = markers.addAndGet(FLOOD);
    for (int round = 0; round < FLOOD / ROUND; round++) {
      for (int i = 0; i < ROUND; i++) {
        publish(filler(stalled.id(), first + round * ROUND + i));
      }
      long marker = markers.incrementAndGet();
      publish(TestChanges.message(riley.id(), marker, "marker"));
      await().atMost(Duration.ofSeconds(20)).until(() -> rileyLive.events().stream().anyMatch(e -> String.valueOf(marker).equals(e.getString("id"))));
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> LiveBridge.cutOffCount() > cutBefore);
    await().atMost(Duration.ofSeconds(20)).until(() -> !Listeners.has(node.parley(), stalled.id()));
    assertThat(Scrape.of(metrics).value("parley_live_events_dropped_total", "reason", "slow_consumer") - droppedBefore)
        .as("the operator sees the cut-off as one dropped event").isEqualTo(1);
    assertThat(rileyLive.closed()).isFalse();
    if (client != null) {
      assertThat(client.drainUntilClosed()).as("the node ended the stalled connection").isTrue();
    }
    // the bytes queued for the stalled client are let go once its connection is gone, and a SockJS
    // session's only when the session ends (after its own timeout): so the heap is watched until it
    // is back within the allowance, which it never is if the node keeps them
    AtomicLong grown = new AtomicLong();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> {
          grown.set(usedHeapAfterGc() - heapBefore);
          assertThat(grown.get()).isLessThan(HEAP_ALLOWANCE);
        });
    System.out.printf("%s: heap after GC grew by %d KB after %d KB were sent to a client that never read%n",
        stalled.name(), grown.get() / 1024, (long) FLOOD * EVENT_BYTES / 1024);
  }

  private static String filler(UUID userId, long id) {
    return TestChanges.message(userId, id, "x".repeat(EVENT_BYTES));
  }

  private static String small(UUID userId, long id) {
    return TestChanges.message(userId, id, "n" + id);
  }

  private static void publish(String change) {
    TestChanges.publish(node.parley().vertx(), change);
  }

  /**
   * The heap in use after a full GC, the least of three: the node's timers and event loops allocate
   * while a collection runs, and what they allocated is garbage by the next.
   */
  private static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      memory.gc();
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  private static void xhrSend(String sessionPath, String frames) {
    String path = sessionPath.substring(0, sessionPath.lastIndexOf('/')) + "/xhr_send";
    Api.Response sent = api.send("POST", path, frames, Map.of("Content-Type", "text/plain;charset=UTF-8"));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(204);
  }
}
