package dev.parley.realtime;

import dev.parley.auth.AuthHandler;
import dev.parley.auth.Sessions;
import dev.parley.auth.Tokens;
import dev.parley.auth.Viewer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import java.net.URI;

/**
 * Who opened a live socket: the same session cookie (or bearer token) as the API, checked against the
 * live session (from the node's memory of it when there, so a storm of reconnects does not become a
 * query per socket). Opening a socket does not count as using the session. Unlike
 * {@link AuthHandler#authenticate} it never touches the HTTP response, which a WebSocket upgrade or a
 * streaming transport has already sent.
 */
final class LiveAuth {

  private final Tokens tokens;
  private final Sessions sessions;
  private final String publicOrigin;

  LiveAuth(Tokens tokens, Sessions sessions, String publicUrl) {
    this.tokens = tokens;
    this.sessions = sessions;
    this.publicOrigin = origin(publicUrl);
  }

  /** The viewer behind the socket, or null when it carries no live session. */
  Future<Viewer> viewer(SockJSSocket socket) {
    String token = token(socket);
    if (token == null) {
      return Future.succeededFuture(null);
    }
    return tokens.verify(token)
        .compose(claims -> sessions.find(claims.sessionId()).map(live -> live == null
            || !live.viewer().userId().equals(claims.userId())
            || !live.viewer().companyId().equals(claims.companyId()) ? null : live.viewer()))
        .otherwise((Viewer) null);
  }

  /**
   * A request from another site: its {@code Origin} is neither the public address nor the request's
   * own host. Checked on every request of the bridge, whatever its transport (the SockJS
   * {@code origin} option alone guards only the WebSocket ones); browsers send {@code Origin} with
   * WebSocket handshakes and with the XHR transports' POSTs.
   */
  boolean foreignOrigin(MultiMap headers) {
    String origin = headers.get("Origin");
    if (origin == null || origin.equals(publicOrigin)) {
      return false;
    }
    String host = headers.get("Host");
    return host == null || !(origin.equals("http://" + host) || origin.equals("https://" + host));
  }

  private static final String KEPT_TOKEN = "parley.live.token";

  /** Notes the request's bearer token or session cookie for {@link #token} before SockJS strips it. */
  static void keepCredentials(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    Cookie cookie = ctx.request().getCookie(AuthHandler.COOKIE);
    String token = auth != null
        ? (auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null)
        : cookie == null ? null : cookie.getValue();
    if (token != null) {
      ctx.put(KEPT_TOKEN, token);
    }
    ctx.next();
  }

  private static String token(SockJSSocket socket) {
    if (socket.routingContext() == null) {
      return null;
    }
    String kept = socket.routingContext().get(KEPT_TOKEN);
    if (kept != null) {
      return kept;
    }
    String auth = headers(socket).get("Authorization");
    if (auth != null) {
      return auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
    }
    Cookie c = socket.routingContext().request().getCookie(AuthHandler.COOKIE);
    return c == null ? null : c.getValue();
  }

  /**
   * The headers of the request that opened the socket. Not {@link SockJSSocket#headers()}: SockJS
   * hands out a copy without Cookie and Authorization (and may strip them from the request).
   */
  private static MultiMap headers(SockJSSocket socket) {
    return socket.routingContext() == null ? MultiMap.caseInsensitiveMultiMap()
        : socket.routingContext().request().headers();
  }

  private static String origin(String url) {
    URI u = URI.create(url);
    return u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort());
  }
}
