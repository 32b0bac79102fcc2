package dev.parley.realtime;

import dev.parley.Platform;
import dev.parley.http.Routes;
import io.vertx.ext.web.Router;

/** The live bridge at {@code /eventbus}, beside the API; one per HTTP verticle, owning the sockets its server accepts. */
public final class LiveRoutes implements Routes {

  private final LiveBridge bridge;

  public LiveRoutes(Platform platform) {
    this.bridge = new LiveBridge(platform.vertx(), platform.pool(), platform.tokens(), platform.sessions(),
        platform.config().publicUrl(), platform.refusals(), platform.live());
  }

  @Override
  public Stage stage() {
    return Stage.ROOT;
  }

  @Override
  public void mount(Router root) {
    root.route("/eventbus/*").subRouter(bridge.router());
  }
}
