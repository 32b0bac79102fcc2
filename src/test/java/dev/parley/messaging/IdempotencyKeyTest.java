package dev.parley.messaging;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Sql;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A send or reply retried with the same Idempotency-Key answers the first answer and makes one message. */
class IdempotencyKeyTest {

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;
  static Fixtures.Person olly;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    acme = node.fixtures().company("Acme Wealth");
    olly = acme.staff("Olly Other");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject newThread(String subject) {
    return new JsonObject().put("to", new JsonArray().add(olly.sid())).put("subject", subject).put("bodyHtml", "<p>hello</p>");
  }

  private static Api.Response post(Api.Session who, String path, JsonObject body, String key) {
    return api.send("POST", path, body, Map.of("Authorization", "Bearer " + who.token(), "Idempotency-Key", key));
  }

  private static long threadsWithSubject(String subject) {
    return Sql.count(node.dbUrl(), "select count(*) from threads where subject = '" + subject + "'");
  }

  private static long messagesOn(String threadId) {
    return Sql.count(node.dbUrl(), "select count(*) from messages where thread_id = '" + threadId + "'");
  }

  private static String key() {
    return UUID.randomUUID().toString();
  }

  @Test
  void theSameKeyTwiceGivesTheSame201BodyAndOneMessage() {
    Api.Session sam = acme.staff("Sam Staff").login(api);
    String key = key();
    Api.Response first = post(sam, "/api/threads", newThread("Retried once"), key);
    Api.Response retry = post(sam, "/api/threads", newThread("Retried once"), key);

    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
    assertThat(retry.json()).isEqualTo(first.json());
    assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(first.header("Idempotent-Replayed")).isNull();
    assertThat(threadsWithSubject("Retried once")).isEqualTo(1);
    assertThat(messagesOn(first.json().getJsonObject("thread").getString("id"))).isEqualTo(1);
  }

  @Test
  void aReplyRetriedWithItsKeyIsWrittenOnce() {
    Api.Session sam = acme.staff("Sam Replier").login(api);
    String thread = sam.startThread("A thread to reply to", "<p>first</p>", olly);
    String key = key();
    JsonObject reply = new JsonObject().put("bodyHtml", "<p>the reply</p>");
    Api.Response first = post(sam, "/api/threads/" + thread + "/messages", reply, key);
    Api.Response retry = post(sam, "/api/threads/" + thread + "/messages", reply, key);

    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
    assertThat(retry.json()).isEqualTo(first.json());
    assertThat(messagesOn(thread)).isEqualTo(2);
  }

  @Test
  void concurrentRequestsWithTheSameKeyMakeOneMessage() {
    Api.Session sam = acme.staff("Sam Hasty").login(api);
    String key = key();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<Api.Response>> answers = IntStream.range(0, 8)
          .mapToObj(i -> CompletableFuture.supplyAsync(() -> post(sam, "/api/threads", newThread("Sent in a hurry"), key), clients))
          .toList();
      List<Api.Response> all = answers.stream().map(CompletableFuture::join).toList();

      assertThat(all).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(201));
      Set<String> messageIds = all.stream().map(r -> r.json().getJsonObject("message").getString("id")).collect(Collectors.toSet());
      assertThat(messageIds).hasSize(1);
      assertThat(threadsWithSubject("Sent in a hurry")).isEqualTo(1);
    } finally {
      clients.shutdown();
    }
  }

  @Test
  void theSameKeyWithAnotherBodyIsRefusedAndNothingIsStored() {
    Api.Session sam = acme.staff("Sam Reuser").login(api);
    String key = key();
    assertThat(post(sam, "/api/threads", newThread("The first request"), key).status()).isEqualTo(201);

    Api.Response other = post(sam, "/api/threads", newThread("Another request"), key);

    assertThat(other.status()).as(other.toString()).isEqualTo(422);
    assertThat(other.error()).isEqualTo("idempotency_key_reused");
    assertThat(other.json().getString("message")).contains("Idempotency-Key");
    assertThat(threadsWithSubject("Another request")).isZero();
  }

  @Test
  void keysBelongToOnePersonSoTwoPeopleWithTheSameKeyEachSendTheirOwn() {
    Api.Session sam = acme.staff("Sam One").login(api);
    Api.Session kim = acme.staff("Kim Two").login(api);
    String key = key();
    Api.Response fromSam = post(sam, "/api/threads", newThread("Same key, two people"), key);
    Api.Response fromKim = post(kim, "/api/threads", newThread("Same key, two people"), key);

    assertThat(fromSam.status()).isEqualTo(201);
    assertThat(fromKim.status()).isEqualTo(201);
    assertThat(fromKim.header("Idempotent-Replayed")).isNull();
    assertThat(fromKim.json().getJsonObject("message").getString("id"))
        .isNotEqualTo(fromSam.json().getJsonObject("message").getString("id"));
    assertThat(threadsWithSubject("Same key, two people")).isEqualTo(2);
  }

  @Test
  void aKeyTooLongOrWithSpacesOrControlCharactersAnswers400AndNothingIsStored() {
    Api.Session sam = acme.staff("Sam Sloppy").login(api);
    for (String bad : List.of("k".repeat(201), "two words", "tab\there")) {
      Api.Response r = post(sam, "/api/threads", newThread("Badly keyed"), bad);
      assertThat(r.status()).as(bad + ": " + r).isEqualTo(400);
      assertThat(r.error()).isEqualTo("invalid_idempotency_key");
    }
    assertThat(threadsWithSubject("Badly keyed")).isZero();
    assertThat(post(sam, "/api/threads", newThread("Well keyed"), "k".repeat(200)).status()).isEqualTo(201);
  }

  @Test
  void aReplyRefusedLeavesItsKeyFreeForTheRightRequest() {
    Api.Session sam = acme.staff("Sam Mistaken").login(api);
    String thread = sam.startThread("The right thread", "<p>first</p>", olly);
    String key = key();
    JsonObject reply = new JsonObject().put("bodyHtml", "<p>the reply</p>");
    Api.Response refused = post(sam, "/api/threads/" + UUID.randomUUID() + "/messages", reply, key);
    assertThat(refused.status()).isEqualTo(404);

    Api.Response right = post(sam, "/api/threads/" + thread + "/messages", reply, key);

    assertThat(right.status()).as(right.toString()).isEqualTo(201);
    assertThat(messagesOn(thread)).isEqualTo(2);
  }

  @Test
  void keysOlderThanADayArePrunedAndTheKeyThenSendsAgain() {
    Api.Session sam = acme.staff("Sam Patient").login(api);
    String key = key();
    Api.Response first = post(sam, "/api/threads", newThread("Sent yesterday"), key);
    assertThat(first.status()).isEqualTo(201);
    node.parley().platform().pool().preparedQuery("update idempotency_keys set created_at = now() - interval '25 hours' "
        + "where user_id = $1").execute(io.vertx.sqlclient.Tuple.of(UUID.fromString(sam.userId()))).await();

    long pruned = new IdempotencyPruner(node.parley().platform().pool(), Duration.ofHours(1)).pruneAll().await();

    assertThat(pruned).isGreaterThanOrEqualTo(1);
    Api.Response again = post(sam, "/api/threads", newThread("Sent yesterday"), key);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.header("Idempotent-Replayed")).isNull();
    assertThat(threadsWithSubject("Sent yesterday")).isEqualTo(2);
  }
}
