package dev.parley.http;

import dev.parley.Problem;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;

/**
 * Reads the query string once, before any route does, and refuses what no route can use: a '%' not
 * followed by two hex digits (the decoder throws, which would otherwise surface as a 500), and a NUL
 * character, which PostgreSQL refuses in any text.
 */
final class QueryString {

  private QueryString() {
  }

  static void check(RoutingContext ctx) {
    MultiMap params;
    try {
      params = ctx.request().params();
    } catch (IllegalArgumentException e) {
      ctx.fail(Problem.badRequest("malformed_query",
          "the query string is not valid percent-encoding: each '%' must be followed by two hex digits"));
      return;
    }
    for (Map.Entry<String, String> p : params) {
      if (p.getKey().indexOf('\0') >= 0 || p.getValue().indexOf('\0') >= 0) {
        ctx.fail(Problem.invalid(Body.nulMessage(p.getKey().replace('\0', '?'))));
        return;
      }
    }
    ctx.next();
  }
}
