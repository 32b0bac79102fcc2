package dev.parley.http;

import dev.parley.Problem;
import io.vertx.ext.web.RoutingContext;

/** Hears of every failure the API answers, with the problem it is answered with, before the client does. */
@FunctionalInterface
public interface FailureHook {

  void answered(RoutingContext ctx, Problem problem);
}
