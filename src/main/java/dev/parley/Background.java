package dev.parley;

import dev.parley.files.AttachmentPruner;
import dev.parley.files.Uploads;
import dev.parley.http.MetricsVerticle;
import dev.parley.inbound.ImapPoller;
import dev.parley.notify.OutboxMetrics;
import dev.parley.messaging.IdempotencyPruner;
import dev.parley.messaging.Threads;
import dev.parley.notify.OutboxVerticle;
import dev.parley.realtime.EventPruner;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.List;

/** Deploys the background workers of a node (outbox, inbound mail, event and idempotency key pruning) and its metrics endpoint. */
final class Background {

  private static final Duration PRUNE_EVERY = Duration.ofHours(1);

  private Background() {
  }

  /** {@code metrics}: the node's Prometheus registry, or null when metrics are off. */
  static Future<Void> deploy(Vertx vertx, Platform platform, PrometheusMeterRegistry metrics) {
    OutboxMetrics outbox = new OutboxMetrics(platform.metrics(), platform.pool());
    return Future.<Void>succeededFuture()
        .compose(v -> platform.config().outboxWorker()
            ? vertx.deployVerticle(new OutboxVerticle(platform, outbox, Threads::messages)).<Void>mapEmpty() : Future.<Void>succeededFuture())
        .compose(v -> vertx.deployVerticle(new ImapPoller(platform)).<Void>mapEmpty())
        .compose(v -> vertx.deployVerticle(new EventPruner(platform.pool(), platform.config().eventRetention(), PRUNE_EVERY))
            .<Void>mapEmpty())
        .compose(v -> vertx.deployVerticle(new IdempotencyPruner(platform.pool(), PRUNE_EVERY)).<Void>mapEmpty())
        .compose(v -> vertx.deployVerticle(new AttachmentPruner(platform.pool(), Uploads.of(platform), platform.clock(),
            PRUNE_EVERY)).<Void>mapEmpty())
        .compose(v -> metrics == null ? Future.<Void>succeededFuture()
            : vertx.deployVerticle(new MetricsVerticle(metrics, platform.config().metricsHost(),
                platform.config().metricsPort().orElseThrow(), List.of(outbox::refresh))).<Void>mapEmpty());
  }
}
