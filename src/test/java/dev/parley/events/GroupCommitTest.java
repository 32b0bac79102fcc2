package dev.parley.events;

import dev.parley.Problem;
import dev.parley.Topics;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Writes that arrive while a transaction runs share the next one; a write that breaks fails alone and
 * one that refuses fails alone, while the others in its transaction are committed.
 */
class GroupCommitTest {

  static TestNode node;
  static Pool pool;
  GroupCommit writes;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    pool = node.parley().platform().pool();
    // a table of the test's own: created by the owner, like every table
    node.asOwner("create table probe (id int primary key)");
    node.asOwner("grant select, insert, delete on probe to " + TestDatabase.RUNTIME_ROLE);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @BeforeEach
  void fresh() {
    pool.query("delete from probe").execute().await();
    // one lane, so that what queues behind the first transaction shares the second
    writes = new GroupCommit(node.parley().platform().vertx(), pool, 64, 1, Duration.ofSeconds(20));
  }

  /** Holds the writer's first transaction open until the rest are queued behind it. */
  private Promise<Void> holdFirst() {
    Promise<Void> gate = Promise.promise();
    writes.run(null, (conn, changes) -> gate.future().compose(v -> conn.query("select 1").execute()));
    return gate;
  }

  private Future<Long> insert(int id) {
    return writes.run(null, (conn, changes) -> conn.preparedQuery("insert into probe values ($1)").execute(Tuple.of(id))
        .compose(v -> conn.query("select txid_current()").execute())
        .map(rows -> rows.iterator().next().getLong(0)));
  }

  private static long rows() {
    return pool.query("select count(*) from probe").execute().await().iterator().next().getLong(0);
  }

  @Test
  void writesQueuedBehindARunningTransactionShareOneCommit() {
    Promise<Void> gate = holdFirst();
    List<Future<Long>> txids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      txids.add(insert(i));
    }
    gate.complete();

