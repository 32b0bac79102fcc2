package dev.parley.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A method and path a node's router answers, written as the API description writes it
 * ({@code GET /api/threads/{id}}). {@link #ANY} with a path ending in {@code *}: a prefix handed on
 * whole, whatever the method (the browser app's files, the live bridge).
 */
public record Endpoint(String method, String path) {

  public static final String ANY = "*";

  @Override
  public String toString() {
    return method + " " + path;
  }

  /**
   * Every endpoint of the node's router and of its API router mounted at {@code /api}. On the API
   * router a route without a method is a guard in front of endpoints ({@code /admin/*}); on the node's
   * router it is something served under its path.
   */
  static List<Endpoint> of(Router root, Router api) {
    Set<Endpoint> out = new LinkedHashSet<>();
    for (Route r : root.getRoutes()) {
      if (r.getSubRouter() == api) {
        for (Route a : api.getRoutes()) {
          add(out, "/api", a);
        }
      } else if (!methods(r).isEmpty()) {
        add(out, "", r);
      } else if (r.getPath() != null) {
        out.add(new Endpoint(ANY, template(r)));
      }
    }
    return List.copyOf(out);
  }

  private static void add(Set<Endpoint> out, String prefix, Route r) {
    for (HttpMethod m : methods(r)) {
      out.add(new Endpoint(m.name(), prefix + (r.getPath() == null ? "/*" : template(r))));
    }
  }

  /** Vert.x answers null for a route of any method. */
  private static Set<HttpMethod> methods(Route r) {
    return r.methods() == null ? Set.of() : r.methods();
  }

  /** Vert.x's {@code /threads/:id} as {@code /threads/{id}}; a prefix route keeps its {@code *}. */
  private static String template(Route r) {
    String path = r.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
    return r.isExactPath() ? path : path + "*";
  }
}
