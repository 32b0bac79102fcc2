package dev.parley.realtime;

import dev.parley.ParleyConfig;
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
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An operator sees on the metrics endpoint how many live sockets a node serves. */
class LiveSocketsMetricTest {

  static TestNode node;
  static Api metrics;
  static Vertx clients = Vertx.vertx();

  @BeforeAll
  static void start() {
    int metricsPort = TestNode.freePort();
    node = TestNode.start(Map.of(ParleyConfig.METRICS_PORT, Integer.toString(metricsPort)));
    metrics = new Api("http://127.0.0.1:" + metricsPort);
  }

  @AfterAll
  static void stop() {
    clients.close().await();
    node.close();
  }

  @Test
  void theLiveSocketsGaugeCountsRegisteredSocketsAndDropsThemWhenTheyClose() {
    Fixtures.Company co = node.fixtures().company("Gauge & Co");
    Fixtures.Person sam = co.staff("Sam Staff");
    Fixtures.Person cleo = co.client("Cleo Client", sam);
    BridgeClient one = BridgeClient.connect(clients, node.baseUrl(), sam.login(node.api()).token());
    one.register(Topics.user(sam.id()));
    BridgeClient two = BridgeClient.connect(clients, node.baseUrl(), cleo.login(node.api()).token());
    two.register(Topics.user(cleo.id()));
    await().atMost(Duration.ofSeconds(20)).until(() -> one.subscribed() && two.subscribed());
    await().atMost(Duration.ofSeconds(20)).until(() -> gauge() == 2);

    one.close();
    await().atMost(Duration.ofSeconds(20)).until(() -> gauge() == 1);
    two.close();
    await().atMost(Duration.ofSeconds(20)).until(() -> gauge() == 0);
  }

  static double gauge() {
    Api.Response r = metrics.get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    Matcher m = Pattern.compile("(?m)^parley_live_sockets(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(r.body());
    assertThat(m.find()).as("parley_live_sockets on /metrics").isTrue();
    return Double.parseDouble(m.group(1));
  }
}
