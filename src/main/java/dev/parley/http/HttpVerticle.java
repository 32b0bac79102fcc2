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
import dev.parley.realtime.LiveBridge;
import dev.parley.settings.SettingsRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

import java.time.Duration;

/** The HTTP API, the static browser app and the live bridge on one port. */
public final class HttpVerticle extends VerticleBase {

  /** Largest JSON request body accepted by the API. */
  public static final long MAX_BODY_BYTES = 512 * 1024;

  private final Platform platform;
  private HttpServer server;

  public HttpVerticle(Platform platform) {
    this.platform = platform;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(new SecurityHeaders(platform.config().publicUrl().startsWith("https:"))::handle);
    router.route().handler(RequestLog::handle);

    router.get("/health").handler(ctx -> Reply.ok(ctx, new JsonObject().put("status", "up")));
    router.get("/ready").handler(ctx -> platform.pool().query("select 1").execute()
        .timeout(Duration.ofSeconds(2).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .onSuccess(r -> Reply.ok(ctx, new JsonObject().put("status", "ready")))
        .onFailure(e -> Reply.json(ctx, 503, new JsonObject().put("status", "unavailable")
            .put("error", "unavailable").put("message", "the database is not reachable"))));

    Sessions sessions = platform.sessions();
    AuthHandler auth = new AuthHandler(platform.tokens(), sessions, platform.config().publicUrl());

    Router api = Router.router(vertx);
    new InboundRoutes(platform).mount(api);
    api.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    new AuthRoutes(platform, auth).mount(api);
    api.route().handler(auth);
    new DirectoryRoutes(platform).mount(api);
    new MessagingRoutes(platform, new MessagingService(platform)).mount(api);
    new CannedResponses(platform).mount(api);
    new SettingsRoutes(platform).mount(api);
    api.route().handler(ctx -> ctx.fail(dev.parley.Problem.notFound("endpoint")));
    api.route().failureHandler(Failures.handler(new RefusalAudit(platform.refusals())));
    router.route("/api/*").subRouter(api);

    LiveBridge live = new LiveBridge(vertx, platform.pool(), platform.tokens(), sessions, platform.config().publicUrl());
    router.route("/eventbus/*").subRouter(live.router());

    router.route("/*").handler(StaticHandler.create("public").setCachingEnabled(true).setIndexPage("index.html"));
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

  /** The port actually bound (useful when configured as 0). */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }
}
