package dev.parley.realtime;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventPruningTest {

  static TestNode node;
  static Api api;
  static Pool pool;
  static Fixtures.Company acme;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    pool = node.parley().platform().pool();
    acme = node.fixtures().company("Acme");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static void send(Api.Session from, Fixtures.Person to, int times) {
    for (int i = 0; i < times; i++) {
      Api.Response r = from.post("/api/threads", new JsonObject().put("to", new JsonArray().add(to.sid()))
          .put("subject", "Note " + i).put("bodyHtml", "<p>note</p>"));
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }
  }

  /** Makes the person's oldest {@code count} changes look {@code by} old. */
  static void age(Fixtures.Person who, int count, Duration by) {
    pool.preparedQuery("""
        update changes set created_at = now() - make_interval(secs => $3)
         where seq in (select seq from changes where $1 = any(audience) order by xid, seq limit $2)""")
        .execute(Tuple.of(who.id(), count, (double) by.toSeconds())).await();
  }

  static List<String> subjects(Api.Response page) {
    return page.json().getJsonArray("events").stream().map(e -> ((JsonObject) e).getJsonObject("data"))
        .map(d -> d.getJsonObject("thread").getString("subject")).toList();
  }

  @Test
  void oldChangesArePrunedAndACursorBeforeThemAnswersResyncWithACursorToContinueFrom() {
    Fixtures.Person staff = acme.staff("Sam Staff");
    Fixtures.Person client = acme.client("Chris Client", staff);
    Api.Session reader = client.login(api);
    String beforeAll = reader.get("/api/events").json().getString("cursor");
    send(staff.login(api), client, 4);
    String afterFour = reader.get("/api/events").json().getString("cursor");
    send(staff.login(api), client, 2);
    age(client, 4, Duration.ofDays(40));

    long pruned = new EventPruner(pool, Duration.ofDays(30), Duration.ofHours(1)).pruneAll().await();

    assertThat(pruned).isGreaterThanOrEqualTo(4);
    Api.Response stale = reader.get("/api/events?after=" + beforeAll);
    assertThat(stale.status()).as(stale.toString()).isEqualTo(200);
    assertThat(stale.json().getBoolean("resync")).isTrue();
    String resumeAt = stale.json().getString("cursor");
    assertThat(resumeAt).isNotBlank();
    assertThat(stale.json().getJsonArray("events", new JsonArray())).as("a resync lists nothing: the client reloads").isEmpty();
    Api.Response resumed = reader.get("/api/events?after=" + resumeAt);
    assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);
    assertThat(resumed.json().getBoolean("resync", false)).isFalse();
    assertThat(resumed.json().getJsonArray("events")).as("the reload showed those already").isEmpty();

    Api.Response fresh = reader.get("/api/events?after=" + afterFour);
    assertThat(fresh.status()).as(fresh.toString()).isEqualTo(200);
    assertThat(fresh.json().getBoolean("resync", false)).isFalse();
    assertThat(subjects(fresh)).containsExactly("Note 0", "Note 1");
  }

  @Test
  void aNumericCursorOfTheFirstVersionAnswersResyncAndAMalformedOneIsRefusedNamingAfter() {
    Fixtures.Person staff = acme.staff("Val Staff");
    Fixtures.Person client = acme.client("Dana Client", staff);
    Api.Session reader = client.login(api);
    send(staff.login(api), client, 1);

    Api.Response old = reader.get("/api/events?after=1234");
    assertThat(old.status()).as(old.toString()).isEqualTo(200);
    assertThat(old.json().getBoolean("resync")).isTrue();
    Api.Response resumed = reader.get("/api/events?after=" + old.json().getString("cursor"));
    assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);
    assertThat(resumed.json().getBoolean("resync", false)).isFalse();

    for (String bad : new String[] {"abc", "-1", "YzI6eDp5", "c2:1:2"}) {
      Api.Response refused = reader.get("/api/events?after=" + bad);
      assertThat(refused.status()).as(bad + ": " + refused).isEqualTo(400);
      assertThat(refused.error()).isEqualTo("invalid_request");
      assertThat(refused.json().getString("message")).contains("after");
    }
  }

  @Test
  void whileAnotherNodePrunesThisOneSkipsTheRound() {
    Fixtures.Person staff = acme.staff("Pat Staff");
    Fixtures.Person client = acme.client("Kim Client", staff);
    send(staff.login(api), client, 1);
    age(client, 100, Duration.ofDays(40));
    EventPruner pruner = new EventPruner(pool, Duration.ofDays(30), Duration.ofHours(1));

    SqlConnection other = pool.getConnection().await();
    try {
      other.begin().await();
      other.preparedQuery("select pg_advisory_xact_lock($1)").execute(Tuple.of(EventPruner.LOCK_KEY)).await();
      assertThat(pruner.pruneBatch().await()).isEqualTo(-1);
      assertThat(pruner.pruneAll().await()).isZero();
    } finally {
      other.close().await();
    }
    assertThat(pruner.pruneAll().await()).isPositive();
  }
}
