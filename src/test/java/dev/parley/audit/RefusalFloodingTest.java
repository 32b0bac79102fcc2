package dev.parley.audit;

import dev.parley.auth.AuthHandler;
import dev.parley.db.Db;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestClock;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Refusals anyone can repeat are counted, not written one row each: per source and window (one
 * minute by default), the first is written at once and the rest as one row carrying their count.
 * The node's clock is the test's, so a window closes when the test moves it on.
 */
class RefusalFloodingTest {

  static final Duration PAST_THE_WINDOW = Duration.ofSeconds(61);

  static TestClock clock = new TestClock();
  static TestNode node;
  static Api api;
  static Fixtures.Person staff;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(), clock);
    api = node.api();
    staff = node.fixtures().company("Acme Wealth").staff("Sam Staff");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void threeHundredBadSignInsFromOneAddressWriteTwoRowsWhoseCountsAddUpTo300() {
    for (int i = 0; i < 300; i++) {
      int status = api.post("/api/auth/login", new JsonObject().put("email", staff.email()).put("password", "guess-" + i)).status();
      assertThat(status).isIn(401, 429);
    }
    clock.advance(PAST_THE_WINDOW);

    List<Row> rows = rowsOnceCounted(Audit.SIGN_IN_FAILED, 300);
    assertThat(rows).hasSize(2);
    assertThat(rows).allSatisfy(r -> assertThat(r.getString("address")).isEqualTo("127.0.0.1"));
    assertThat(rows.get(0).getUUID("actor_id")).isEqualTo(staff.id());
    assertThat(rows.get(1).getString("target")).isEqualTo(staff.email());
    assertThat(rows.get(1).getJsonObject("detail").getJsonArray("details").encode()).contains("rate_limited");
    assertThat(rows.toString()).doesNotContain("guess-");
  }

  @Test
  void requestsWithoutAValidSessionAreCountedPerAddressNotWrittenOneRowEach() {
    for (int i = 0; i < 60; i++) {
      assertThat(api.send("GET", "/api/me", null, Map.of("Authorization", "Bearer forged." + i)).status()).isEqualTo(401);
      assertThat(api.get("/api/inbox").status()).isEqualTo(401);
    }
    clock.advance(PAST_THE_WINDOW);

    List<Row> rows = rowsOnceCounted(Audit.UNAUTHENTICATED, 120);
    assertThat(rows).hasSize(2);
    assertThat(rows).allSatisfy(r -> assertThat(r.getString("address")).isEqualTo("127.0.0.1"));
    assertThat(rows.get(0).getJsonObject("detail").getString("reason")).isEqualTo("invalid_token");
    assertThat(rows.get(1).getJsonObject("detail").getJsonArray("details").encode()).contains("missing", "invalid_token");
  }

  @Test
  void csrfRefusalsAreCountedPerAddressNotWrittenOneRowEach() {
    String token = node.fixtures().company("Cookie Capital").staff("Cora Cookie").login(api).token();
    String path = "/api/threads/" + UUID.randomUUID() + "/read";
    for (int i = 0; i < 40; i++) {
      Api.Response r = api.send("POST", path, new JsonObject(), Map.of("Cookie", AuthHandler.COOKIE + "=" + token));
      assertThat(r.status()).isEqualTo(403);
    }
    clock.advance(PAST_THE_WINDOW);

    List<Row> rows = rowsOnceCounted(Audit.CSRF_REFUSED, 40);
    assertThat(rows).hasSize(2);
    assertThat(rows).allSatisfy(r -> assertThat(r.getString("address")).isEqualTo("127.0.0.1"));
    assertThat(rows.get(1).getString("target")).isEqualTo("POST " + path);
  }

  @Test
  void aSignedInPersonsRefusedRequestsAreCountedNotWrittenOneRowEach() {
    Fixtures.Person prober = node.fixtures().company("Probe Partners").staff("Pete Prober");
    Api.Session s = prober.login(api);
    for (int i = 0; i < 50; i++) {
      assertThat(s.get("/api/threads/" + UUID.randomUUID()).status()).isEqualTo(404);
    }
    clock.advance(PAST_THE_WINDOW);

    await().atMost(Duration.ofSeconds(20)).until(() -> counted(Audit.REFUSED, prober.id()) == 50);
    List<Row> rows = rows("select * from audit_log where action = $1 and actor_id = $2 order by id", Audit.REFUSED, prober.id());
    assertThat(rows).hasSize(2);
    assertThat(rows).allSatisfy(r -> assertThat(r.getString("address")).isEqualTo("127.0.0.1"));
    assertThat(rows.get(1).getJsonObject("detail").getJsonArray("targets")).hasSize(5);
    assertThat(rows.get(1).getJsonObject("detail").getInteger("moreTargets")).isEqualTo(44);
  }

  @Test
  void aNodeThatStopsWritesTheCountsOfItsOpenWindows() throws Exception {
    TestNode stopping = TestNode.start(Map.of(), new TestClock());
    for (int i = 0; i < 20; i++) {
      stopping.api().post("/api/auth/login", new JsonObject().put("email", "nobody@example.test").put("password", "guess-" + i));
    }
    stopping.close();

    var o = Db.connectOptions(stopping.dbUrl());
    try (Connection c = DriverManager.getConnection(Db.jdbcUrl(o), o.getUser(), o.getPassword());
         ResultSet rs = c.createStatement().executeQuery("select count(*), sum((detail->>'count')::int) from audit_log "
             + "where action = '" + Audit.SIGN_IN_FAILED + "'")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(2);
      assertThat(rs.getLong(2)).isEqualTo(20);
    }
  }

  /** The rows of {@code action} once their counts add up to {@code total} (a row without a count counts one). */
  private static List<Row> rowsOnceCounted(String action, long total) {
    await().atMost(Duration.ofSeconds(20)).until(() -> counted(action, null) >= total);
    List<Row> rows = rows("select * from audit_log where action = $1 order by id", action, null);
    assertThat(counted(action, null)).isEqualTo(total);
    return rows;
  }

  private static long counted(String action, UUID actor) {
    return rows("select coalesce(sum(coalesce((detail->>'count')::int, 1)), 0) from audit_log where action = $1"
        + (actor == null ? "" : " and actor_id = $2"), action, actor).get(0).getLong(0);
  }

  private static List<Row> rows(String sql, String action, UUID actor) {
    List<Row> out = new ArrayList<>();
    node.parley().platform().pool().preparedQuery(sql).execute(actor == null ? Tuple.of(action) : Tuple.of(action, actor))
        .await().forEach(out::add);
    return out;
  }
}
