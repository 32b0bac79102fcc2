package dev.parley.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request: method, path (no query string), status, duration. No bodies, no tokens.
 * The status is the one actually sent: a client that left before its answer was sent is logged with
 * status {@code -} and "client gone" (a status set but never written would claim an answer nobody got).
 */
public final class RequestLog {

  private static final Logger LOG = LoggerFactory.getLogger("dev.parley.access");

  private RequestLog() {
  }

  public static void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(ar -> {
      if (LOG.isInfoEnabled()) {
        long tenths = (System.nanoTime() - start) / 100_000;
        HttpServerResponse response = ctx.response();
        String status = response.headWritten() ? Integer.toString(response.getStatusCode()) : "-";
        LOG.info("{} {} {} {}.{}ms{}", ctx.request().method(), ctx.request().path(), status,
            tenths / 10, tenths % 10, ar.succeeded() ? "" : " client gone");
      }
    });
    ctx.next();
  }
}
