package dev.parley.http;

import dev.parley.Platform;
import dev.parley.auth.AuthHandler;
import dev.parley.auth.AuthRoutes;
import dev.parley.auth.RefusalAudit;
import dev.parley.auth.Sessions;
import dev.parley.directory.DirectoryRoutes;
import dev.parley.inbound.InboundRoutes;
import dev.parley.messaging.CannedResponses;
import dev.parley.messaging.MessagingRoutes;
import dev.parley.messaging.MessagingService;
import dev.parley.notify.UndeliveredEmailRoutes;
import dev.parley.realtime.LiveBridge;
import dev.parley.settings.SettingsRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

import java.time.Duration;

/** The HTTP API, the static browser app and the live bridge on one port. */
public final class HttpVerticle extends VerticleBase {

  /** Largest JSON request body accepted by the API. */
  public static final long MAX_BODY_BYTES = 512 * 1024;

  private final Platform platform;
  private final Admission admission;
  private HttpServer server;

  public HttpVerticle(Platform platform, Admission admission) {
    this.platform = platform;
    this.admission = admission;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(new SecurityHeaders(platform.config().publicUrl().startsWith("https:"))::handle);
    router.route().handler(RequestLog::handle);
    router.route().handler(QueryString::check);

    router.get("/health").handler(ctx -> Reply.ok(ctx, new JsonObject().put("status", "up")));
    router.get("/ready").handler(this::ready);

    Sessions sessions = platform.sessions();
    AuthHandler auth = new AuthHandler(platform.tokens(), sessions, platform.config().publicUrl());

    Router api = Router.router(vertx);
    api.route().handler(admission::handle);
    new InboundRoutes(platform).mount(api);
    api.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    new AuthRoutes(platform, auth).mount(api);
    api.route().handler(auth);
    new DirectoryRoutes(platform).mount(api);
    new MessagingRoutes(platform, new MessagingService(platform)).mount(api);
    new CannedResponses(platform).mount(api);
    new SettingsRoutes(platform).mount(api);
    new UndeliveredEmailRoutes(platform).mount(api);
    api.route().handler(ctx -> ctx.fail(dev.parley.Problem.notFound("endpoint")));
    api.route().failureHandler(Failures.handler(new RefusalAudit(platform.refusals())));
    router.route("/api/*").subRouter(api);

    LiveBridge live = new LiveBridge(vertx, platform.pool(), platform.tokens(), sessions, platform.config().publicUrl(),
        platform.refusals(), platform.live());
    router.route("/eventbus/*").subRouter(live.router());

    // The app's files keep their names from release to release (index.html, app.js), so a browser
    // must ask again on every load (answered 304 while unchanged): a long or immutable cache would
    // keep an old release, or an old app.js under a new index.html, for as long as it lasts.
    router.route("/*")
        .handler(ctx -> {
          ctx.response().putHeader("Cache-Control", "no-cache");
          ctx.next();
        })
        .handler(StaticHandler.create("public").setCachingEnabled(true).setIndexPage("index.html"));
    router.route().failureHandler(Failures::handle);

    return vertx.createHttpServer(new HttpServerOptions()
            .setPort(platform.config().httpPort())
            .setCompressionSupported(true)
            .setMaxWebSocketFrameSize(64 * 1024)
            .setMaxWebSocketMessageSize(64 * 1024))
        .requestHandler(router)
        .listen()
        .onSuccess(s -> server = s);
  }

  /** 200 while the database answers, 503 when it does not or once the node has begun to stop. */
  private void ready(RoutingContext ctx) {
    if (admission.draining()) {
      notReady(ctx, "this server is stopping");
      return;
    }
    platform.pool().query("select 1").execute()
        .timeout(Duration.ofSeconds(2).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .onSuccess(r -> Reply.ok(ctx, new JsonObject().put("status", "ready")))
        .onFailure(e -> notReady(ctx, "the database is not reachable"));
  }

  private static void notReady(RoutingContext ctx, String why) {
    Reply.json(ctx, 503, new JsonObject().put("status", "unavailable").put("error", "unavailable").put("message", why));
  }

  /** The port actually bound (useful when configured as 0). */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }
}
