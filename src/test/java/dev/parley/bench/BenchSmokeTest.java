package dev.parley.bench;

import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A few seconds of the benchmark's load generator against a real node: everything sent arrives at
 * every recipient once, and every read comes back to its sender. No timing is asserted here; the
 * figures come from the benchmark itself.
 */
class BenchSmokeTest {

  static TestNode node;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    node.close();
  }

  @Test
  void everyMessageReachesEveryRecipientAndEveryReadReachesItsSender() throws Exception {
    BenchOptions o = BenchOptions.parse(new String[] {
        "--senders", "3", "--receivers", "24", "--small-threads", "6", "--large-threads", "1",
        "--large-thread-size", "20", "--large-every", "5", "--reads-per-message", "1", "--drain-seconds", "20",
        "--http-connections", "8"});

    Step step = twoSeconds("smoke-", o, 20);

    assertThat(step.sendErrors()).isZero();
    assertThat(step.expected()).isEqualTo(32 * 10 + 8 * 20);
    assertThat(step.delivered()).isEqualTo(step.expected());
    assertThat(step.duplicates()).isZero();
    assertThat(step.readsSent()).isEqualTo(40);
    assertThat(step.readsReceived()).isEqualTo(step.readsSent());
  }

  @Test
  void everyReaderOfAMessageSendsItsSenderAReadReceipt() throws Exception {
    BenchOptions o = BenchOptions.parse(new String[] {
        "--senders", "2", "--receivers", "12", "--small-threads", "4", "--large-threads", "0", "--large-thread-size", "5",
        "--small-thread-size", "5", "--reads-per-message", "3", "--drain-seconds", "20", "--http-connections", "4"});

    Step step = twoSeconds("reads-", o, 10);

    assertThat(step.sendErrors()).isZero();
    assertThat(step.readsSent()).isEqualTo(20 * 3);
    assertThat(step.readsReceived()).isEqualTo(step.readsSent());
    assertThat(step.passed(10_000)).isTrue();
  }

  /** Seeds the people of {@code o} with {@code prefix}, sets the generator up and runs two seconds at {@code rate}. */
  private static Step twoSeconds(String prefix, BenchOptions o, int rate) throws Exception {
    BenchDatabase.external(node.dbUrl()).seed(prefix, o.senders, o.receivers, 0.5, 0, 0);
    Driver driver = new Driver(vertx, o, node.baseUrl(), prefix);
    try {
      driver.setUp(8).await();
      return driver.run(rate, 2, new Cpu.Meter(0, 0));
    } finally {
      driver.close().await();
    }
  }

  @Test
  void flagsParseIntoOptions() {
    BenchOptions o = BenchOptions.parse(new String[] {"--rates", "10,20", "--idle=", "--no-fanout", "--step-seconds=3",
        "--small-step-rate", "0", "--notification-delay-seconds", "5", "--emails"});
    assertThat(o.rates).isEqualTo(List.of(10, 20));
    assertThat(o.smallStepRate).isZero();
    assertThat(o.notificationDelaySeconds).isEqualTo(5);
    assertThat(o.emails).isTrue();
    assertThat(o.idleConnections).isEmpty();
    assertThat(o.fanout).isFalse();
    assertThat(o.stepSeconds).isEqualTo(3);
  }
}
