package dev.parley.http;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/** Security headers for every answer, set in one place. */
public final class SecurityHeaders {

  static final String CSP = String.join("; ",
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "font-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'");

  private final boolean tls;

  public SecurityHeaders(boolean tls) {
    this.tls = tls;
  }

  public void handle(RoutingContext ctx) {
    MultiMap h = ctx.response().headers();
    h.set("Content-Security-Policy", CSP);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Cross-Origin-Opener-Policy", "same-origin");
    h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (tls) {
      h.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
    if (ctx.request().path().startsWith("/api/")) {
      h.set("Cache-Control", "no-store");
    }
    ctx.next();
  }
}
