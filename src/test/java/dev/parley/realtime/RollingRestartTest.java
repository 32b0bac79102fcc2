package dev.parley.realtime;

import ch.qos.logback.classic.Level;
import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.CapturedLog;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Sql;
import dev.parley.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An operator restarts the two nodes of a cluster one by one behind a load balancer while people
 * write and read: nobody notices. Real PostgreSQL, two real clustered nodes, real live sockets; the
 * balancer is the client's own (round robin over the nodes it knows, sending again only a request
 * that a node refused before taking it on: connection refused, or a stopping node's 503 with
 * {@code Retry-After}). Every send carries an Idempotency-Key, so that even that retry could never
 * save a message twice.
 */
class RollingRestartTest {

  static final int SENDERS = 3;
  static final int LISTENERS = 4;
  static final long SEND_EVERY_MS = 60;
  static final int SHUTDOWN_SECONDS = 20;

  final List<TestNode> nodes = new CopyOnWriteArrayList<>();
  final List<LiveFeed> feeds = new ArrayList<>();
  Vertx clients;
  Balancer balancer;
  Load load;

  @AfterEach
  void stop() {
    if (load != null) {
      load.stop();
    }
    feeds.forEach(LiveFeed::close);
    for (TestNode n : nodes) {
      n.close();
    }
    if (clients != null) {
      clients.close().await();
    }
  }

  @Test
  void restartingBothNodesOneByOneUnderLoadLosesNothingFailsNoRequestAndDeliversEachMessageOnceToEveryListener() {
    TestNode[] pair = TestNode.cluster(Map.of(ParleyConfig.SHUTDOWN_SECONDS, Integer.toString(SHUTDOWN_SECONDS)));
    TestNode a = pair[0];
    TestNode b = pair[1];
    nodes.addAll(List.of(a, b));
    clients = Vertx.vertx();
    balancer = new Balancer(clients);
    balancer.add(a);
    balancer.add(b);

    Fixtures.Company acme = a.fixtures().company("Rolling Restart Advisors");
    List<Fixtures.Person> listeners = new ArrayList<>();
    for (int i = 0; i < LISTENERS; i++) {
      listeners.add(acme.staff("Lin Listener " + i));
    }
    List<Api.Session> senders = new ArrayList<>();
    List<String> threads = new ArrayList<>();
    for (int i = 0; i < SENDERS; i++) {
      Fixtures.Person s = acme.staff("Sid Sender " + i);
      Api.Session session = s.login(a.api());
      senders.add(session);
      threads.add(session.startThread("Thread of " + s.name(), "<p>start</p>", listeners.toArray(Fixtures.Person[]::new)));
    }
    // half the listeners on each node, every one a recipient of every thread
    for (int i = 0; i < LISTENERS; i++) {
      LiveFeed feed = new LiveFeed(clients, listeners.get(i).login(a.api()));
      feed.followDrains(balancer::readyNode);
      feed.connect((i < LISTENERS / 2 ? a : b).baseUrl());
      feeds.add(feed);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> feeds.stream().allMatch(f -> f.socket().subscribed()));

    load = new Load(balancer, senders, threads);
    load.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> load.sent.size() >= 30);

    long drainA = restart(a);
    TestNode a2 = replacementJoining(b);
    long drainB = restart(b);
    TestNode b2 = replacementJoining(a2);
    load.stop();