    Set<Long> distinct = new HashSet<>();
    txids.forEach(f -> distinct.add(f.await()));
    assertThat(distinct).hasSize(1);
    assertThat(rows()).isEqualTo(40);
  }

  @Test
  void aWriteThatBreaksFailsAloneAndTheOthersAreCommitted() {
    Promise<Void> gate = holdFirst();
    List<Future<Long>> good = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      good.add(insert(i));
    }
    Future<Long> duplicate = insert(3);
    gate.complete();

    good.forEach(f -> f.await());
    Throwable failure = duplicate.transform(ar -> Future.succeededFuture(ar.cause())).await();
    assertThat(failure).isInstanceOf(PgException.class);
    assertThat(((PgException) failure).getSqlState()).isEqualTo("23505");
    assertThat(rows()).isEqualTo(10);
  }

  private Future<Long> insertWithChange(int id, UUID thread) {
    UUID actor = UUID.randomUUID();
    return writes.run(null, (conn, changes) -> {
      changes.add(new Change(Change.LEFT, actor, thread, actor, null, List.of(actor), new JsonObject(), null, 0));
      return conn.preparedQuery("insert into probe values ($1)").execute(Tuple.of(id)).map(1L);
    });
  }

  private static long storedChanges(UUID thread) {
    return pool.preparedQuery("select count(*) from changes where thread_id = $1").execute(Tuple.of(thread)).await()
        .iterator().next().getLong(0);
  }

  @Test
  void aWritesChangeIsStoredAndPublishedOnceWhenItsWriteCommitsAndNeverWhenItFails() {
    List<String> heard = new CopyOnWriteArrayList<>();
    MessageConsumer<String> consumer = node.parley().platform().vertx().eventBus().<String>consumer(Topics.CHANGES,
        m -> heard.add(Change.fromJson(new JsonObject(m.body())).threadId().toString()));
    consumer.completion().await();
    try {
      UUID kept = UUID.randomUUID();
      UUID broken = UUID.randomUUID();
      UUID marker = UUID.randomUUID();
      Promise<Void> gate = holdFirst();
      Future<Long> good = insertWithChange(1, kept);
      // adds its change, then breaks the shared transaction: it is run again alone, and fails alone
      Future<Long> bad = insertWithChange(1, broken);
      gate.complete();

      good.await();
      assertThat(bad.transform(ar -> Future.succeededFuture(ar.cause())).await()).isInstanceOf(PgException.class);
      insertWithChange(2, marker).await();
      await().atMost(Duration.ofSeconds(20)).until(() -> heard.contains(marker.toString()));

      List<String> ours = heard.stream().filter(t -> List.of(kept.toString(), broken.toString(), marker.toString()).contains(t)).toList();
      assertThat(ours).containsExactly(kept.toString(), marker.toString());
      assertThat(List.of(storedChanges(kept), storedChanges(broken), storedChanges(marker))).containsExactly(1L, 0L, 1L);
    } finally {
      consumer.unregister().await();
    }
  }

  @Test
  void aWriteThatRefusesBeforeWritingFailsAloneWithItsProblem() {
    Promise<Void> gate = holdFirst();
    List<Future<Long>> good = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      good.add(insert(i));
    }
    Future<Long> refused = writes.run(null, (conn, changes) -> conn.query("select 1").execute()
        .compose(v -> Future.failedFuture(Problem.notFound("thread"))));
    for (int i = 5; i < 10; i++) {
      good.add(insert(i));
    }
    gate.complete();

    Set<Long> distinct = new HashSet<>();
    good.forEach(f -> distinct.add(f.await()));
    assertThat(distinct).as("the refusal did not split the transaction").hasSize(1);
    Throwable failure = refused.transform(ar -> Future.succeededFuture(ar.cause())).await();
    assertThat(failure).isInstanceOf(Problem.class);
    assertThat(rows()).isEqualTo(10);
  }

  @Test
  void aTransactionFailedByAnErrorNoWriteNoticedIsNeverReportedAsCommitted() {
    insert(1).await();
    Promise<Void> gate = holdFirst();
    Future<Long> good = insert(2);
    // a write that swallows its statement's failure: PostgreSQL has failed the transaction, and
    // would answer the COMMIT with a rollback
    Future<String> swallowed = writes.run(null, (conn, changes) -> conn.preparedQuery("insert into probe values ($1)")
        .execute(Tuple.of(1)).map("inserted").recover(e -> Future.succeededFuture("ignored")));
    gate.complete();

    good.await();
    Throwable failure = swallowed.transform(ar -> Future.succeededFuture(ar.cause())).await();
    assertThat(failure).as("reported as committed").isNotNull();
    assertThat(rows()).isEqualTo(2);
  }

  @Test
  void aWriteStillQueuedAtItsDeadlineAnswers503AndNeverRuns() {
    Promise<Void> gate = holdFirst();
    Future<Long> late = writes.run(null, dev.parley.Deadline.after(Duration.ofMillis(200)),
        (conn, changes) -> conn.preparedQuery("insert into probe values ($1)").execute(Tuple.of(7)).map(1L));

    Throwable failure = late.transform(ar -> Future.succeededFuture(ar.cause())).await();
    gate.complete();
    insert(8).await();

    assertThat(failure).isInstanceOf(Problem.class);
    assertThat(((Problem) failure).status()).isEqualTo(503);
    assertThat(pool.query("select id from probe").execute().await().iterator().next().getInteger("id")).isEqualTo(8);
  }

  @Test
  void aTransactionNotCommittedByAWritesDeadlineIsRolledBackAndAllItsWritesAnswer503() {
    Promise<Void> first = holdFirst();
    Promise<Void> gate = Promise.promise();
    // queued together behind the first transaction, the two share the next one, which then waits on
    // the gate past the first write's deadline (long enough for the queue to move on first)
    Future<Long> slow = writes.run(null, dev.parley.Deadline.after(Duration.ofSeconds(3)),
        (conn, changes) -> conn.preparedQuery("insert into probe values ($1)").execute(Tuple.of(1))
            .compose(v -> gate.future()).map(1L));
    Future<Long> sharing = insert(2);
    first.complete();

    Throwable failed = slow.transform(ar -> Future.succeededFuture(ar.cause())).await();
    Throwable alsoFailed = sharing.transform(ar -> Future.succeededFuture(ar.cause())).await();
    gate.complete();
    insert(3).await();

    assertThat(failed).isInstanceOf(Problem.class);
    assertThat(alsoFailed).isInstanceOf(Problem.class);
    assertThat(((Problem) alsoFailed).status()).isEqualTo(503);
    assertThat(writes.abandoned()).isEqualTo(1);
    assertThat(rows()).as("only the write after the gate was saved").isEqualTo(1);
  }

  @Test
  void batchesSideBySideLockTheirThreadsInOneOrderAndDoNotDeadlock() {
    dev.parley.testing.Fixtures.Company acme = node.fixtures().company("Acme");
    dev.parley.testing.Api.Session sam = acme.staff("Sam Staff").login(node.api());
    String other = acme.staff("Olly Other").sid();
    UUID first = UUID.fromString(sam.post("/api/threads", new io.vertx.core.json.JsonObject().put("to", new io.vertx.core.json.JsonArray().add(other))
        .put("subject", "One").put("bodyHtml", "<p>1</p>")).json().getJsonObject("thread").getString("id"));
    UUID second = UUID.fromString(sam.post("/api/threads", new io.vertx.core.json.JsonObject().put("to", new io.vertx.core.json.JsonArray().add(other))
        .put("subject", "Two").put("bodyHtml", "<p>2</p>")).json().getJsonObject("thread").getString("id"));
    // two lanes of two writes each; each lane's second write touches the other lane's first thread
    // after a pause, which deadlocks unless each batch takes its threads' locks up front in one order
    writes = new GroupCommit(node.parley().platform().vertx(), pool, 2, 2, Duration.ofSeconds(20));
    Promise<Void> gate = Promise.promise();
    writes.run(null, (conn, changes) -> gate.future().compose(v -> conn.query("select 1").execute()));
    writes.run(null, (conn, changes) -> gate.future().compose(v -> conn.query("select 1").execute()));
    List<Future<Object>> done = List.of(
        touch(first, false), touch(second, true),
        touch(second, false), touch(first, true));
    gate.complete();

    done.forEach(f -> f.await());
    assertThat(writes.rollbacks()).isZero();
  }

  private Future<Object> touch(UUID thread, boolean late) {
    return writes.run(thread, (conn, changes) -> (late ? conn.query("select pg_sleep(0.3)").execute() : Future.succeededFuture())
        .compose(v -> conn.preparedQuery("select id from threads where id = $1 for no key update").execute(Tuple.of(thread)))
        .map(rows -> (Object) thread));
  }
}
