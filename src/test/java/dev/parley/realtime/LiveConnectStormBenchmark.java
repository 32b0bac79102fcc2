package dev.parley.realtime;

import dev.parley.ParleyConfig;
import dev.parley.Platform;
import dev.parley.Topics;
import dev.parley.auth.Sessions;
import dev.parley.testing.Api;
import dev.parley.testing.BridgeClient;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Not part of the regular build (run with {@code -Dtest=LiveConnectStormBenchmark}): a reconnect
 * storm against a two-node cluster, and the delivery latency of a message across the cluster.
 */
class LiveConnectStormBenchmark {

  static final int SOCKETS = Integer.getInteger("storm.sockets", 2_000);
  static final int SENDS = 200;

  @Test
  void connectStormAndDeliveryLatencyAcrossTwoNodes() throws Exception {
    String cluster = System.getProperty("storm.cluster", "true");
    TestNode[] nodes = TestNode.cluster(Map.of(ParleyConfig.CLUSTER, cluster));
    try (TestNode node1 = nodes[0]; TestNode node2 = nodes[1]) {
      Vertx clients = Vertx.vertx();
      Platform platform = node1.parley().platform();
      Fixtures.Company acme = node1.fixtures().company("Storm");
      Sessions sessions = platform.sessions();
      List<Fixtures.Person> people = new ArrayList<>();
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < SOCKETS; i++) {
        Fixtures.Person p = acme.client("User " + i);
        people.add(p);
        tokens.add(platform.tokens().issue(p.id(), acme.id, p.role(), sessions.create(p.id()).await()));
      }

      // the storm: every socket connects to node 2 and registers at once
      long start = System.nanoTime();
      List<Future<BridgeClient>> connecting = new ArrayList<>();
      for (int i = 0; i < SOCKETS; i++) {
        String address = Topics.user(people.get(i).id());
        connecting.add(BridgeClient.connectAsync(clients, node2.baseUrl(), Map.of("Cookie", "parley_session=" + tokens.get(i)))
            .map(c -> c.register(address)));
      }
      Future.all(connecting).await();
      long connected = System.nanoTime();
      List<BridgeClient> sockets = new ArrayList<>();
      connecting.forEach(f -> sockets.add(f.result()));
      try {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20))
            .until(() -> sockets.stream().allMatch(BridgeClient::subscribed));
      } finally {
        System.out.printf("STORM after %d ms: %d subscribed, %d closed, errors %s%n", ms(System.nanoTime() - start),
            sockets.stream().filter(BridgeClient::subscribed).count(), sockets.stream().filter(BridgeClient::closed).count(),
            sockets.stream().flatMap(x -> x.errors().stream()).distinct().toList());
      }
      long subscribed = System.nanoTime();
      System.out.printf("STORM %d sockets (cluster %s): all connected in %d ms, all subscribed in %d ms%n",
          SOCKETS, cluster, ms(connected - start), ms(subscribed - start));
      if (!Boolean.parseBoolean(cluster)) {
        return;
      }

      // and every one reachable from node 1
      ConcurrentHashMap<Integer, Boolean> reached = new ConcurrentHashMap<>();
      for (int i = 0; i < SOCKETS; i++) {
        int n = i;
        sockets.get(i).onFrame(f -> reached.put(n, true));
        TestChanges.publish(node1.parley().vertx(), TestChanges.message(people.get(i).id(), 900_000 + i, "<p>probe</p>"));
      }
      await().atMost(Duration.ofMinutes(1)).until(() -> reached.size() == SOCKETS);
      long reachable = System.nanoTime();

      System.out.printf("STORM a publish from the other node reached all %d in %d ms%n", SOCKETS,
          ms(reachable - subscribed));
      sockets.forEach(BridgeClient::close);

      // delivery latency: send through node 1's API, receive on node 2's socket
      Fixtures.Person staff = acme.staff("Sender");
      Fixtures.Person reader = people.get(0);
      Api.Session sender = staff.login(node1.api());
      BridgeClient live = BridgeClient.connect(clients, node2.baseUrl(), tokens.get(0));
      live.register(Topics.user(reader.id()));
      await().atMost(Duration.ofSeconds(5)).until(live::subscribed);
      Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
      for (int i = 0; i < SENDS; i++) {
        String subject = "Latency " + i;
        CountDownLatch arrived = new CountDownLatch(1);
        live.onFrame(f -> {
          if (f.getValue("body") instanceof JsonObject b && "message.created".equals(b.getString("type"))
              && subject.equals(b.getJsonObject("data").getJsonObject("thread").getString("subject"))) {
            arrived.countDown();
          }
        });
        long t0 = System.nanoTime();
        Api.Response r = sender.post("/api/threads", new JsonObject().put("to", new JsonArray().add(reader.sid()))
            .put("subject", subject).put("bodyHtml", "<p>hi</p>"));
        assertThat(r.status()).isEqualTo(201);
        assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();
        latency.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0));
      }
      System.out.printf("LATENCY send via node 1 API -> message.created on node 2 socket, %d sends:"
              + " p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", SENDS,
          latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
          latency.getMaxValue() / 1000.0);
      live.close();
      clients.close().await();
    }
  }

  static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