    Set<String> acknowledged = new HashSet<>(load.sent);
    assertThat(load.failures).as("no request failed other than the refusals sent again").isEmpty();
    assertThat(acknowledged).as("each send answered 2xx once, with its own message").hasSize(load.sent.size());
    assertThat(messagesInTheDatabase(b2, threads)).as("every acknowledged send is saved, and nothing else")
        .isEqualTo(acknowledged);
    await().atMost(Duration.ofSeconds(30)).until(() -> feeds.stream().allMatch(f -> created(f).containsAll(acknowledged)));
    for (LiveFeed feed : feeds) {
      List<String> created = created(feed);
      assertThat(created).as("each message once, and only those sent").doesNotHaveDuplicates()
          .hasSize(acknowledged.size()).containsExactlyInAnyOrderElementsOf(acknowledged);
      assertThat(feed.resyncs()).isZero();
      assertThat(feed.catchUpFailures()).isZero();
    }
    assertThat(feeds.stream().map(LiveFeed::moves).toList())
        .as("each listener was told to move when its node drained: A's twice (A, then B), B's once")
        .containsExactly(2, 2, 1, 1);
    assertThat(drainA).as("node A stopped within PARLEY_SHUTDOWN_SECONDS").isLessThan(SHUTDOWN_SECONDS * 1000L);
    assertThat(drainB).as("node B stopped within PARLEY_SHUTDOWN_SECONDS").isLessThan(SHUTDOWN_SECONDS * 1000L);
    System.out.printf("ROLLING RESTART %d sends answered 201 (%d through A', %d through B'), %d refusals of a stopping node "
            + "and %d refused connections sent again, %d replayed from their Idempotency-Key, 0 failed; A stopped in %d ms, "
            + "B in %d ms; %d listeners each received every message once%n",
        acknowledged.size(), load.servedBy(a2), load.servedBy(b2), balancer.refusals.get(), balancer.connectionsRefused.get(),
        load.replayed.get(), drainA, drainB, feeds.size());
  }

  /** Starts a node into {@code member}'s cluster and puts it in the balancer once ready; answers it once it has served a few sends. */
  private TestNode replacementJoining(TestNode member) {
    TestNode node = TestNode.joining(member);
    nodes.add(node);
    await().atMost(Duration.ofSeconds(20)).until(() -> node.api().get("/ready").status() == 200);
    balancer.add(node);
    await().atMost(Duration.ofSeconds(30)).until(() -> load.servedBy(node) >= 30);
    return node;
  }

  /** Stops a node as SIGTERM does (the drain first), takes it out of the balancer, and answers how long it took. */
  private long restart(TestNode node) {
    long started = System.nanoTime();
    try (CapturedLog drain = CapturedLog.of("dev.parley.Drain", Level.INFO)) {
      node.parley().close().await();
      drain.lines().forEach(line -> System.out.println("ROLLING RESTART " + line));
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    nodes.remove(node);
    balancer.remove(node);
    return millis;
  }

  /** The messages of the threads in the database, but their first ones (written before the load and the feeds). */
  private static Set<String> messagesInTheDatabase(TestNode node, List<String> threads) {
    Set<String> ids = new HashSet<>();
    String in = "'" + String.join("','", threads) + "'";
    try (var c = Sql.connect(node.dbUrl()); var s = c.createStatement();
         var rs = s.executeQuery("select id from messages where thread_id in (" + in + ") and id not in "
             + "(select distinct on (thread_id) id from messages where thread_id in (" + in + ") order by thread_id, created_at)")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return ids;
  }

  /** The ids of the messages whose {@code message.created} the feed applied (it started after the threads' first). */
  private static List<String> created(LiveFeed feed) {
    return feed.applied().stream().filter(e -> "message.created".equals(e.getString("type")))
        .map(e -> e.getJsonObject("data").getString("id")).toList();
  }

  /** Senders, each replying to its own thread every {@value #SEND_EVERY_MS} ms through the balancer. */
  static final class Load {
    final ConcurrentLinkedQueue<String> sent = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final AtomicInteger replayed = new AtomicInteger();
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
    private final Balancer balancer;
    private final List<Api.Session> senders;
    private final List<String> threads;
    private final ScheduledExecutorService pace = Executors.newScheduledThreadPool(SENDERS);
    private final AtomicInteger counter = new AtomicInteger();

    Load(Balancer balancer, List<Api.Session> senders, List<String> threads) {
      this.balancer = balancer;
      this.senders = senders;
      this.threads = threads;
    }

    void start() {
      for (int i = 0; i < senders.size(); i++) {
        int sender = i;
        pace.scheduleWithFixedDelay(() -> sendOne(sender), 0, SEND_EVERY_MS, TimeUnit.MILLISECONDS);
      }
    }

    private void sendOne(int sender) {
      String key = UUID.randomUUID().toString();
      JsonObject body = new JsonObject().put("bodyHtml", "<p>update " + counter.incrementAndGet() + "</p>");
      try {
        Balancer.Answer r = balancer.send(HttpMethod.POST, "/api/threads/" + threads.get(sender) + "/messages", body,
            Map.of("Authorization", "Bearer " + senders.get(sender).token(), "Idempotency-Key", key));
        if (r.status() / 100 != 2) {
          failures.add(r.node() + " answered " + r.status() + " " + r.body());
          return;
        }
        if (r.replayed()) {
          replayed.incrementAndGet();
        }
        served.computeIfAbsent(r.node(), k -> new AtomicInteger()).incrementAndGet();
        sent.add(new JsonObject(r.body()).getJsonObject("message").getString("id"));
      } catch (RuntimeException e) {
        failures.add(e.toString());
      }
    }

    int servedBy(TestNode node) {
      AtomicInteger n = served.get(node.baseUrl());
      return n == null ? 0 : n.get();
    }

    void stop() {
      pace.shutdown();
      try {
        if (!pace.awaitTermination(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the senders did not stop");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * A client-side load balancer: round robin over the nodes it knows that have not refused it; a
   * node that refuses a request before taking it on (connection refused, or 503 with
   * {@code Retry-After}) is left out and the request goes to the next. No keep-alive, so that a
   * request never rides a connection the node is closing. Anything else is the answer.
   */
  static final class Balancer {
    final AtomicInteger refusals = new AtomicInteger();
    final AtomicInteger connectionsRefused = new AtomicInteger();
    private final List<String> nodes = new CopyOnWriteArrayList<>();
    private final Set<String> out = ConcurrentHashMap.newKeySet();
    private final AtomicInteger next = new AtomicInteger();
    private final HttpClientAgent http;

    Balancer(Vertx vertx) {
      this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setConnectTimeout(5_000));
    }

    void add(TestNode node) {
      nodes.add(node.baseUrl());
    }

    void remove(TestNode node) {
      nodes.remove(node.baseUrl());
    }

    record Answer(String node, int status, String body, boolean refused, boolean replayed) {
    }

    Answer send(HttpMethod method, String path, JsonObject body, Map<String, String> headers) {
      for (int attempt = 0; attempt < 10; attempt++) {
        String node = pick();
        Answer a;
        try {
          a = call(node, method, path, body, headers);
        } catch (RuntimeException e) {
          if (!refusedConnection(e)) {
            throw e;
          }
          connectionsRefused.incrementAndGet();
          out.add(node);
          continue;
        }
        if (!a.refused()) {
          return a;
        }
        refusals.incrementAndGet();
        out.add(node);
      }
      throw new IllegalStateException("no node took " + method + " " + path);
    }

    /** A node that answers {@code /ready} 200: where a browser's live socket goes. */
    String readyNode() {
      for (int attempt = 0; attempt < 2 * nodes.size() + 1; attempt++) {
        String node = pick();
        try {
          if (call(node, HttpMethod.GET, "/ready", null, Map.of()).status() == 200) {
            return node;
          }
        } catch (RuntimeException e) {
          if (!refusedConnection(e)) {
            throw e;
          }
        }
        out.add(node);
      }
      throw new IllegalStateException("no node is ready");
    }

    private String pick() {
      List<String> in = nodes.stream().filter(n -> !out.contains(n)).toList();
      if (in.isEmpty()) {
        throw new IllegalStateException("no node left in the balancer");
      }
      return in.get(Math.floorMod(next.getAndIncrement(), in.size()));
    }

    private Answer call(String node, HttpMethod method, String path, JsonObject body, Map<String, String> headers) {
      MultiMap h = MultiMap.caseInsensitiveMultiMap().addAll(headers);
      if (body != null) {
        h.add("Content-Type", "application/json");
      }
      Future<Answer> answer = http.request(new RequestOptions().setMethod(method).setAbsoluteURI(node + path)
              .setHeaders(h).setIdleTimeout(30_000))
          .compose(req -> body == null ? req.send() : req.send(body.toBuffer()))
          .compose(resp -> resp.body().map(b -> new Answer(node, resp.statusCode(), b.toString(),
              resp.statusCode() == 503 && resp.getHeader("Retry-After") != null,
              resp.getHeader("Idempotent-Replayed") != null)));
      return answer.await();
    }

    private static boolean refusedConnection(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof ConnectException) {
          return true;
        }
      }
      return false;
    }
  }
}
