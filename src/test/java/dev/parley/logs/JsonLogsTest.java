package dev.parley.logs;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.parley.ParleyConfig;
import dev.parley.db.Db;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node whose log is written as JSON, read line by line as a log collector would: every line is one
 * JSON object, and each line written while a request is handled names that request, whichever thread
 * or callback writes it. What the test reads is what the console gets: the same encoder, at INFO
 * (DEBUG for Parley's own loggers).
 */
class JsonLogsTest {

  static final String ID = "X-Request-Id";
  /** What Parley's own request ids look like: 9 random bytes, URL-safe Base64. */
  static final String FRESH_ID = "[A-Za-z0-9_-]{12}";

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;
  static Fixtures.Person staff;
  static final List<String> startLines = new ArrayList<>();

  @BeforeAll
  static void start() {
    // as Main does once the configuration is read
    Logs.use(LogFormat.parse("json"));
    Captured log = Captured.open();
    try (log) {
      node = TestNode.start(Map.of(ParleyConfig.LOG_FORMAT, "json"));
    }
    startLines.addAll(log.lines());
    api = node.api();
    acme = node.fixtures().company("Acme");
    staff = acme.staff("Sam Staff");
  }

  @AfterAll
  static void stop() {
    node.close();
    Logs.use(LogFormat.TEXT);
  }

  @Test
  void everyLineIsOneJsonObjectWithTimeLevelLoggerThreadAndMessage() {
    List<String> lines = new ArrayList<>(startLines);
    Captured log = Captured.open();
    try (log) {
      String id = api.get("/health").header(ID);
      log.awaitLine(access(id));
    }
    lines.addAll(log.lines());
    assertThat(startLines).as("the node's start is logged").isNotEmpty();
    for (String line : lines) {
      assertThat(line).as("one line per event").endsWith("\n").doesNotContain("\r").hasLineCount(1);
      JsonObject json = new JsonObject(line);
      assertThat(json.fieldNames()).contains("timestamp", "level", "logger", "thread", "message");
      String at = json.getString("timestamp");
      assertThat(at).as("ISO-8601 in UTC").endsWith("Z");
      assertThat(Instant.parse(at)).isBetween(Instant.now().minus(Duration.ofMinutes(10)), Instant.now());
    }
  }

  @Test
  void aClientsRequestIdIsEchoedAndCarriedIntoTheLinesWrittenWhileItIsHandled() {
    try (Captured log = Captured.open()) {
      Api.Response r = api.send("POST", "/api/auth/login",
          new JsonObject().put("email", staff.email()).put("password", "not-the-password"), Map.of(ID, "abc-123"));

      assertThat(r.status()).isEqualTo(401);
      assertThat(r.header(ID)).isEqualTo("abc-123");
      JsonObject access = log.awaitLine(access("abc-123"));
      assertThat(access.getString("method")).isEqualTo("POST");
      assertThat(access.getString("route")).isEqualTo("/api/auth/login");
      assertThat(access.getInteger("status")).isEqualTo(401);
      assertThat(access.getValue("durationMs")).isInstanceOf(Number.class);
      assertThat(access.getString("message")).as("answered whole").isEqualTo("POST /api/auth/login 401 "
          + access.getValue("durationMs") + "ms");
      // written after the database's answer and the password check on a worker thread
      JsonObject refused = log.awaitLine(line -> line.getString("message").startsWith("sign-in refused"));
      assertThat(refused.getString("requestId")).isEqualTo("abc-123");
      assertThat(refused.getString("route")).isEqualTo("/api/auth/login");
      assertThat(refused.getString("level")).isEqualTo("INFO");
    }
  }

  /** A reply is written by the group commit on a connection of its own; its answer comes back to the request. */
  @Test
  void aReplyIsLoggedUnderItsRequestPersonAndRoutePatternWithoutTheThreadsId() {
    Api.Session sam = staff.login(api);
    Fixtures.Person chris = acme.client("Chris Client");
    String thread = sam.startThread("Logs", "<p>first</p>", chris);
    try (Captured log = Captured.open()) {
      Api.Response r = api.send("POST", "/api/threads/" + thread + "/messages", new JsonObject().put("bodyHtml", "<p>second</p>"),
          Map.of("Authorization", "Bearer " + sam.token(), ID, "reply-7"));

      assertThat(r.status()).isEqualTo(201);
      JsonObject access = log.awaitLine(access("reply-7"));
      assertThat(access.getString("route")).isEqualTo("/api/threads/:id/messages");
      assertThat(access.getString("userId")).isEqualTo(sam.userId());
      assertThat(access.getInteger("status")).isEqualTo(201);
      assertThat(access.getString("message")).doesNotContain(thread);
    }
  }

  @Test
  void anUnsafeRequestIdIsReplacedByAFreshOne() {
    try (Captured log = Captured.open()) {
      for (String unsafe : List.of("<script>", "a".repeat(500), "abc 123", "")) {
        Api.Response r = api.send("GET", "/health", null, Map.of(ID, unsafe));

        String id = r.header(ID);
        assertThat(id).as("instead of '%s'", unsafe).matches(FRESH_ID);
        assertThat(log.awaitLine(access(id)).getString("route")).isEqualTo("/health");
      }
      assertThat(log.lines()).noneMatch(l -> l.contains("<script>") || l.contains("a".repeat(65)));
    }
  }

  @Test
  void everyAnswerNamesItsRequestIdWhateverAnsweredIt() {
    Map<String, Api.Response> answers = Map.of(
        "the browser app", api.get("/"),
        "a missing file", api.get("/no-such-file.js"),
        "health", api.get("/health"),
        "an API answer", api.send("GET", "/api/me", null, Map.of("Authorization", "Bearer " + staff.login(api).token())),
        "an unknown endpoint", api.get("/api/no-such-endpoint"),
        "a request without a session", api.get("/api/threads"),
        "bad JSON", api.send("POST", "/api/auth/login", "{", Map.of()));

    answers.forEach((what, r) -> assertThat(r.header(ID)).as(what + " (" + r.status() + ")").matches(FRESH_ID));
    assertThat(answers.values().stream().map(r -> r.header(ID)).distinct()).hasSize(answers.size());
    assertThat(answers.get("a request without a session").status()).isEqualTo(401);
    assertThat(answers.get("bad JSON").status()).isEqualTo(400);
  }

  @Test
  void aFailureOnOurSideAnswersItsRequestIdAndIsLoggedUnderIt() {
    Api.Session sam = staff.login(api);
    node.asOwner("revoke select on canned_responses from " + TestDatabase.RUNTIME_ROLE);
    try (Captured log = Captured.open()) {
      Api.Response r = sam.get("/api/canned-responses");

      assertThat(r.status()).isEqualTo(500);
      String id = r.header(ID);
      assertThat(r.json().getString("error")).isEqualTo("internal_error");
      assertThat(r.json().getString("requestId")).isEqualTo(id);
      // written in the callback of the database's answer
      JsonObject error = log.awaitLine(line -> "ERROR".equals(line.getString("level")) && id.equals(line.getString("requestId")));
      assertThat(error.getString("userId")).isEqualTo(sam.userId());
      assertThat(error.getString("route")).isEqualTo("/api/canned-responses");
      assertThat(error.getValue("exception")).isInstanceOf(String.class);
      assertThat(error.getString("exception")).contains("permission denied");
      JsonObject access = log.awaitLine(access(id));
      assertThat(access.getInteger("status")).isEqualTo(500);
      assertThat(access.getString("userId")).isEqualTo(sam.userId());
    } finally {
      node.asOwner("grant select on canned_responses to " + TestDatabase.RUNTIME_ROLE);
    }
  }

  /**
   * Over one HTTP/2 connection both requests are handled on one event loop: the first waits for a
   * table another transaction has locked while the second is handled from start to end, then the
   * first goes on. Each line names its own request.
   */
  @Test
  void twoRequestsInterleavedOnOneEventLoopKeepTheirIdsApart() throws Exception {
    Api.Session sam = staff.login(api);
    Vertx vertx = Vertx.vertx();
    HttpClientAgent http2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false), new PoolOptions().setHttp2MaxSize(1));
    try (Captured log = Captured.open(); Connection locker = asOwner(); Connection watcher = asOwner()) {
      locker.setAutoCommit(false);
      try (Statement s = locker.createStatement()) {
        s.execute("lock table canned_responses in access exclusive mode");
      }
      Future<Integer> slow = send(http2, HttpMethod.GET, "/api/canned-responses", "slow-1",
          Map.of("Authorization", "Bearer " + sam.token()), null);
      await().atMost(Duration.ofSeconds(20)).until(() -> waitingForALock(watcher));

      Integer quick = send(http2, HttpMethod.POST, "/api/auth/login", "quick-2", Map.of("Content-Type", "application/json"),
          new JsonObject().put("email", staff.email()).put("password", "not-the-password").encode())
          .await(20, TimeUnit.SECONDS);
      assertThat(quick).isEqualTo(401);
      JsonObject quickAccess = log.awaitLine(access("quick-2"));
      locker.rollback();
      assertThat(slow.await(20, TimeUnit.SECONDS)).isEqualTo(200);
      JsonObject slowAccess = log.awaitLine(access("slow-1"));

      assertThat(slowAccess.getString("thread")).as("one event loop").isEqualTo(quickAccess.getString("thread"));
      assertThat(slowAccess.getString("route")).isEqualTo("/api/canned-responses");
      assertThat(slowAccess.getString("userId")).isEqualTo(sam.userId());
      assertThat(quickAccess.getString("route")).isEqualTo("/api/auth/login");
      assertThat(quickAccess.containsKey("userId")).isFalse();
      List<JsonObject> refused = log.json().stream().filter(l -> l.getString("message").startsWith("sign-in refused")).toList();
      assertThat(refused).isNotEmpty().allMatch(l -> "quick-2".equals(l.getString("requestId")));
      assertThat(log.json()).filteredOn(l -> "slow-1".equals(l.getString("requestId")))
          .allMatch(l -> "/api/canned-responses".equals(l.getString("route")));
      assertThat(log.json()).filteredOn(l -> "quick-2".equals(l.getString("requestId")))
          .allMatch(l -> "/api/auth/login".equals(l.getString("route")) && !l.containsKey("userId"));
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aSignInsPasswordTokenAndCookieNeverReachTheLog() {
    Fixtures.Person pat = acme.staff("Pat Private");
    try (Captured log = Captured.open()) {
      List<String> ids = new ArrayList<>();
      Api.Response in = api.post("/api/auth/login",
          new JsonObject().put("email", pat.email()).put("password", Fixtures.PASSWORD));
      assertThat(in.status()).isEqualTo(200);
      ids.add(in.header(ID));
      String token = in.json().getString("token");
      ids.add(api.send("GET", "/api/me", null, Map.of("Authorization", "Bearer " + token)).header(ID));
      ids.add(api.send("GET", "/api/threads", null, Map.of("Cookie", "parley_session=" + token)).header(ID));
      ids.add(api.send("GET", "/api/threads?after=query-secret-7", null, Map.of("Authorization", "Bearer " + token)).header(ID));
      ids.add(api.send("POST", "/api/auth/login",
          new JsonObject().put("email", pat.email()).put("password", "wrong-secret-5"), Map.of()).header(ID));
      ids.forEach(id -> log.awaitLine(access(id)));

      String signature = token.substring(token.lastIndexOf('.') + 1);
      assertThat(log.lines()).isNotEmpty().noneMatch(l -> l.contains(Fixtures.PASSWORD) || l.contains("wrong-secret-5")
          || l.contains(signature) || l.contains("query-secret-7") || l.contains(pat.email()));
    }
  }

  @Test
  void theTextAccessLineNamesTheRequestThePersonTheRouteTheStatusAndTheDuration() {
    Api.Session sam = staff.login(api);
    Logs.use(LogFormat.TEXT);
    try (Captured log = Captured.open()) {
      api.send("GET", "/api/canned-responses", null, Map.of("Authorization", "Bearer " + sam.token(), ID, "text-42"));

      await().atMost(Duration.ofSeconds(20)).until(() -> log.lines().stream().anyMatch(l -> l.contains("req=text-42")));
      assertThat(log.lines()).filteredOn(l -> l.contains("dev.parley.access req=text-42")).singleElement().asString()
          .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[[^\\]]+\\] dev\\.parley\\.access req=text-42 - "
              + "GET /api/canned-responses 200 \\d+\\.\\dms user=" + sam.userId() + "\\R");
    } finally {
      Logs.use(LogFormat.JSON);
    }
  }

  static Predicate<JsonObject> access(String requestId) {
    return line -> "dev.parley.access".equals(line.getString("logger")) && requestId.equals(line.getString("requestId"));
  }

  static Future<Integer> send(HttpClientAgent client, HttpMethod method, String path, String requestId,
                              Map<String, String> headers, String body) {
    RequestOptions o = new RequestOptions().setMethod(method).setAbsoluteURI(node.baseUrl() + path).putHeader(ID, requestId);
    headers.forEach(o::putHeader);
    return client.request(o)
        .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> resp.statusCode()));
  }

  static Connection asOwner() throws Exception {
    PgConnectOptions o = Db.connectOptions(node.dbUrl());
    return DriverManager.getConnection(Db.jdbcUrl(o), o.getUser(), o.getPassword());
  }

  static boolean waitingForALock(Connection watcher) throws Exception {
    try (Statement s = watcher.createStatement();
         ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where datname = current_database()"
             + " and usename = '" + TestDatabase.RUNTIME_ROLE + "' and wait_event_type = 'Lock'")) {
      rs.next();
      return rs.getInt(1) > 0;
    }
  }

  /**
   * The console's encoder on an appender of its own, on the root logger, while open. As on the console,
   * an asynchronous appender stands in front of it: lines are encoded on its thread, not the one that
   * logged them.
   */
  static final class Captured implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    private final Logger parley = (Logger) LoggerFactory.getLogger("dev.parley");
    private final Level rootBefore = root.getLevel();
    private final Level parleyBefore = parley.getLevel();
    private final LogEncoder encoder = new LogEncoder();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        lines.add(new String(encoder.encode(event), StandardCharsets.UTF_8));
      }
    };
    private final AsyncAppender async = new AsyncAppender();

    static Captured open() {
      return new Captured();
    }

    private Captured() {
      encoder.setContext(root.getLoggerContext());
      encoder.start();
      appender.setContext(root.getLoggerContext());
      appender.start();
      async.setContext(root.getLoggerContext());
      async.setDiscardingThreshold(0);
      async.addAppender(appender);
      async.start();
      root.addAppender(async);
      root.setLevel(Level.INFO);
      parley.setLevel(Level.DEBUG);
    }

    List<String> lines() {
      return List.copyOf(lines);
    }

    List<JsonObject> json() {
      return lines().stream().map(JsonObject::new).toList();
    }

    /** The first line that matches, once one has been written. */
    JsonObject awaitLine(Predicate<JsonObject> wanted) {
      return Awaitility.await().atMost(Duration.ofSeconds(20))
          .until(() -> json().stream().filter(wanted).findFirst(), Optional::isPresent).get();
    }

    @Override
    public void close() {
      root.detachAppender(async);
      root.setLevel(rootBefore);
      parley.setLevel(parleyBefore);
      async.stop();
      appender.stop();
      encoder.stop();
    }
  }
}
