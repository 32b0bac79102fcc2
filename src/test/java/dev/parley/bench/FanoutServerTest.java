package dev.parley.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The raw fan-out baseline speaks the subset of Parley's contract the load generator uses: string
 * event ids, and a receipt to the sender from every reader.
 */
class FanoutServerTest {

  static Vertx vertx;
  static String baseUrl;

  @BeforeAll
  static void start() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    vertx = Vertx.vertx();
    int p = port;
    vertx.deployVerticle(new FanoutServer(p)).await();
    baseUrl = "http://127.0.0.1:" + p;
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void everyReaderSendsItsSenderAReceiptAndEventIdsAreStrings() throws Exception {
    BenchOptions o = BenchOptions.parse(new String[] {
        "--senders", "2", "--receivers", "12", "--small-threads", "4", "--small-thread-size", "5",
        "--large-threads", "0", "--large-thread-size", "5", "--reads-per-message", "3", "--drain-seconds", "20", "--http-connections", "4"});
    Driver driver = new Driver(vertx, o, baseUrl, "fanout-");
    List<String> frames = new CopyOnWriteArrayList<>();
    try {
      driver.setUp(4).await();
      Driver.User watcher = driver.receivers.get(0);
      LiveSocket extra = LiveSocket.open(vertx.createWebSocketClient(), "127.0.0.1", Integer.parseInt(baseUrl.replaceAll(".*:", "")),
          watcher.token, watcher.id, frames::add, e -> { }).await();

      Step step = driver.run(10, 2, new Cpu.Meter(0, 0));
      extra.close().await();

      assertThat(step.delivered()).isEqualTo(step.expected());
      assertThat(step.readsSent()).isEqualTo(20 * 3);
      assertThat(step.readsReceived()).isEqualTo(step.readsSent());
      assertThat(frames).anyMatch(f -> f.contains("message.created"));
      assertThat(frames.stream().map(JsonObject::new).map(f -> f.getJsonObject("body"))
          .filter(b -> b.containsKey("id")).map(b -> b.getValue("id")))
          .isNotEmpty()
          .allSatisfy(id -> assertThat(id).isInstanceOf(String.class));
    } finally {
      driver.close().await();
    }
  }
}
