package dev.parley.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Supplier;

/**
 * Prometheus metrics at {@code /metrics} on a port of their own (not the public one). Figures that live
 * in the database are read by {@code beforeScrape} just before each scrape; if that fails the scrape
 * still answers, with the figures last read.
 */
public final class MetricsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsVerticle.class);

  private final PrometheusMeterRegistry registry;
  private final String host;
  private final int port;
  private final List<Supplier<Future<Void>>> beforeScrape;
  private HttpServer server;

  public MetricsVerticle(PrometheusMeterRegistry registry, String host, int port, List<Supplier<Future<Void>>> beforeScrape) {
    this.registry = registry;
    this.host = host;
    this.port = port;
    this.beforeScrape = beforeScrape;
  }

  @Override
  public Future<?> start() {
    Handler<RoutingContext> scrape = PrometheusScrapingHandler.create(registry);
    Router router = Router.router(vertx);
    router.get("/metrics").handler(ctx -> Future.join(beforeScrape.stream().map(Supplier::get).toList())
        .onFailure(e -> LOG.warn("metrics: figures not refreshed: {}", e.toString()))
        .onComplete(ar -> scrape.handle(ctx)));
    return vertx.createHttpServer().requestHandler(router).listen(port, host)
        .onSuccess(s -> {
          server = s;
          LOG.info("metrics on http://{}:{}/metrics", host, s.actualPort());
        });
  }

  /** The port actually bound. */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }
}
