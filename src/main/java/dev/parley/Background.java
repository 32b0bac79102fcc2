package dev.parley;

import dev.parley.notify.OutboxVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Deploys the background workers of a node (outbox, inbound mail, event pruning). */
final class Background {

  private Background() {
  }

  static Future<Void> deploy(Vertx vertx, Platform platform) {
    return Future.<Void>succeededFuture()
        .compose(v -> vertx.deployVerticle(new OutboxVerticle(platform)).<Void>mapEmpty());
  }
}
