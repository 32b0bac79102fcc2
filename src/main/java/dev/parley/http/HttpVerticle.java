package dev.parley.http;

import dev.parley.Platform;
import dev.parley.Problem;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The HTTP API, the static browser app and the features' other routes (the live bridge) on one port.
 * It knows no feature: the node assembly hands it their {@link Routes}.
 */
public final class HttpVerticle extends VerticleBase {

  /** Largest JSON request body accepted by the API. */
  public static final long MAX_BODY_BYTES = 512 * 1024;

  /**
   * What the node assembly hands each HTTP verticle, made anew for each: the features' routes, the
   * session check that stands between the {@link Routes.Stage#OPEN} and {@link Routes.Stage#SIGNED_IN}
   * routes (it fails a request without a valid session), and the hook that hears of every API failure.
   */
  public record Features(List<Routes> routes, Handler<RoutingContext> sessionCheck, FailureHook failures) {
  }

  /** A bundle named by its content's hash (esbuild's {@code [name]-[hash]}), with its map and licences. */
  private static final Pattern HASHED = Pattern.compile("/[a-z]+-[A-Z0-9]{8}\\.(js|css)(\\.map|\\.LEGAL\\.txt)?");
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";

  private final Platform platform;
  private final Admission admission;
  private final Features features;
  private HttpServer server;
  private Router router;
  private Router api;

  public HttpVerticle(Platform platform, Admission admission, Features features) {
    this.platform = platform;
    this.admission = admission;
    this.features = features;
  }

  @Override
  public Future<?> start() {
    router = Router.router(vertx);
    router.route().handler(new SecurityHeaders(platform.config().publicUrl().startsWith("https:"))::handle);
    router.route().handler(RequestLog::handle);
    router.route().handler(QueryString::check);

    router.get("/health").handler(ctx -> Reply.ok(ctx, new JsonObject().put("status", "up")));
    router.get("/ready").handler(this::ready);

    api = Router.router(vertx);
    api.route().handler(admission::handle);
    mount(api, Routes.Stage.RAW_BODY);
    api.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    mount(api, Routes.Stage.OPEN);
    ApiDescription description = new ApiDescription();
    api.get(ApiDescription.PATH).handler(description);
    api.route().handler(features.sessionCheck());
    mount(api, Routes.Stage.SIGNED_IN);
    api.route().handler(ctx -> ctx.fail(Problem.notFound("endpoint")));
    api.route().failureHandler(Failures.handler(features.failures()));
    router.route("/api/*").subRouter(api);
    mount(router, Routes.Stage.ROOT);

    router.route("/*")
        .handler(HttpVerticle::cacheControl)
        .handler(StaticHandler.create("public").setCachingEnabled(true).setIndexPage("index.html"));
    router.route().failureHandler(Failures::handle);

    return description.load(vertx).compose(loaded -> vertx.createHttpServer(new HttpServerOptions()
            .setPort(platform.config().httpPort())
            .setCompressionSupported(true)
            .setMaxWebSocketFrameSize(64 * 1024)
            .setMaxWebSocketMessageSize(64 * 1024))
        .requestHandler(router)
        .listen()
        .onSuccess(s -> server = s));
  }

  /** Every method and path this verticle's router answers (the API description names each, see {@link Endpoint}). */
  public List<Endpoint> endpoints() {
    return Endpoint.of(router, api);
  }

  /**
   * The bundles' names carry a hash of their content ({@code app-<hash>.js}, see webroot/build.mjs), so a
   * browser may keep them for good; the page that names them (index.html, {@code /}) and the files that
   * keep their names from release to release are asked again on every load (answered 304 while
   * unchanged), so a new release reaches users on their next load. Set as the headers go out: only a
   * file actually found is kept for good, never a 404.
   */
  private static void cacheControl(RoutingContext ctx) {
    boolean hashed = HASHED.matcher(ctx.normalizedPath()).matches();
    ctx.addHeadersEndHandler(v -> {
      int status = ctx.response().getStatusCode();
      ctx.response().headers().set("Cache-Control", hashed && (status == 200 || status == 304) ? IMMUTABLE : "no-cache");
    });
    ctx.next();
  }

  private void mount(Router router, Routes.Stage stage) {
    for (Routes r : features.routes()) {
      if (r.stage() == stage) {
        r.mount(router);
      }
    }
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
