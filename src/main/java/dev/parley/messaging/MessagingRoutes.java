package dev.parley.messaging;

import dev.parley.Fields;
import dev.parley.Platform;
import dev.parley.Problem;
import dev.parley.audit.Audit;
import dev.parley.auth.AuthHandler;
import dev.parley.auth.Viewer;
import dev.parley.events.ChangeLog;
import dev.parley.events.Position;
import dev.parley.http.Admission;
import dev.parley.http.Body;
import dev.parley.http.Reply;
import dev.parley.http.Routes;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Threads, messages, read state and the event feed over HTTP. */
public final class MessagingRoutes implements Routes {

  private static final int MAX_EVENTS = 500;

  private final Platform platform;
  private final MessagingService service;
  private final MessagingMetrics metrics;

  public MessagingRoutes(Platform platform, MessagingService service) {
    this.platform = platform;
    this.service = service;
    this.metrics = new MessagingMetrics(platform.metrics());
  }

  @Override
  public void mount(Router api) {
    api.post("/threads").handler(Reply.async(this::startThread));
    api.post("/threads/:id/messages").handler(Reply.async(this::reply));
    api.post("/threads/:id/read").handler(Reply.async(this::markRead));
    api.post("/threads/:id/leave").handler(Reply.async(this::leave));
    api.get("/threads/:id").handler(Reply.async(this::thread));
    api.get("/inbox").handler(Reply.async(this::inbox));
    api.get("/unread").handler(Reply.async(this::unread));
    api.get("/events").handler(Reply.async(this::events));
  }

  private Future<?> startThread(RoutingContext ctx) {
    timed(ctx, metrics.newThread);
    Viewer v = AuthHandler.viewer(ctx);
    JsonObject body = Body.json(ctx);
    Commands.NewThread cmd = Commands.NewThread.from(body);
    Attempt attempt = new Attempt(Admission.writeBy(ctx), IdempotencyKey.of(ctx, body));
    return service.startThread(v, cmd, Commands.Source.WEB, attempt).compose(sent -> created(ctx, sent, new JsonObject()
        .put("thread", new JsonObject().put("id", sent.threadId().toString()).put("subject", sent.subject()))
        .put("message", new JsonObject().put("id", sent.messageId().toString()))));
  }

  private Future<?> reply(RoutingContext ctx) {
    timed(ctx, metrics.reply);
    Viewer v = AuthHandler.viewer(ctx);
    UUID threadId = Body.pathId(ctx, "thread");
    JsonObject body = Body.json(ctx);
    Commands.Reply cmd = Commands.Reply.from(body);
    Attempt attempt = new Attempt(Admission.writeBy(ctx), IdempotencyKey.of(ctx, body));
    return service.reply(v, threadId, cmd, Commands.Source.WEB, null, attempt).compose(sent -> created(ctx, sent, new JsonObject()
        .put("message", new JsonObject().put("id", sent.messageId().toString()))));
  }

