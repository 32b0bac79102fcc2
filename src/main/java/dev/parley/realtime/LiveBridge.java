package dev.parley.realtime;

import dev.parley.Problem;
import dev.parley.Topics;
import dev.parley.audit.Audit;
import dev.parley.audit.Refusals;
import dev.parley.auth.Sessions;
import dev.parley.auth.Tokens;
import dev.parley.auth.Viewer;
import dev.parley.events.Frames;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.Transport;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The browser's live feed: vertx-web's SockJS event-bus bridge at {@code /eventbus}, bound to the
 * API session that opened it.
 *
 * <p>Everything is refused unless this handler allows it, because the bridge's own rules have holes
 * (replies pass unchecked, an empty {@link PermittedOptions} matches everything, a required authority
 * does not stop REGISTER, the origin option guards only WebSocket):
 * <ul>
 *   <li>only the WebSocket and XHR transports are served: JSONP, htmlfile and eventsource are script
 *       or GET requests that carry the cookie without an {@code Origin}, so a page of the same site
 *       could open a socket as its visitor;</li>
 *   <li>a request from another origin is refused (403), whatever its transport;</li>
 *   <li>REGISTER is allowed only on the caller's own {@code user.<id>}: another address answers
 *       {@code access_denied}, an anonymous socket {@code not_logged_in};</li>
 *   <li>SEND and PUBLISH are always refused ({@code rejected}), so no reply path exists either;</li>
 *   <li>a delivery is checked again against the socket's own address, and a socket with more than
 *       {@value #MAX_BUFFERED_BYTES} bytes waiting on its transport is cut off rather than buffered
 *       without bound;</li>
 *   <li>once a subscription is active everywhere the socket receives {@value #SUBSCRIBED}, its cue
 *       to catch up;</li>
 *   <li>a socket is closed when its session ends: at once on logout or deactivation
 *       ({@link Topics#SESSION_ENDED}), and by a periodic check for idle timeout and lifetime;</li>
 *   <li>refusals are audited compacted (counted per source address and window by {@link Refusals}, like the API's); a socket that was handed messages leaves
 *       one {@value Audit#MESSAGES_DELIVERED} row when it closes, naming them (never their content).</li>
 * </ul>
 * One instance per HTTP verticle; each owns only the sockets its server accepted.
 */
public final class LiveBridge {

  /** Bytes a socket may have waiting to be written before it is cut off. */
  public static final int MAX_BUFFERED_BYTES = 256 * 1024;
  /** Largest body of an XHR send: the client sends only small frames (register, ping). */
  public static final int MAX_SEND_BYTES = 16 * 1024;
  /** How often open sockets are checked against their sessions (expiry, idle timeout). */
  public static final Duration SESSION_CHECK = Duration.ofSeconds(30);

  /** Type of the one frame without an id: the subscription is active, catch up now. */
  public static final String SUBSCRIBED = "live.subscribed";

  private static final Logger LOG = LoggerFactory.getLogger(LiveBridge.class);
  private static final String USER_ADDRESS =
      "user\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private static final AtomicLong CUT_OFF = new AtomicLong();
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final Pool pool;
  private final LiveAuth auth;
  private final SessionWatch watch;
  private final Refusals refusals;
  private final LiveSockets sockets = new LiveSockets(this::gone);

  public LiveBridge(Vertx vertx, Pool pool, Tokens tokens, Sessions sessions, String publicUrl, Refusals refusals) {
    this.vertx = vertx;
    this.pool = pool;
    this.auth = new LiveAuth(tokens, sessions, publicUrl);
    this.watch = new SessionWatch(pool, sessions.idle());
    this.refusals = refusals;
  }

  /**
   * The router to mount with {@code router.route("/eventbus/*").subRouter(...)}. Call from the
   * verticle that owns the HTTP server: the session listeners and checks live on its event loop.
   */
  public Router router() {
    vertx.eventBus().<JsonObject>consumer(Topics.SESSION_ENDED, m -> sessionEnded(m.body()));
    vertx.setPeriodic(SESSION_CHECK.toMillis(), id -> checkSessions());
    SockJSBridgeOptions bridge = new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(USER_ADDRESS))
        .setMaxHandlersPerSocket(1)
        // a browser pings every 5 s; a socket is closed after 30 s of silence, so a burst of load
        // (thousands of sockets connecting at once) delays pings without cutting healthy sockets off
        .setPingTimeout(PING_TIMEOUT.toMillis())
        .setMaxAddressLength(64);
    SockJSHandlerOptions options = new SockJSHandlerOptions()
        .setRegisterWriteHandler(false)
        .setInsertJSESSIONID(false)
        .addDisabledTransport(Transport.JSON_P.toString())
        .addDisabledTransport(Transport.HTML_FILE.toString())
        .addDisabledTransport(Transport.EVENT_SOURCE.toString());
    Router sockJs = SockJSHandler.create(vertx, options).bridge(bridge, this::handle);
    Router router = Router.router(vertx);
    router.route().handler(this::sameOrigin);
    // SockJS's session transports (what the browser client uses) strip Cookie from the request
    // itself before the socket is handed over, so the credentials are read while still there.
    router.route().handler(LiveAuth::keepCredentials);
    // an XHR send carries its frames as the body, which SockJS reads only through a body handler
    router.post().handler(BodyHandler.create(false).setBodyLimit(MAX_SEND_BYTES));
    router.route("/*").subRouter(sockJs);
    return router;
  }

  private void sameOrigin(RoutingContext ctx) {
    if (auth.foreignOrigin(ctx.request().headers())) {
      refused(host(ctx.request().remoteAddress()), null, "foreign_origin");
      ctx.fail(Problem.forbidden("the live connection must come from this site"));
      return;
    }
    ctx.next();
  }

  /** How many sockets this process has cut off for not reading. */
  public static long cutOffCount() {
    return CUT_OFF.get();
  }

  private void handle(BridgeEvent event) {
    SockJSSocket socket = event.socket();
    switch (event.type()) {
      case SOCKET_CREATED -> open(event, socket);
      case REGISTER -> register(event, socket);
      case RECEIVE -> deliver(event, socket);
      case SOCKET_CLOSED -> {
        sockets.remove(socket);
        event.complete(true);
      }
      case REGISTERED -> subscribed(event, socket);
      case UNREGISTER, SOCKET_PING, SOCKET_IDLE, SOCKET_ERROR -> event.complete(true);
      case SEND, PUBLISH -> {
        refused(host(socket.remoteAddress()), sockets.viewer(socket), "rejected");
        event.complete(false);
      }
      default -> event.complete(false);
    }
  }

  private void open(BridgeEvent event, SockJSSocket socket) {
    // hold the client's first frames (its REGISTER) until we know who it is
    socket.pause();
    auth.viewer(socket).onComplete(ar -> {
      sockets.add(socket, ar.result());
      event.complete(true);
      vertx.runOnContext(v -> {
        quietDisconnects(socket);
        socket.resume();
      });
    });
  }

  /**
   * Replaces the exception handler the bridge installs once the socket is accepted (which logs every
   * peer that goes away, a closed tab or a dropped network, at ERROR): a client leaving is ordinary.
   * The bridge's close handler still forgets the socket's registrations.
   */
  private static void quietDisconnects(SockJSSocket socket) {
    try {
      socket.exceptionHandler(e -> {
        if (e instanceof IOException || e instanceof HttpClosedException) {
          LOG.debug("live socket closed by the client: {}", e.toString());
        } else {
          LOG.warn("live socket failed, closing it: {}", e.toString());
          socket.close();
        }
      });
    } catch (IllegalStateException alreadyClosed) {
      LOG.debug("live socket closed by the client before it was accepted");
    }
  }

  private void register(BridgeEvent event, SockJSSocket socket) {
    Viewer viewer = sockets.viewer(socket);
    String address = event.getRawMessage() == null ? null : event.getRawMessage().getString("address");
    if (viewer == null) {
      refuse(event, socket, "not_logged_in");
    } else if (!Topics.user(viewer.userId()).equals(address)) {
      refuse(event, socket, "access_denied");
    } else {
      event.complete(true);
    }
  }

  /**
   * Tells the browser its subscription is active on every node (registration in a cluster completes
   * later than the REGISTER frame): the moment to catch up with {@code GET /api/events?after=}.
   */
  private void subscribed(BridgeEvent event, SockJSSocket socket) {
    String address = event.getRawMessage() == null ? null : event.getRawMessage().getString("address");
    LiveSocket live = sockets.get(socket);
    if (address != null && live != null) {
      live.write(Buffer.buffer(new JsonObject().put("type", "rec").put("address", address)
          .put("body", new JsonObject().put("type", SUBSCRIBED)).encode()));
    }
    event.complete(true);
  }

  /**
   * Writes an event to its socket. Every frame is written here (none by the bridge), so that the
   * socket's {@link LiveSocket#waiting() bytes waiting} count all of them. A socket that closed in
   * the meantime is no longer among the open ones and is skipped.
   */
  private void deliver(BridgeEvent event, SockJSSocket socket) {
    event.complete(false);
    LiveSocket live = sockets.get(socket);
    JsonObject envelope = event.getRawMessage();
    if (live == null || live.viewer == null || envelope == null
        || !Topics.user(live.viewer.userId()).equals(envelope.getString("address"))) {
      return;
    }
    if (live.waiting() > MAX_BUFFERED_BYTES) {
      LOG.info("live socket of user {} cut off: {} bytes waiting to be written, more than {}",
          live.viewer.userId(), live.waiting(), MAX_BUFFERED_BYTES);
      cutOff(socket);
      return;
    }
    String frame;
    if (envelope.getValue("body") instanceof String finished) {
      // an event published as its finished frame (events.Frames): written as it is, after checking
      // that it is addressed to this socket's person
      frame = finished.startsWith(Frames.prefix(live.viewer.userId())) ? finished : null;
    } else {
      envelope.remove("replyAddress");
      frame = envelope.encode();
    }
    if (frame != null) {
      live.write(Buffer.buffer(frame));
      String messageId = Frames.messageId(frame);
      if (messageId != null) {
        live.delivered(messageId);
      }
    }
  }

  /**
   * Drops a socket that does not read. A WebSocket close handshake would queue behind the data the
   * peer is not reading, so its connection is dropped outright (through Vert.x's connection class:
   * no public API discards a write queue); other transports end their SockJS session.
   */
  private void cutOff(SockJSSocket socket) {
    CUT_OFF.incrementAndGet();
    sockets.close(socket);
    var request = socket.routingContext() == null ? null : socket.routingContext().request();
    if (request != null && request.canUpgradeToWebSocket()) {
      // HttpConnection.close() is graceful (it waits for the queue to drain), and so is a close
      // through the whole channel pipeline, where Vert.x's handler turns it into a WebSocket close
      // handshake queued behind the unread data: close from the head of the pipeline instead
      if (request.connection() instanceof ConnectionBase c) {
        ChannelHandlerContext head = c.channel().pipeline().firstContext();
        if (head != null) {
          head.close();
        } else {
          c.channel().close();
        }
      } else {
        request.connection().close();
      }
    }
  }

  /** Answers the refusal in the bridge's own error frame; the bridge then adds its generic {@code rejected}. */
  private void refuse(BridgeEvent event, SockJSSocket socket, String code) {
    LiveSocket live = sockets.get(socket);
    refused(host(socket.remoteAddress()), live == null ? null : live.viewer, code);
    Buffer frame = Buffer.buffer(new JsonObject().put("type", "err").put("body", code).encode());
    if (live != null) {
      live.write(frame);
    }
    event.complete(false);
  }

  /** A socket has closed: the messages it was handed are audited in one row. */
  private void gone(LiveSocket live) {
    if (live.viewer == null || live.deliveredCount() == 0) {
      return;
    }
    Audit.log(pool, live.viewer.companyId(), live.viewer.userId(), Audit.MESSAGES_DELIVERED, null,
        Audit.messagesDelivered(live.deliveredIds(), Audit.VIA_LIVE).put("count", live.deliveredCount()),
        host(live.socket.remoteAddress()));
  }

  /** Counts a refusal of the bridge: one audit row per source address and window, not one per attempt. */
  private void refused(String address, Viewer viewer, String reason) {
    refusals.refused("address " + address, new Refusals.Entry(viewer == null ? null : viewer.companyId(),
        viewer == null ? null : viewer.userId(), Audit.LIVE_REFUSED, "/eventbus", new JsonObject().put("reason", reason), address));
  }

  private static String host(SocketAddress address) {
    return address == null ? null : address.hostAddress() != null ? address.hostAddress() : address.host();
  }

  private void sessionEnded(JsonObject body) {
    try {
      UUID userId = UUID.fromString(body.getString("userId"));
      String session = body.getString("sessionId");
      int closed = sockets.closeSession(userId, session == null ? null : UUID.fromString(session));
      if (closed > 0) {
        LOG.debug("closed {} live socket(s) of user {}: session ended", closed, userId);
      }
    } catch (RuntimeException e) {
      LOG.warn("ignored a malformed session-ended notice: {}", e.getMessage());
    }
  }

  private void checkSessions() {
    var ids = sockets.sessionIds();
    if (ids.isEmpty()) {
      return;
    }
    watch.alive(ids)
        .onSuccess(alive -> {
          int closed = sockets.closeAllBut(alive);
          if (closed > 0) {
            LOG.debug("closed {} live socket(s) whose session expired", closed);
          }
        })
        .onFailure(e -> LOG.warn("could not check the sessions of live sockets: {}", e.getMessage()));
  }
}
