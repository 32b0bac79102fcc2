package dev.parley.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes JSON answers. */
public final class Reply {

  private Reply() {
  }

  public static Future<Void> json(RoutingContext ctx, int status, JsonObject body) {
    return ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body.encode());
  }

  public static Future<Void> ok(RoutingContext ctx, JsonObject body) {
    return json(ctx, 200, body);
  }

  public static Future<Void> created(RoutingContext ctx, JsonObject body) {
    return json(ctx, 201, body);
  }

  public static Future<Void> noContent(RoutingContext ctx) {
    return ctx.response().setStatusCode(204).end();
  }

  /**
   * Runs an asynchronous handler and routes any failure to the failure handler. The request is logged
   * under this handler's route, however it ends.
   */
  public static io.vertx.core.Handler<RoutingContext> async(java.util.function.Function<RoutingContext, Future<?>> f) {
    return ctx -> {
      RequestLog.routed(ctx);
      Future<?> result;
      try {
        result = f.apply(ctx);
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      result.onFailure(e -> {
        if (!ctx.response().ended()) {
          ctx.fail(e);
        }
      });
    };
  }
}
