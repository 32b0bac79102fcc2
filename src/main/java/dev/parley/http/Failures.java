package dev.parley.http;

import dev.parley.Problem;
import dev.parley.db.Db;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler: every error leaves as {@code {"error","message"}}, never a stack trace or SQL.
 * A failure on our side (5xx) also names the request's id ({@code "requestId"}), which a person can
 * quote to find its log lines.
 */
public final class Failures {

  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  private Failures() {
  }

  /** The failure handler; {@code hook} hears of every failure it answers (the audit log's refusals). */
  public static Handler<RoutingContext> handler(FailureHook hook) {
    return ctx -> {
      if (!ctx.response().ended() && !ctx.response().closed()) {
        hook.answered(ctx, toProblem(ctx));
      }
      handle(ctx);
    };
  }

  public static Problem handle(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return null;
    }
    Problem p = toProblem(ctx);
    if (p.status() >= 500 && p.status() != 503) {
      LOG.error("request {} {} failed", ctx.request().method(), RequestLog.route(ctx), ctx.failure());
    }
    JsonObject body = new JsonObject().put("error", p.code()).put("message", p.getMessage());
    if (p.status() >= 500) {
      body.put("requestId", RequestLog.requestId(ctx));
    }
    if (p.retryAfterSeconds() > 0) {
      ctx.response().putHeader("Retry-After", Long.toString(p.retryAfterSeconds()));
    }
    ctx.response()
        .setStatusCode(p.status())
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
    return p;
  }

  static Problem toProblem(RoutingContext ctx) {
    Throwable t = ctx.failure();
    if (t instanceof Problem p) {
      return p;
    }
    if (t != null) {
      Throwable translated = Db.translateFailure(t).cause();
      if (translated instanceof Problem p) {
        return p;
      }
    }
    int status = ctx.statusCode();
    return switch (status) {
      case 400 -> Problem.invalid("the request is not valid");
      case 401 -> Problem.unauthorized();
      case 403 -> Problem.forbidden("not allowed");
      case 404 -> Problem.notFound("resource");
      case 405 -> new Problem(405, "method_not_allowed", "this method is not allowed here");
      case 413 -> Problem.tooLarge("the request body is too large");
      case 415 -> new Problem(415, "unsupported_media_type", "unsupported content type");
      default -> new Problem(500, "internal_error", "something went wrong on our side");
    };
  }
}
