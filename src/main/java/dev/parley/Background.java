package dev.parley;

import dev.parley.inbound.ImapPoller;
import dev.parley.messaging.IdempotencyPruner;
import dev.parley.notify.OutboxVerticle;
import dev.parley.realtime.EventPruner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;

/** Deploys the background workers of a node (outbox, inbound mail, event and idempotency key pruning). */
final class Background {

  private static final Duration PRUNE_EVERY = Duration.ofHours(1);

  private Background() {
  }

  static Future<Void> deploy(Vertx vertx, Platform platform) {
    return Future.<Void>succeededFuture()
        .compose(v -> platform.config().outboxWorker()
            ? vertx.deployVerticle(new OutboxVerticle(platform)).<Void>mapEmpty() : Future.<Void>succeededFuture())
        .compose(v -> vertx.deployVerticle(new ImapPoller(platform)).<Void>mapEmpty())
        .compose(v -> vertx.deployVerticle(new EventPruner(platform.pool(), platform.config().eventRetention(), PRUNE_EVERY))
            .<Void>mapEmpty())
        .compose(v -> vertx.deployVerticle(new IdempotencyPruner(platform.pool(), PRUNE_EVERY)).<Void>mapEmpty());
  }
}
