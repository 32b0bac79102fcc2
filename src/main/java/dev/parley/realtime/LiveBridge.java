package dev.parley.realtime;

import dev.parley.ClientAddress;
import dev.parley.Problem;
import dev.parley.Topics;
import dev.parley.audit.Audit;
import dev.parley.audit.Refusals;
import dev.parley.auth.Sessions;
import dev.parley.auth.Tokens;
import dev.parley.auth.Viewer;
import dev.parley.events.Event;
import dev.parley.events.Published;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.Transport;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The browser's live feed at {@code /eventbus}: the Vert.x event-bus bridge protocol (SockJS frames
 * of JSON: {@code register}, {@code unregister}, {@code ping} in; {@code rec} and {@code err} out),
 * served by Parley itself on top of SockJS so that a socket costs no event-bus registration: the
 * node's {@link LiveHub} receives each write's change once and hands it here, and the bridge writes
 * it to the sockets of the people it concerns, projected for each.
 *
 * <p>Everything is refused unless this class allows it:
 * <ul>
 *   <li>only the WebSocket and XHR transports are served: JSONP, htmlfile and eventsource are script
 *       or GET requests that carry the cookie without an {@code Origin}, so a page of the same site
 *       could open a socket as its visitor;</li>
 *   <li>a request from another origin is refused (403), whatever its transport;</li>
 *   <li>REGISTER is allowed only on the caller's own {@code user.<id>}: another address answers
 *       {@code access_denied}, an anonymous socket {@code not_logged_in} (each followed by
 *       {@code rejected}, as the Vert.x bridge answers);</li>
 *   <li>SEND and PUBLISH are always refused ({@code rejected}): nothing goes in;</li>
 *   <li>a socket with more than {@value #MAX_BUFFERED_BYTES} bytes waiting on its transport is cut off
 *       rather than buffered without bound;</li>
 *   <li>once registered the socket receives {@value #SUBSCRIBED}, its cue to catch up (the node's
 *       registration is active cluster-wide from the start), and again whenever another node leaves
 *       the cluster ({@link Topics#NODE_LEFT}): a change it committed but had not published yet is
 *       found only by catching up;</li>
 *   <li>a socket silent (no ping) for {@code PING_TIMEOUT} is closed;</li>
 *   <li>when the node stops, new sockets are refused (503) and each open one is told
 *       {@value #DRAINING}, then closed if it has not gone within the drain's patience
 *       ({@link LiveHub#drain});</li>
 *   <li>a socket is closed when its session ends: at once on logout or deactivation
 *       ({@link Topics#SESSION_ENDED}), and by a periodic check for idle timeout and lifetime;</li>
 *   <li>refusals are audited compacted (counted per source address and window by {@link Refusals}, like the API's); a socket that was handed messages leaves
 *       one {@value Audit#MESSAGES_DELIVERED} row when it closes, naming them (never their content).</li>
 * </ul>
 * One instance per HTTP verticle; each owns only the sockets its server accepted, touched only on its
 * event loop.
 */
public final class LiveBridge {

  /** Bytes a socket may have waiting to be written before it is cut off. */
  public static final int MAX_BUFFERED_BYTES = 256 * 1024;
  /** Largest body of an XHR send: the client sends only small frames (register, ping). */
  public static final int MAX_SEND_BYTES = 16 * 1024;
  /** How often open sockets are checked against their sessions (expiry, idle timeout). */
  public static final Duration SESSION_CHECK = Duration.ofSeconds(30);

  /** Type of a body without an id: the subscription is active, catch up now. */
  public static final String SUBSCRIBED = "live.subscribed";
  /** Type of a body without an id: this node is stopping, connect again (to another node) now and catch up. */
  public static final String DRAINING = "server.draining";
  /**
   * WebSocket close status of the sockets a stopping node closes itself: 1012, "service restart"
   * (SockJS sessions end with SockJS's own 3000 "Go away!", the only close it sends).
   */
  public static final int DRAINING_CLOSE_STATUS = 1012;

  private static final Logger LOG = LoggerFactory.getLogger(LiveBridge.class);

  private static final AtomicLong CUT_OFF = new AtomicLong();
  /** A browser pings every 5 s; a burst of load that delays pings must not cut healthy sockets off. */
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_ADDRESS_LENGTH = 64;
  private static final byte FRAME_END = '}';

  private final Vertx vertx;
  private final Pool pool;
  private final LiveAuth auth;
  private final SessionWatch watch;
  private final Refusals refusals;
  private final LiveHub hub;
  private final LiveSockets sockets;
  /** Set once the node stops: completes when this bridge's sockets are gone. */
  private Promise<LiveHub.Drained> drained;
  private int told;
  private int closedAtOnce;
  private long drainTimer = -1;

  public LiveBridge(Vertx vertx, Pool pool, Tokens tokens, Sessions sessions, String publicUrl, Refusals refusals, LiveHub hub) {
    this.vertx = vertx;
    this.pool = pool;
    this.auth = new LiveAuth(tokens, sessions, publicUrl);
    this.watch = new SessionWatch(pool, sessions.idle());
    this.refusals = refusals;
    this.hub = hub;
    this.sockets = new LiveSockets(this::gone, hub::counted, hub.metrics().lost());
  }

  /**
   * The router to mount with {@code router.route("/eventbus/*").subRouter(...)}. Call from the
   * verticle that owns the HTTP server: the sockets, listeners and checks live on its event loop.
   */
  public Router router() {
    Context context = vertx.getOrCreateContext();
    hub.add(context, this::deliver, this::catchUpAll, this::drain);
    vertx.eventBus().<JsonObject>consumer(Topics.SESSION_ENDED, m -> sessionEnded(m.body()));
    vertx.setPeriodic(SESSION_CHECK.toMillis(), id -> checkSessions());
    vertx.setPeriodic(PING_TIMEOUT.toMillis() / 6, id -> closeSilent());
    SockJSHandlerOptions options = new SockJSHandlerOptions()
        .setRegisterWriteHandler(false)
        .setInsertJSESSIONID(false)
        .addDisabledTransport(Transport.JSON_P.toString())
        .addDisabledTransport(Transport.HTML_FILE.toString())
        .addDisabledTransport(Transport.EVENT_SOURCE.toString());
    Router sockJs = SockJSHandler.create(vertx, options).socketHandler(this::open);
    Router router = Router.router(vertx);
    router.route().handler(this::sameOrigin);
    router.route().handler(this::admit);
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

  /**
   * A stopping node opens no new socket: the SockJS handshake ({@code /info}) and every WebSocket
   * upgrade answer 503, so that the client connects again, through the balancer, to another node.
   * Requests of sockets already open (an XHR session's polls and sends) still pass: they carry the
   * word to leave.
   */
  private void admit(RoutingContext ctx) {
    if (hub.draining() && (ctx.request().canUpgradeToWebSocket() || ctx.normalizedPath().endsWith("/info"))) {
      ctx.response().putHeader("Retry-After", "1").putHeader("Connection", "close");
      ctx.fail(Problem.unavailable("this server is stopping; connect to another one"));
      return;
    }
    ctx.next();
  }

  /** How many sockets this process has cut off for not reading. */
  public static long cutOffCount() {
    return CUT_OFF.get();
  }

  private void open(SockJSSocket socket) {
    if (hub.draining()) {
      // an XHR session whose handshake came before the drain: it goes elsewhere at once
      socket.close(DRAINING_CLOSE_STATUS, DRAINING);
      return;
    }
    // hold the client's first frames (its REGISTER) until we know who it is
    socket.pause();
    Context context = vertx.getOrCreateContext();
    auth.viewer(socket).onComplete(ar -> context.runOnContext(v -> {
      LiveSocket live = sockets.add(socket, ar.succeeded() ? ar.result() : null);
      try {
        socket.handler(frame -> received(live, frame));
        socket.closeHandler(x -> sockets.remove(socket));
        socket.exceptionHandler(e -> {
          if (e instanceof IOException || e instanceof HttpClosedException) {
            LOG.debug("live socket closed by the client: {}", e.toString());
          } else {
            LOG.warn("live socket failed, closing it: {}", e.toString());
            sockets.close(socket);
          }
        });
        socket.resume();
      } catch (IllegalStateException alreadyClosed) {
        LOG.debug("live socket closed by the client before it was accepted");
        sockets.remove(socket);
      }
    }));
  }

  /** A frame from the client, in the bridge's protocol. */
  private void received(LiveSocket live, Buffer data) {
    if (sockets.get(live.socket) != live) {
      return;
    }
    JsonObject msg;
    try {
      msg = new JsonObject(data.toString());
    } catch (DecodeException e) {
      error(live, "invalid_json");
      return;
    }
    String type = msg.getValue("type") instanceof String t ? t : null;
    if (type == null) {
      error(live, "missing_type");
      return;
    }
    if (type.equals("ping")) {
      live.pinged(System.nanoTime());
      return;
    }
    String address = msg.getValue("address") instanceof String a ? a : null;
    if (address == null) {
      error(live, "missing_address");
      return;
    }
    switch (type) {
      case "register" -> register(live, address);
      case "unregister" -> {
        if (live.viewer != null && Topics.user(live.viewer.userId()).equals(address)) {
          sockets.unregister(live);
        } else {
          refuse(live, "access_denied");
        }
      }
      case "send", "publish" -> {
        refused(host(live.socket.remoteAddress()), live.viewer, "rejected");
        error(live, "rejected");
      }
      default -> error(live, "invalid_type");
    }
  }

  private void register(LiveSocket live, String address) {
    if (address.length() > MAX_ADDRESS_LENGTH) {
      error(live, "max_address_length_reached");
    } else if (live.viewer == null) {
      refuse(live, "not_logged_in");
    } else if (!Topics.user(live.viewer.userId()).equals(address)) {
      refuse(live, "access_denied");
    } else {
      sockets.register(live);
      // the node's registration is active everywhere since it started: catch up now
      catchUp(live);
    }
  }

  /** Cues a registered socket to catch up: {@value #SUBSCRIBED} on its own address. */
  private static void catchUp(LiveSocket live) {
    cue(live, SUBSCRIBED);
  }

  /** A body without an id, of this type, on the socket's own address. */
  private static void cue(LiveSocket live, String type) {
    live.write(Buffer.buffer(new JsonObject().put("type", "rec").put("address", Topics.user(live.viewer.userId()))
        .put("body", new JsonObject().put("type", type)).encode()));
  }

  /**
   * The node is stopping: each registered socket is told {@value #DRAINING} (the browser reconnects
   * at once, through the balancer, to a node that is ready, and catches up from its cursor), a
   * socket not registered yet is closed now, and those still open after {@code patience} are closed.
   * Completes once this bridge has no socket left.
   */
  private Future<LiveHub.Drained> drain(Duration patience) {
    if (drained != null) {
      return drained.future();
    }
    drained = Promise.promise();
    for (LiveSocket live : sockets.all()) {
      if (live.registered) {
        cue(live, DRAINING);
        told++;
      } else {
        sockets.close(live.socket, DRAINING_CLOSE_STATUS, DRAINING);
        closedAtOnce++;
      }
    }
    if (sockets.size() == 0) {
      drained.tryComplete(new LiveHub.Drained(told, told, closedAtOnce));
    } else {
      drainTimer = vertx.setTimer(Math.max(1, patience.toMillis()), id -> {
        drainTimer = -1;
        int stayed = sockets.size();
        sockets.all().forEach(live -> sockets.close(live.socket, DRAINING_CLOSE_STATUS, DRAINING));
        drained.tryComplete(new LiveHub.Drained(told, told - stayed, closedAtOnce + stayed));
      });
    }
    return drained.future();
  }

  /** Every registered socket of this bridge catches up (another node left: its last changes may not have come). */
  private void catchUpAll() {
    sockets.registered().forEach(LiveBridge::catchUp);
  }

  /**
   * Writes a change to the sockets on this bridge of the people it concerns, each projected for its
   * person; an event shared by several people (the staff's) is encoded once.
   */
  private void deliver(Published change) {
    Map<Object, Buffer> encoded = change.once("frames", c -> new ConcurrentHashMap<>());
    for (UUID person : change.change().audience()) {
      List<LiveSocket> theirs = sockets.of(person);
      if (theirs == null) {
        continue;
      }
      byte[] head = frameHead(person);
      for (LiveSocket live : List.copyOf(theirs)) {
        List<Event> events = hub.projection().events(change, person, live.viewer.isStaff());
        for (Event e : events) {
          if (live.waiting() > MAX_BUFFERED_BYTES) {
            LOG.info("live socket of user {} cut off: {} bytes waiting to be written, more than {}",
                live.viewer.userId(), live.waiting(), MAX_BUFFERED_BYTES);
            hub.metrics().cutOff();
            cutOff(live.socket);
            break;
          }
          Buffer body = encoded.computeIfAbsent(new Identity(e), k -> e.toJson().toBuffer());
          live.write(Buffer.buffer(head.length + body.length() + 1).appendBytes(head).appendBuffer(body).appendByte(FRAME_END));
          hub.metrics().delivered(change);
          if (Event.MESSAGE_CREATED.equals(e.type())) {
            live.delivered(e.data().getString("id"));
          }
        }
      }
    }
  }

  /**
   * The start of a {@code rec} frame to the person, up to its body: {@code {"type":"rec","address":"user.<id>","body":}.
   * A frame is put together from bytes, its body encoded to UTF-8 once for everyone it goes to: building
   * each frame as a string and encoding it whole cost a tenth of the node's CPU (text beyond Latin-1,
   * an ellipsis is enough, takes String's slow UTF-8 path).
   */
  private static byte[] frameHead(UUID person) {
    return ("{\"type\":\"rec\",\"address\":\"" + Topics.USER_PREFIX + person + "\",\"body\":").getBytes(StandardCharsets.UTF_8);
  }

  /** A key that compares events by identity: one event object shared by many people is encoded once. */
  private record Identity(Event event) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Identity other && other.event == event;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(event);
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

  /** Answers a refusal the way the Vert.x bridge does: the reason, then its generic {@code rejected}. */
  private void refuse(LiveSocket live, String code) {
    refused(host(live.socket.remoteAddress()), live.viewer, code);
    error(live, code);
    error(live, "rejected");
  }

  private static void error(LiveSocket live, String code) {
    live.write(Buffer.buffer(new JsonObject().put("type", "err").put("body", code).encode()));
  }

  /** Closes sockets that have not pinged for {@code PING_TIMEOUT}. */
  private void closeSilent() {
    long now = System.nanoTime();
    int closed = sockets.closeSilentSince(now - PING_TIMEOUT.toNanos());
    if (closed > 0) {
      LOG.debug("closed {} live socket(s) that stopped pinging", closed);
    }
  }

  /** A socket has closed: the messages it was handed are audited in one row; a drain ends with the last one. */
  private void gone(LiveSocket live) {
    if (drained != null && sockets.size() == 0 && drainTimer != -1 && vertx.cancelTimer(drainTimer)) {
      drainTimer = -1;
      drained.tryComplete(new LiveHub.Drained(told, told, closedAtOnce));
    }
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
    return ClientAddress.of(address);
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
