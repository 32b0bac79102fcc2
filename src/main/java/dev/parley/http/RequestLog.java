package dev.parley.http;

import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One line per request: method, path (no query string), status, duration. No bodies, no tokens. */
public final class RequestLog {

  private static final Logger LOG = LoggerFactory.getLogger("dev.parley.access");

  private RequestLog() {
  }

  public static void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(ar -> {
      if (LOG.isInfoEnabled()) {
        long tenths = (System.nanoTime() - start) / 100_000;
        LOG.info("{} {} {} {}.{}ms", ctx.request().method(), ctx.request().path(), ctx.response().getStatusCode(),
            tenths / 10, tenths % 10);
      }
    });
    ctx.next();
  }
}
