package dev.parley.realtime;

import dev.parley.Topics;
import dev.parley.auth.Sessions;
import dev.parley.auth.Tokens;
import dev.parley.auth.Viewer;
import dev.parley.events.Frames;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
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
 *   <li>a socket from another origin is closed at once, whatever its transport;</li>
 *   <li>REGISTER is allowed only on the caller's own {@code user.<id>}: another address answers
 *       {@code access_denied}, an anonymous socket {@code not_logged_in};</li>
 *   <li>SEND and PUBLISH are always refused ({@code rejected}), so no reply path exists either;</li>
 *   <li>a delivery is checked again against the socket's own address, and a socket whose write
 *       queue is full is cut off rather than buffered without bound;</li>
 *   <li>once a subscription is active everywhere the socket receives {@value #SUBSCRIBED}, its cue
 *       to catch up;</li>
 *   <li>a socket is closed when its session ends: at once on logout or deactivation
 *       ({@link Topics#SESSION_ENDED}), and by a periodic check for idle timeout and lifetime.</li>
 * </ul>
 * One instance per HTTP verticle; each owns only the sockets its server accepted.
 */
public final class LiveBridge {

  /** Bytes a socket may have waiting to be written before it is cut off. */
  public static final int MAX_BUFFERED_BYTES = 256 * 1024;
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
  private final LiveAuth auth;
  private final SessionWatch watch;
  private final LiveSockets sockets = new LiveSockets();

  public LiveBridge(Vertx vertx, Pool pool, Tokens tokens, Sessions sessions, String publicUrl) {
    this.vertx = vertx;
    this.auth = new LiveAuth(tokens, sessions, publicUrl);
    this.watch = new SessionWatch(pool, sessions.idle());
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
        .setInsertJSESSIONID(false);
    Router sockJs = SockJSHandler.create(vertx, options).bridge(bridge, this::handle);
    // SockJS's session transports (what the browser client uses) strip Cookie from the request
    // itself before the socket is handed over, so the credentials are read while still there.
    Router router = Router.router(vertx);
    router.route().handler(LiveAuth::keepCredentials);
    router.route("/*").subRouter(sockJs);
    return router;
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
      default -> event.complete(false);
    }
  }

  private void open(BridgeEvent event, SockJSSocket socket) {
    if (auth.foreignOrigin(socket)) {
      event.complete(false);
      return;
    }
    socket.setWriteQueueMaxSize(MAX_BUFFERED_BYTES);
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
  private static void subscribed(BridgeEvent event, SockJSSocket socket) {
    String address = event.getRawMessage() == null ? null : event.getRawMessage().getString("address");
    if (address != null) {
      socket.write(Buffer.buffer(new JsonObject().put("type", "rec").put("address", address)
          .put("body", new JsonObject().put("type", SUBSCRIBED)).encode()));
    }
    event.complete(true);
  }

  private void deliver(BridgeEvent event, SockJSSocket socket) {
    Viewer viewer = sockets.viewer(socket);
    JsonObject envelope = event.getRawMessage();
    if (viewer == null || envelope == null || !Topics.user(viewer.userId()).equals(envelope.getString("address"))) {
      event.complete(false);
      return;
    }
    if (socket.writeQueueFull()) {
      LOG.info("live socket of user {} cut off: more than {} bytes waiting to be written",
          viewer.userId(), MAX_BUFFERED_BYTES);
      cutOff(socket);
      event.complete(false);
      return;
    }
    if (envelope.getValue("body") instanceof String frame) {
      // an event published as its finished frame (events.Frames): written as it is, after checking
      // that it is addressed to this socket's person; the bridge is told not to encode it again
      if (frame.startsWith(Frames.prefix(viewer.userId()))) {
        socket.write(Buffer.buffer(frame));
      }
      event.complete(false);
      return;
    }
    envelope.remove("replyAddress");
    event.complete(true);
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
      // HttpConnection.close() is graceful (it waits for the queue to drain): reset the channel instead
      if (request.connection() instanceof ConnectionBase c) {
        c.channel().close();
      } else {
        request.connection().close();
      }
    }
  }

  /** Answers the refusal in the bridge's own error frame; the bridge then adds its generic {@code rejected}. */
  private static void refuse(BridgeEvent event, SockJSSocket socket, String code) {
    socket.write(Buffer.buffer(new JsonObject().put("type", "err").put("body", code).encode()));
    event.complete(false);
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
