package dev.parley;

import dev.parley.inbound.WebhookSignature;
import dev.parley.notify.ReplyTokens;
import dev.parley.testing.Api;
import dev.parley.testing.BridgeClient;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Scrape;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** An operator scrapes a node's /metrics and sees what the node did, in figures that name nobody. */
class MetricsTest {

  static final Path DASHBOARD = Path.of("docs", "grafana-parley.json");

  static TestNode node;
  static Api metrics;
  static int metricsPort;
  static Vertx clients = Vertx.vertx();
  static Fixtures.Company co;
  static Fixtures.Person admin;
  static Fixtures.Person sam;
  static Fixtures.Person cleo;

  @BeforeAll
  static void start() {
    metricsPort = TestNode.freePort();
    node = TestNode.start(Map.of(ParleyConfig.METRICS_PORT, Integer.toString(metricsPort),
        ParleyConfig.LOGIN_LIMIT_ACCOUNT, "3"));
    metrics = new Api("http://127.0.0.1:" + metricsPort);
    co = node.fixtures().company("Metrics & Co");
    admin = co.admin("Ada Admin");
    sam = co.staff("Sam Staff");
    cleo = co.client("Cleo Client", sam);
    Api.Response on = admin.login(node.api()).put("/api/settings/company", new JsonObject().put("convenienceMode", true));
    assertThat(on.status()).as(on.toString()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    clients.close().await();
    node.close();
  }

  @Test
  void aSendAReadAFailedSignInARateLimitRefusalAndAnEmailMoveTheirCountersByTheirAmounts() {
    Api.Session samApi = sam.login(node.api());
    Api.Session cleoApi = cleo.login(node.api());
    BridgeClient cleoLive = BridgeClient.connect(clients, node.baseUrl(), cleoApi.token());
    cleoLive.register(Topics.user(cleo.id()));
    await().atMost(Duration.ofSeconds(20)).until(cleoLive::subscribed);
    Fixtures.Person lou = co.staff("Lou Locked");
    Scrape before = Scrape.of(metrics);
    int eventsBefore = cleoLive.events().size();

    // a send, a reply from the web and a reply by email, each reaching Cleo's live socket
    String threadId = samApi.startThread("Quarterly review", "<p>Your statements are ready.</p>", cleo);
    Api.Response replied = cleoApi.post("/api/threads/" + threadId + "/messages", new JsonObject().put("bodyHtml", "<p>Thanks!</p>"));
    assertThat(replied.status()).as(replied.toString()).isEqualTo(201);
    String token = new ReplyTokens(node.parley().platform().secrets().replyToken())
        .issue(node.parley().platform().pool(), co.id, cleo.id(), UUID.fromString(threadId)).await();
    String replyAddress = ReplyTokens.address(token, node.parley().platform().config().replyDomain());
    assertThat(webhook(email(cleo.email(), replyAddress, "", "One more question about the fees."))).contains("\"posted\"");
    assertThat(webhook(email(cleo.email(), replyAddress, "Auto-Submitted: auto-replied\r\n", "I am away.")))
        .contains("\"dropped\"");

    // a read: the thread, a catch-up from the start, and one from a cursor too old to follow
    assertThat(cleoApi.get("/api/threads/" + threadId).status()).isEqualTo(200);
    assertThat(cleoApi.get("/api/events").status()).isEqualTo(200);
    Api.Response outdated = cleoApi.get("/api/events?after=12345");
    assertThat(outdated.json().getBoolean("resync")).as(outdated.toString()).isTrue();

    // three wrong passwords, then the account's sign-in limit (3) refuses the fourth attempt
    for (int i = 0; i < 4; i++) {
      node.api().post("/api/auth/login", new JsonObject().put("email", lou.email()).put("password", "not-the-password"));
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> cleoLive.events().stream()
        .filter(e -> "message.created".equals(e.getString("type"))).count() >= 3);
    // every event Cleo's socket received since the first scrape, counted by the node (and timed from its commit)
    await().atMost(Duration.ofSeconds(20)).until(() ->
        delta(before, Scrape.of(metrics), "parley_live_events_delivered_total") == cleoLive.events().size() - eventsBefore);
    Scrape after = Scrape.of(metrics);

    assertThat(delta(before, after, "parley_messages_sent_total", "via", "web")).isEqualTo(2);
    assertThat(delta(before, after, "parley_messages_sent_total", "via", "email")).isEqualTo(1);
    assertThat(delta(before, after, "parley_send_duration_seconds_count", "kind", "thread")).isEqualTo(1);
    assertThat(delta(before, after, "parley_send_duration_seconds_count", "kind", "reply")).isEqualTo(1);
    assertThat(delta(before, after, "parley_send_duration_seconds_bucket", "kind", "thread", "le", "+Inf")).isEqualTo(1);
    assertThat(delta(before, after, "parley_send_duration_seconds_sum")).isPositive();
    assertThat(delta(before, after, "parley_inbound_emails_total", "outcome", "posted", "reason", "none")).isEqualTo(1);
    assertThat(delta(before, after, "parley_inbound_emails_total", "outcome", "dropped", "reason", "auto_submitted"))
        .isEqualTo(1);
    assertThat(delta(before, after, "parley_catch_up_requests_total")).isEqualTo(2);
    assertThat(delta(before, after, "parley_catch_up_resyncs_total")).isEqualTo(1);
    assertThat(delta(before, after, "parley_sign_ins_total", "outcome", "wrong_password")).isEqualTo(3);
    assertThat(delta(before, after, "parley_sign_ins_total", "outcome", "locked")).isEqualTo(1);
    assertThat(delta(before, after, "parley_sign_ins_total", "outcome", "success")).isZero();
    assertThat(delta(before, after, "parley_rate_limit_refusals_total", "limit", "login_account")).isEqualTo(1);
    assertThat(delta(before, after, "parley_rate_limit_refusals_total", "limit", "login_address")).isZero();
    double delivered = delta(before, after, "parley_live_events_delivered_total");
    assertThat(delivered).isGreaterThanOrEqualTo(3);
    assertThat(delta(before, after, "parley_live_commit_to_socket_seconds_count")).isEqualTo(delivered);
    assertThat(delta(before, after, "parley_live_events_dropped_total")).isZero();
    // the three messages committed, in at least one shared transaction and at most one each
    double transactions = delta(before, after, "parley_group_commit_duration_seconds_count");
    assertThat(transactions).isGreaterThanOrEqualTo(1);
    assertThat(delta(before, after, "parley_group_commit_batch_size_writes_count")).isEqualTo(transactions);
    assertThat(delta(before, after, "parley_group_commit_batch_size_writes_sum")).isGreaterThanOrEqualTo(3);
    cleoLive.close();
  }

  @Test
  void noPersonAddressOrSubjectAppearsAnywhereInTheScrape() {
    Fixtures.Person dana = co.client("Dana Distinct", sam);
    Api.Session samApi = sam.login(node.api());
    String threadId = samApi.startThread("Zanzibar holdings", "<p>Private figures</p>", dana);
    node.api().post("/api/auth/login", new JsonObject().put("email", "nobody-" + UUID.randomUUID() + "@example.test")
        .put("password", "wrong-password"));
    Api.Session danaApi = dana.login(node.api());
    assertThat(danaApi.get("/api/threads/" + threadId).status()).isEqualTo(200);

    String scrape = Scrape.of(metrics).text();
    for (Fixtures.Person p : List.of(admin, sam, cleo, dana)) {
      assertThat(scrape).doesNotContain(p.id().toString()).doesNotContainIgnoringCase(p.email()).doesNotContain(p.name());
    }
    assertThat(scrape).doesNotContain(threadId).doesNotContain(co.id.toString()).doesNotContain("Zanzibar")
        .doesNotContain("example.test").doesNotContain("demo.test");
  }

  @Test
  void theMetricsAreServedOnTheirOwnPortBoundToLoopbackByDefault() throws IOException {
    assertThat(metricsPort).isNotEqualTo(node.port());
    Api.Response onPublicPort = node.api().get("/metrics");
    assertThat(onPublicPort.body()).doesNotContain("# HELP").doesNotContain("parley_live_sockets");
    assertThat(Scrape.of(metrics).has("parley_live_sockets")).isTrue();

    InetAddress other = nonLoopbackAddress();
    org.junit.jupiter.api.Assumptions.assumeTrue(other != null, "this machine has no address but loopback");
    assertThatThrownBy(() -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(other, metricsPort), 5_000);
      }
    }).as("the metrics port on " + other.getHostAddress()).isInstanceOf(IOException.class);
  }

  @Test
  void everyMetricTheDashboardQueriesIsOnARealScrape() throws IOException {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    assertThat(dashboard.getInteger("schemaVersion")).isGreaterThanOrEqualTo(36);
    assertThat(dashboard.getString("title")).isNotBlank();
    assertThat(dashboard.getJsonObject("templating").getJsonArray("list").stream()
        .map(JsonObject.class::cast).anyMatch(v -> "datasource".equals(v.getString("type"))
            && "prometheus".equals(v.getString("query")))).as("a Prometheus data source variable").isTrue();
    List<String> expressions = new ArrayList<>();
    collectExpressions(dashboard, expressions);
    assertThat(expressions).hasSizeGreaterThan(10);

    // the node has served HTTP, used its event bus and pool, and the figures read before a scrape are in
    Api.Session samApi = sam.login(node.api());
    samApi.startThread("Dashboard check", "<p>Hello</p>", cleo);
    node.api().post("/api/auth/login", new JsonObject().put("email", "x@example.test").put("password", "wrong-password"));
    Set<String> names = Scrape.of(metrics).names();
    Set<String> missing = new TreeSet<>();
    for (String expr : expressions) {
      for (String metric : metricNames(expr)) {
        if (!names.contains(metric)) {
          missing.add(metric);
        }
      }
    }
    assertThat(missing).as("metrics the dashboard queries that the node does not serve").isEmpty();
  }

  /** Every {@code expr} of every panel's targets, nested rows included. */
  static void collectExpressions(Object json, List<String> out) {
    if (json instanceof JsonObject o) {
      if (o.getValue("expr") instanceof String e) {
        out.add(e);
      }
      o.forEach(entry -> collectExpressions(entry.getValue(), out));
    } else if (json instanceof JsonArray a) {
      a.forEach(v -> collectExpressions(v, out));
    }
  }

  /** The metric names an expression reads: identifiers that start a selector ({@code name{...}}, {@code name[...]}, or bare). */
  static Set<String> metricNames(String expr) {
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("\\b((?:parley|jvm|vertx|process|system)_[a-zA-Z0-9_]+)\\b").matcher(expr);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static double delta(Scrape before, Scrape after, String name, String... labels) {
    return after.value(name, labels) - before.value(name, labels);
  }

  static byte[] email(String from, String to, String extraHeaders, String text) {
    return ("From: " + from + "\r\nTo: " + to + "\r\nSubject: Re: Quarterly review\r\nMessage-ID: <" + UUID.randomUUID()
        + "@mail.example.test>\r\n" + extraHeaders + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
        + text + "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Posts a raw email to the inbound webhook, signed, and answers the body of the answer. */
  static String webhook(byte[] raw) {
    String ts = Long.toString(System.currentTimeMillis() / 1000);
    String signature = new WebhookSignature(node.parley().platform().secrets().inboundWebhook()).sign(ts, raw);
    HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/inbound/email"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "message/rfc822")
        .header(WebhookSignature.TIMESTAMP_HEADER, ts)
        .header(WebhookSignature.SIGNATURE_HEADER, signature)
        .POST(HttpRequest.BodyPublishers.ofByteArray(raw)).build();
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      return r.body();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  static InetAddress nonLoopbackAddress() throws IOException {
    for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!i.isUp() || i.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(i.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          return a;
        }
      }
    }
    return null;
  }
}
