package dev.parley.http;

import dev.parley.logs.RequestFields;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Gives each request its id and writes one line per request: method, route pattern (never the path
 * with its ids, nor the query string), status, duration, and the person when signed in. No bodies, no
 * tokens. The status is the one actually sent: a client that left before its answer was sent is logged
 * with status {@code -} and "client gone" (a status set but never written would claim an answer nobody got).
 * The request's id and fields reach every line written while it is handled through {@link RequestFields}.
 */
public final class RequestLog {

  /** The header that names a request, taken from the client when it is safe and sent back on every answer. */
  public static final String REQUEST_ID = "X-Request-Id";

  private static final Logger LOG = LoggerFactory.getLogger("dev.parley.access");
  /** What a client's own id may be: anything else could forge or break a log line, so gets a new id. */
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private RequestLog() {
  }

  public static void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    String given = ctx.request().getHeader(REQUEST_ID);
    String id = given != null && SAFE_ID.matcher(given).matches() ? given : newId();
    RequestFields.begin(id, ctx.request().method().name());
    ctx.response().putHeader(REQUEST_ID, id);
    ctx.addEndHandler(ar -> {
      if (LOG.isInfoEnabled()) {
        String route = route(ctx);
        RequestFields.routed(route);
        long tenths = (System.nanoTime() - start) / 100_000;
        HttpServerResponse response = ctx.response();
        String status = response.headWritten() ? Integer.toString(response.getStatusCode()) : "-";
        RequestFields fields = RequestFields.current();
        String user = fields == null || fields.userId() == null ? "" : " user=" + fields.userId();
        var line = LOG.atInfo().addKeyValue("durationMs", tenths / 10.0);
        if (response.headWritten()) {
          line = line.addKeyValue("status", response.getStatusCode());
        }
        // over HTTP/2 a stream's close can be heard before its end: an answer sent whole was not missed
        boolean gone = ar.failed() && !response.ended();
        line.log("{} {} {} {}.{}ms{}{}", ctx.request().method(), route, status, tenths / 10, tenths % 10, user,
            gone ? " client gone" : "");
      }
    });
    ctx.next();
  }

  /** The id of this request (as sent back in {@value #REQUEST_ID}). */
  public static String requestId(RoutingContext ctx) {
    return ctx.response().headers().get(REQUEST_ID);
  }

  /** Called by the handler that answers the request: its route is the one the request is logged under. */
  static void routed(RoutingContext ctx) {
    RequestFields.routed(pattern(ctx));
  }

  /** The route the request reached, as a pattern; where no endpoint took it, the route that answered it. */
  static String route(RoutingContext ctx) {
    RequestFields fields = RequestFields.current();
    return fields != null && fields.route() != null ? fields.route() : pattern(ctx);
  }

  /** The current route's pattern with the router's mount point: {@code /api/threads/:id/messages}, {@code /*}. */
  private static String pattern(RoutingContext ctx) {
    String mount = ctx.mountPoint() == null ? "" : ctx.mountPoint();
    if (mount.endsWith("/")) {
      mount = mount.substring(0, mount.length() - 1);
    }
    Route r = ctx.currentRoute();
    if (r == null || r.getPath() == null) {
      return mount.isEmpty() ? "-" : mount + "/*";
    }
    return mount + r.getPath() + (r.isExactPath() ? "" : "*");
  }

  private static String newId() {
    byte[] b = new byte[9];
    ThreadLocalRandom.current().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
