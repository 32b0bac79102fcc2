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
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Deploys the background workers of a node (outbox, inbound mail, event and idempotency key pruning) and its metrics endpoint. */
final class Background {

  private static final Duration PRUNE_EVERY = Duration.ofHours(1);

  private Background() {
  }

  /**
   * Answers the deployments of the workers (not the metrics endpoint's, which is deployed only when the
   * node's meters go to a Prometheus registry), which a draining node stops first.
   */
  static Future<List<String>> deploy(Vertx vertx, Platform platform) {
    OutboxMetrics outbox = new OutboxMetrics(platform.metrics(), platform.pool());
    List<String> workers = new ArrayList<>();
    return Future.<Void>succeededFuture()
        .compose(v -> platform.config().outboxWorker()
            ? deploy(vertx, new OutboxVerticle(platform, outbox, Threads::messages), workers) : Future.<Void>succeededFuture())
        .compose(v -> deploy(vertx, new ImapPoller(platform), workers))
        .compose(v -> deploy(vertx, new EventPruner(platform.pool(), platform.config().eventRetention(), PRUNE_EVERY), workers))
        .compose(v -> deploy(vertx, new IdempotencyPruner(platform.pool(), PRUNE_EVERY), workers))
        .compose(v -> deploy(vertx, new AttachmentPruner(platform.pool(), Uploads.of(platform), platform.clock(),
            PRUNE_EVERY), workers))
        .compose(v -> !(platform.metrics().registry() instanceof PrometheusMeterRegistry prometheus)
            ? Future.<Void>succeededFuture()
            : vertx.deployVerticle(new MetricsVerticle(prometheus, platform.config().metricsHost(),
                platform.config().metricsPort().orElseThrow(), List.of(outbox::refresh))).<Void>mapEmpty())
        .map(v -> List.copyOf(workers));
  }

  private static Future<Void> deploy(Vertx vertx, Deployable worker, List<String> ids) {
    return vertx.deployVerticle(worker).onSuccess(ids::add).mapEmpty();
  }
}
