package dev.parley.auth;

import dev.parley.ClientAddress;
import dev.parley.Problem;
import dev.parley.logs.RequestFields;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.util.Set;

/**
 * Authenticates every API request by the bearer token or the session cookie, checks the session
 * is still alive (from the node's memory of it when the database vouched for it moments ago, see
 * {@link Sessions}), and applies the CSRF defence to cookie-authenticated writes: such a request must
 * carry the header {@value #CSRF_HEADER} and, when the browser sends an Origin, come from our own
 * origin. A cross-site form can do neither.
 */
public final class AuthHandler implements Handler<RoutingContext> {

  public static final String COOKIE = "parley_session";
  public static final String CSRF_HEADER = "X-Parley-CSRF";
  /** Where an authenticated request keeps its viewer. */
  public static final String VIEWER = "parley.viewer";
  /** Where a request refused here keeps why (for the audit log, see {@link RefusalAudit}). */
  static final String REFUSAL = "parley.refusal";
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  /** What a session that must first enrol a second factor may reach (signing out asks no session check). */
  private static final Set<String> ENROLMENT = Set.of("GET /api/me", "POST /api/me/totp", "POST /api/me/totp/confirm",
      "POST /api/auth/logout");
  /** Set on a request whose session may only enrol a second factor. */
  static final String ENROL_ONLY = "parley.enrolOnly";

  private final Tokens tokens;
  private final Sessions sessions;
  private final String publicOrigin;
  private final boolean secureCookie;

  public AuthHandler(Tokens tokens, Sessions sessions, String publicUrl) {
    this.tokens = tokens;
    this.sessions = sessions;
    this.publicOrigin = origin(publicUrl);
    this.secureCookie = publicUrl.startsWith("https:");
  }

  /** The viewer of an authenticated request. */
  public static Viewer viewer(RoutingContext ctx) {
    Viewer v = ctx.get(VIEWER);
    if (v == null) {
      throw Problem.unauthorized();
    }
    return v;
  }

  @Override
  public void handle(RoutingContext ctx) {
    authenticate(ctx).onSuccess(v -> {
      ctx.put(VIEWER, v);
      ctx.next();
    }).onFailure(ctx::fail);
  }

  /** Resolves the viewer of a request, acting from the request's client address. */
  public Future<Viewer> authenticate(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    String token;
    boolean byCookie;
    if (auth != null) {
      if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return refuse(ctx, "malformed", Problem.unauthorized());
      }
      token = auth.substring(7).trim();
      byCookie = false;
    } else {
      Cookie c = ctx.request().getCookie(COOKIE);
      if (c == null) {
        return refuse(ctx, "missing", Problem.unauthorized());
      }
      token = c.getValue();
      byCookie = true;
    }
    if (byCookie && !SAFE.contains(ctx.request().method())) {
      Problem csrf = checkCsrf(ctx);
      if (csrf != null) {
        return refuse(ctx, "csrf", csrf);
      }
    }
    return tokens.verify(token).recover(e -> refuse(ctx, "invalid_token", e))
        .compose(claims -> sessions.findAny(claims.sessionId()).compose(live -> {
          if (live == null || !live.viewer().userId().equals(claims.userId())
              || !live.viewer().companyId().equals(claims.companyId())) {
            return refuse(ctx, "session_ended", Problem.unauthorized());
          }
          if (live.enrolOnly() && !ENROLMENT.contains(ctx.request().method() + " " + ctx.request().path())) {
            return Future.failedFuture(new Problem(403, "totp_enrolment_required",
                "your company requires two-factor sign-in: set it up on the account screen first"));
          }
          if (live.enrolOnly()) {
            ctx.put(ENROL_ONLY, true);
          }
          sessions.seen(live);
          if (byCookie && shouldRefresh(claims)) {
            Viewer v = live.viewer();
            setCookie(ctx, tokens.issue(v.userId(), v.companyId(), v.role(), v.sessionId()));
          }
          RequestFields.signedIn(live.viewer().userId());
          return Future.succeededFuture(live.viewer().from(clientAddress(ctx)));
        }));
  }

  /** The address of the client at the other end of the connection (no proxy is trusted to name another). */
  public static String clientAddress(RoutingContext ctx) {
    String address = ClientAddress.of(ctx.request().remoteAddress());
    return address == null ? "unknown" : address;
  }

  private static <T> Future<T> refuse(RoutingContext ctx, String reason, Throwable failure) {
    ctx.put(REFUSAL, reason);
    return Future.failedFuture(failure);
  }

  private boolean shouldRefresh(Tokens.Claims claims) {
    long age = System.currentTimeMillis() / 1000 - claims.issuedAt();
    return age > tokens.lifetime().toSeconds() / 3;
  }

  private Problem checkCsrf(RoutingContext ctx) {
    if (ctx.request().getHeader(CSRF_HEADER) == null) {
      return Problem.forbidden("cookie-authenticated writes need the " + CSRF_HEADER + " header");
    }
    return foreignOrigin(ctx) ? Problem.forbidden("cross-origin request refused") : null;
  }

  /**
   * Whether the request names an Origin other than ours. Browsers send Origin on every cross-origin
   * POST, so a page elsewhere (even on a sibling subdomain of the same site) is caught; a request
   * without one (curl, an API client) has no victim's browser behind it.
   */
  boolean foreignOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    return origin != null && !origin.equals(publicOrigin) && !origin.equals(requestOrigin(ctx));
  }

  private static String requestOrigin(RoutingContext ctx) {
    String host = ctx.request().getHeader("Host");
    return host == null ? null : (ctx.request().isSSL() ? "https://" : "http://") + host;
  }

  private static String origin(String url) {
    URI u = URI.create(url);
    return u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort());
  }

  /** Sets the session cookie: HttpOnly, SameSite=Strict, Secure when served over TLS. */
  public void setCookie(RoutingContext ctx, String token) {
    ctx.response().addCookie(Cookie.cookie(COOKIE, token)
        .setPath("/")
        .setHttpOnly(true)
        .setSecure(secureCookie)
        .setSameSite(CookieSameSite.STRICT)
        .setMaxAge(sessions.maxLifetime().toSeconds()));
  }

  public void clearCookie(RoutingContext ctx) {
    ctx.response().addCookie(Cookie.cookie(COOKIE, "")
        .setPath("/")
        .setHttpOnly(true)
        .setSecure(secureCookie)
        .setSameSite(CookieSameSite.STRICT)
        .setMaxAge(0));
  }

  public Tokens tokens() {
    return tokens;
  }

  public Sessions sessions() {
    return sessions;
  }
}
