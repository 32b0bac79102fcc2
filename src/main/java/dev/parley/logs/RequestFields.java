package dev.parley.logs;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.context.storage.ContextLocal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What every log line written while an HTTP request is handled says about that request: its id, the
 * signed-in person, the method and the route's pattern ({@code /api/threads/:id/messages}, never the
 * path with its ids). Kept in the request's own Vert.x context, which the request's Futures, database
 * answers and blocking work run on: a thread-local would leak from one request to the next one that
 * an event loop interleaves with it.
 */
public record RequestFields(String requestId, String method, String route, String userId) {

  /** The names of the fields in a JSON line (and in the MDC). */
  public static final String REQUEST_ID = "requestId";
  public static final String USER_ID = "userId";
  public static final String METHOD = "method";
  public static final String ROUTE = "route";

  /**
   * Starts the fields of the request handled on the current context. Only a duplicated context (each
   * request has its own) takes them: on an event loop's own context they would outlive the request.
   */
  public static void begin(String requestId, String method) {
    Context ctx = Vertx.currentContext();
    if (ctx instanceof ContextInternal c && c.isDuplicate()) {
      ctx.putLocal(Local.KEY, new RequestFields(requestId, method, null, null));
    }
  }

  /** The fields of the request handled on the current thread's context; null outside a request. */
  public static RequestFields current() {
    Context ctx = Vertx.currentContext();
    return ctx == null ? null : ctx.getLocal(Local.KEY);
  }

  /** The request now handled here has reached the route with this pattern. */
  public static void routed(String route) {
    RequestFields f = current();
    if (f != null) {
      Vertx.currentContext().putLocal(Local.KEY, new RequestFields(f.requestId, f.method, route, f.userId));
    }
  }

  /** The request now handled here acts for this person. */
  public static void signedIn(UUID userId) {
    RequestFields f = current();
    if (f != null) {
      Vertx.currentContext().putLocal(Local.KEY, new RequestFields(f.requestId, f.method, f.route, userId.toString()));
    }
  }

  /** The fields known so far, by their names in the log. */
  Map<String, String> asMap() {
    Map<String, String> m = new LinkedHashMap<>(4);
    m.put(REQUEST_ID, requestId);
    if (userId != null) {
      m.put(USER_ID, userId);
    }
    m.put(METHOD, method);
    if (route != null) {
      m.put(ROUTE, route);
    }
    return m;
  }

  /**
   * Registers the context-local storage. Vert.x sizes each context's storage when an instance is built,
   * so it must be known before any: Vert.x finds this provider (declared in
   * {@code META-INF/services/io.vertx.core.spi.VertxServiceProvider}) as it builds one.
   */
  public static final class Local implements VertxServiceProvider {

    static final ContextLocal<RequestFields> KEY = ContextLocal.registerLocal(RequestFields.class);

    @Override
    public void init(VertxBootstrap builder) {
      // registering KEY, above, is all there is to do
    }
  }
}