  /** Times a send from here to its answer written; only a send answered 201 is counted (a refusal is not a send). */
  private static void timed(RoutingContext ctx, Timer timer) {
    long start = System.nanoTime();
    ctx.addEndHandler(ar -> {
      // the answer was written (whether the client stayed to read it is not the send's time)
      if (ctx.response().headWritten() && ctx.response().getStatusCode() == 201) {
        timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
    });
  }

  /** 201; a retry answered from its Idempotency-Key says so in {@code Idempotent-Replayed}. */
  private static Future<Void> created(RoutingContext ctx, MessagingService.Sent sent, JsonObject body) {
    if (sent.replayed()) {
      ctx.response().putHeader("Idempotent-Replayed", "true");
    }
    return Reply.created(ctx, body);
  }

  private Future<?> markRead(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    UUID threadId = Body.pathId(ctx, "thread");
    List<UUID> ids = Commands.MarkRead.from(Body.json(ctx)).messageIds();
    return service.markRead(v, threadId, ids).compose(done -> Reply.noContent(ctx));
  }

  private Future<?> leave(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    UUID threadId = Body.pathId(ctx, "thread");
    Fields.strict(Body.json(ctx)); // leaving takes no field: any answers 400
    return service.leave(v, threadId).compose(done -> Reply.noContent(ctx));
  }

  private Future<?> thread(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    UUID threadId = Body.pathId(ctx, "thread");
    return Threads.thread(platform.pool(), v, threadId).compose(json -> {
      Audit.log(platform.pool(), v.companyId(), v.userId(), Audit.THREAD_VIEWED, threadId.toString(), new JsonObject(), v.address());
      return Reply.ok(ctx, json);
    });
  }

  private Future<?> inbox(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    int limit = intParam(ctx, "limit", 25, 1, 100);
    String unread = ctx.request().getParam("unread");
    if (unread != null && !unread.equals("true") && !unread.equals("false")) {
      throw Problem.invalid("'unread' must be true or false");
    }
    String view = ctx.request().getParam("view");
    if (view != null && !Threads.VIEWS.contains(view)) {
      throw Problem.invalid("'view' must be one of " + String.join(", ", Threads.VIEWS));
    }
    if (view == null) {
      // unread=true is the older name of the unread view
      view = "true".equals(unread) ? "unread" : "inbox";
    } else if ("true".equals(unread) && !view.equals("unread")) {
      throw Problem.invalid("'unread=true' names the unread view; it cannot go with 'view=" + view + "'");
    }
    String q = ctx.request().getParam("q");
    if (q != null && q.length() > 200) {
      throw Problem.invalid("'q' is longer than 200 characters");
    }
    return Threads.inbox(platform.pool(), v, view, limit, ctx.request().getParam("cursor"), q)
        .compose(json -> Reply.ok(ctx, json));
  }

  private Future<?> unread(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    return Threads.unread(platform.pool(), v).compose(n -> Reply.ok(ctx, new JsonObject().put("unread", n)));
  }

  /**
   * The viewer's changes after the cursor {@code after}, as the live feed delivered them. Without
   * {@code after}: no events, just the cursor to start from. When changes after the cursor are no
   * longer kept: {@code resync}, and the client reloads its view and continues from {@code cursor}.
   */
  private Future<?> events(RoutingContext ctx) {
    metrics.catchUps.increment();
    Viewer v = AuthHandler.viewer(ctx);
    String after = ctx.request().getParam("after");
    int limit = intParam(ctx, "limit", MAX_EVENTS, 1, MAX_EVENTS);
    if (after == null || after.isBlank()) {
      // the start: every change from here on will be listed, some perhaps twice (dropped by their ids)
      return ChangeLog.now(platform.pool()).compose(now -> Reply.ok(ctx, new JsonObject()
          .put("events", new JsonArray()).put("cursor", now.encode()).put("more", false)));
    }
    Position from = Position.parse(after);
    return CatchUp.after(platform.pool(), v, from, limit).compose(page -> {
      if (page.resync()) {
        metrics.resyncs.increment();
        return Reply.ok(ctx, new JsonObject().put("resync", true).put("events", new JsonArray())
            .put("cursor", page.next().encode()).put("more", false));
      }
      JsonArray events = new JsonArray();
      page.events().forEach(e -> events.add(e.toJson()));
      if (!page.shown().isEmpty()) {
        Audit.log(platform.pool(), v.companyId(), v.userId(), Audit.MESSAGES_DELIVERED, null,
            Audit.messagesDelivered(page.shown(), Audit.VIA_EVENTS), v.address());
      }
      return Reply.ok(ctx, new JsonObject().put("events", events).put("cursor", page.next().encode())
          .put("more", page.more()));
    });
  }

  static int intParam(RoutingContext ctx, String name, int def, int min, int max) {
    String s = ctx.request().getParam(name);
    if (s == null || s.isBlank()) {
      return def;
    }
    try {
      int v = Integer.parseInt(s);
      if (v < min || v > max) {
        throw Problem.invalid("'" + name + "' must be between " + min + " and " + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw Problem.invalid("'" + name + "' must be a whole number");
    }
  }
}
