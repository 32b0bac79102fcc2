package dev.parley.db;

import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Sql;
import dev.parley.testing.TcpLink;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Database trouble answers a fast 503 {@code unavailable}, never a 500 and never a request that hangs
 * for as long as the trouble lasts. The node reaches its database through a link the test can cut,
 * and the test freezes the write path by holding a lock it needs from a connection of its own.
 */
class DatabaseFaultsTest {

  static TcpLink link;
  static String directUrl;
  static TestNode node;
  static Api.Session sam;
  static Fixtures.Person olly;

  @BeforeAll
  static void start() {
    directUrl = TestDatabase.newDatabase();
    link = TcpLink.to("127.0.0.1", TestDatabase.server().port());
    String name = directUrl.substring(directUrl.lastIndexOf('/') + 1);
    node = TestNode.start(java.util.Map.of(
        ParleyConfig.DB_URL, "postgresql://postgres:postgres@127.0.0.1:" + link.port() + "/" + name,
        ParleyConfig.DB_POOL_SIZE, "2",
        ParleyConfig.SESSION_MEMORY_SECONDS, "600"));
    Fixtures.Company acme = node.fixtures().company("Acme Wealth");
    sam = acme.staff("Sam Staff").login(node.api());
    olly = acme.staff("Olly Other");
  }

  @AfterAll
  static void stop() {
    node.close();
    link.close();
  }

  @AfterEach
  void settle() {
    await().atMost(Duration.ofSeconds(20)).until(() -> Sql.openTransactions(directUrl) == 0);
  }

  private static Api.Response send(String subject) {
    return sam.post("/api/threads", new JsonObject().put("to", new JsonArray().add(olly.sid()))
        .put("subject", subject).put("bodyHtml", "<p>hello</p>"));
  }

  private static long waitingOnLocks() {
    return Sql.count(directUrl, "select count(*) from pg_stat_activity where datname = current_database() "
        + "and wait_event_type = 'Lock'");
  }

  private static long messagesWithSubject(String subject) {
    return Sql.count(directUrl, "select count(*) from messages m join threads t on t.id = m.thread_id "
        + "where t.subject = '" + subject + "'");
  }

  @Test
  void aSendStuckBehindALockedTableAnswers503WithinTheRequestTimeoutAndIsNeverSaved() {
    Api.Response answer;
    try (Sql.Lock frozen = Sql.lock(directUrl, "threads")) {
      // the lock is held until the answer is in: an answer at all proves the send did not wait for it
      answer = send("Stuck behind a lock");
      // and the abandoned transaction does not wait for the lock either: it is cancelled and rolled
      // back, letting go of its connection, while the lock is still held (only the lock's own is left)
      await().atMost(Duration.ofSeconds(20)).until(() -> Sql.openTransactions(directUrl) == 1);
    }
    assertThat(answer.status()).as(answer.toString()).isEqualTo(503);
    assertThat(answer.error()).isEqualTo("unavailable");

    await().atMost(Duration.ofSeconds(20)).until(() -> Sql.openTransactions(directUrl) == 0);
    assertThat(messagesWithSubject("Stuck behind a lock")).as("a send answered 503 was saved").isZero();
    assertThat(send("After the lock").status()).isEqualTo(201);
  }

  @Test
  void aSendWhoseCommitIsHeldUpAnswers503AndItsRetryWithTheSameKeyFindsTheSavedMessage() throws Exception {
    // a deferred trigger makes each message's COMMIT wait for an advisory lock the test holds: the
    // commit has been sent, and the database does not answer it in time
    try (java.sql.Connection c = Sql.connect(directUrl); java.sql.Statement st = c.createStatement()) {
      st.execute("create function hold_commit() returns trigger language plpgsql as "
          + "$$ begin perform pg_advisory_xact_lock(4242); return null; end $$");
      st.execute("create constraint trigger hold_commit after insert on messages deferrable initially deferred "
          + "for each row execute function hold_commit()");
      st.execute("select pg_advisory_lock(4242)");
      JsonObject body = new JsonObject().put("to", new JsonArray().add(olly.sid()))
          .put("subject", "Committed late").put("bodyHtml", "<p>hello</p>");
      java.util.Map<String, String> headers = java.util.Map.of("Authorization", "Bearer " + sam.token(),
          "Idempotency-Key", "held-up-commit");
      Api.Response first = node.api().send("POST", "/api/threads", body, headers);
      assertThat(first.status()).as(first.toString()).isEqualTo(503);
      assertThat(first.json().getString("message")).contains("Idempotency-Key");

      st.execute("select pg_advisory_unlock(4242)");
      await().atMost(Duration.ofSeconds(20)).until(() -> Sql.openTransactions(directUrl) == 0);
      assertThat(messagesWithSubject("Committed late")).as("the commit went through after the 503").isEqualTo(1);

      Api.Response retry = node.api().send("POST", "/api/threads", body, headers);
      assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
      assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
      assertThat(messagesWithSubject("Committed late")).isEqualTo(1);
    } finally {
      try (java.sql.Connection c = Sql.connect(directUrl); java.sql.Statement st = c.createStatement()) {
        st.execute("drop trigger if exists hold_commit on messages");
        st.execute("drop function if exists hold_commit()");
      }
    }
  }

  @Test
  void aReadStuckBehindALockedTableAnswers503WhenItsRequestTimeRunsOut() {
    String thread = sam.startThread("Read while locked", "<p>hello</p>", olly);
    Api.Response answer;
    try (Sql.Lock frozen = Sql.lock(directUrl, "threads")) {
      answer = sam.get("/api/threads/" + thread);
    }
    assertThat(answer.status()).as(answer.toString()).isEqualTo(503);
    assertThat(answer.error()).isEqualTo("unavailable");
    assertThat(sam.get("/api/threads/" + thread).status()).isEqualTo(200);
  }

  @Test
  void aReadThatFindsNoFreeConnectionAnswers503NamingTheDatabase() {
    // every connection of the node's pool taken, as long-running work would: the last attempt to
    // take one more is the pool's wait running out
    io.vertx.sqlclient.Pool pool = node.parley().platform().pool();
    java.util.List<io.vertx.sqlclient.SqlConnection> held = new java.util.ArrayList<>();
    try {
      while (true) {
        try {
          held.add(pool.getConnection().await());
        } catch (RuntimeException noneLeft) {
          break;
        }
      }

      Api.Response inbox = sam.get("/api/inbox");

      assertThat(inbox.status()).as(inbox.toString()).isEqualTo(503);
      assertThat(inbox.error()).isEqualTo("unavailable");
      assertThat(inbox.json().getString("message")).contains("database");
    } finally {
      held.forEach(c -> c.close().await());
    }
    assertThat(sam.get("/api/inbox").status()).isEqualTo(200);
  }

  @Test
  void aConnectionResetUnderASendInFlightAnswers503AndTheNodeRecoversByItself() {
    CompletableFuture<Api.Response> inFlight;
    try (Sql.Lock frozen = Sql.lock(directUrl, "threads")) {
      inFlight = CompletableFuture.supplyAsync(() -> send("Cut off"));
      await().atMost(Duration.ofSeconds(20)).until(() -> waitingOnLocks() >= 1);
      link.reset();
      Api.Response answer = inFlight.join();
      assertThat(answer.status()).as(answer.toString()).isEqualTo(503);
      assertThat(answer.error()).isEqualTo("unavailable");
      assertThat(answer.body()).doesNotContain("Exception", "reset", "127.0.0.1");
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(send("After the reset").status()).isEqualTo(201));
  }
}
