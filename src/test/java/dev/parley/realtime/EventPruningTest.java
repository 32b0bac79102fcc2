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

  static void age(Fixtures.Person who, long upToSeq, Duration by) {
    pool.preparedQuery("update events set created_at = now() - make_interval(secs => $3) where user_id = $1 and seq <= $2")
        .execute(Tuple.of(who.id(), upToSeq, (double) by.toSeconds())).await();
  }

  @Test
  void oldEventsArePrunedAndACursorBeforeThemAnswersGone() {
    Fixtures.Person staff = acme.staff("Sam Staff");
    Fixtures.Person client = acme.client("Chris Client", staff);
    send(staff.login(api), client, 6);
    Api.Session reader = client.login(api);
    long last = reader.get("/api/events").json().getLong("last");
    assertThat(last).isGreaterThan(4);
    age(client, 4, Duration.ofDays(40));

    long pruned = new EventPruner(pool, Duration.ofDays(30), Duration.ofHours(1)).pruneAll().await();

    assertThat(pruned).isGreaterThanOrEqualTo(4);
    Api.Response stale = reader.get("/api/events?after=2");
    assertThat(stale.status()).isEqualTo(410);
    assertThat(stale.error()).isEqualTo("cursor_expired");
    assertThat(stale.json().getLong("last")).isEqualTo(last);
    Api.Response fresh = reader.get("/api/events?after=4");
    assertThat(fresh.status()).isEqualTo(200);
    assertThat(fresh.json().getJsonArray("events").getJsonObject(0).getLong("id")).isEqualTo(5);
    assertThat(reader.get("/api/events?after=" + last).status()).isEqualTo(200);
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
