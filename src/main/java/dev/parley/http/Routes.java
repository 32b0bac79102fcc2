package dev.parley.http;

import io.vertx.ext.web.Router;

/**
 * A feature's HTTP endpoints: all that {@link HttpVerticle} sees of a feature. The node assembly lists
 * them; each HTTP verticle mounts its own set, at their {@link #stage()}, in the order listed.
 */
public interface Routes {

  /** Where on the node's router routes go; the stages are mounted in this order. */
  enum Stage {
    /** On the API router, before its JSON body limit and the session check: routes that read their own body. */
    RAW_BODY,
    /** On the API router, behind the JSON body limit and before the session check. */
    OPEN,
    /** On the API router, behind the session check: everything a signed-in person does. */
    SIGNED_IN,
    /** On the node's own router beside {@code /api}, before the browser app's files. */
    ROOT
  }

  /**
   * Mounts the routes on {@code router}: the API router (paths relative to {@code /api}), or the node's
   * own for {@link Stage#ROOT}. Called from the HTTP verticle's start, on its event loop.
   */
  void mount(Router router);

  /** Where the routes go; most serve a signed-in person. */
  default Stage stage() {
    return Stage.SIGNED_IN;
  }
}
