package dev.parley.events;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order in which committed transactions' events leave the node: by the order their ids were
 * handed out for the people they share, without unrelated people waiting for each other.
 */
class PublishOrderTest {

  final Vertx vertx = Vertx.vertx();
  final Context context = vertx.getOrCreateContext();
  final List<Long> published = new CopyOnWriteArrayList<>();
  final PublishOrder<Long> order = new PublishOrder<>(context, published::addAll);
  final UUID pat = UUID.randomUUID();
  final UUID quinn = UUID.randomUUID();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** What a turn is keyed by: here a person, in the node a thread. */
  static List<UUID> keys(UUID key) {
    return List.of(key);
  }

  static List<Long> events(UUID key, long id) {
    return List.of(id);
  }

  @Test
  void aLaterCommitWaitsForTheEarlierTurnOfTheSamePersonButNotForOthers() {
    PublishOrder<Long>.Turn first = order.turn();
    PublishOrder<Long>.Turn other = order.turn();
    PublishOrder<Long>.Turn second = order.turn();
    first.take(keys(pat));
    other.take(keys(quinn));
    second.take(keys(pat));

    // the second commit is answered first: it waits for the first; Quinn's does not
    var secondOut = second.publish(events(pat, 2));
    other.publish(events(quinn, 1)).await();
    assertThat(published).containsExactly(1L);
    assertThat(secondOut.isComplete()).isFalse();

    first.publish(events(pat, 1)).await();
    secondOut.await();
    assertThat(published).containsExactly(1L, 1L, 2L);
  }

  @Test
  void aFailedTransactionLeavesTheLineWithoutPublishing() {
    PublishOrder<Long>.Turn failed = order.turn();
    PublishOrder<Long>.Turn next = order.turn();
    failed.take(keys(pat));
    next.take(keys(pat));

    var nextOut = next.publish(events(pat, 1));
    failed.skip();
    nextOut.await();
    assertThat(published).containsExactly(1L);
  }
}
