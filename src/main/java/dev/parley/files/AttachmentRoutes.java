package dev.parley.files;

import dev.parley.Platform;
import dev.parley.Problem;
import dev.parley.audit.Audit;
import dev.parley.auth.AuthHandler;
import dev.parley.auth.Viewer;
import dev.parley.http.Admission;
import dev.parley.http.Body;
import dev.parley.http.Reply;
import dev.parley.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * {@code POST /api/attachments} (the file as the body, streamed to the store) and
 * {@code GET /api/attachments/{id}} (streamed back as a download). They read their own body, so they
 * mount before the API's JSON body handler and check the session themselves, the CSRF defence
 * included. A transfer has no fixed deadline: it is cut when no byte has moved for the request
 * timeout.
 */
public final class AttachmentRoutes implements Routes {

  public static final String FILENAME_HEADER = "X-Parley-Filename";
  /** Served as what they are only when a browser cannot run them; anything that could hold script is plain bytes. */
  private static final String[] ACTIVE = {"html", "svg", "xml", "javascript", "ecmascript"};

  private final Platform platform;
  private final AuthHandler auth;
  private final Uploads uploads;

  public AttachmentRoutes(Platform platform, AuthHandler auth, Uploads uploads) {
    this.platform = platform;
    this.auth = auth;
    this.uploads = uploads;
  }

  @Override
  public Stage stage() {
    return Stage.RAW_BODY;
  }

  @Override
  public void mount(Router api) {
    api.post("/attachments").handler(this::hold).handler(auth).handler(Reply.async(this::upload));
    api.get("/attachments/:id").handler(auth).handler(Reply.async(this::download));
  }

  /**
   * Nothing of the body is read while the session is checked (chunks arriving meanwhile wait in the
   * connection). A request answered before its body was read (refused) has the rest read and dropped,
   * so the client sees the answer, up to the size limit, after which the stream (or HTTP/1.1 connection) is reset.
   */
  private void hold(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    req.pause();
    ctx.addEndHandler(ar -> {
      if (!req.isEnded()) {
        long[] dropped = {0};
        req.exceptionHandler(e -> { });
        req.endHandler(null);
        req.handler(data -> {
          dropped[0] += data.length();
          if (dropped[0] > uploads.maxBytes()) {
            // the stream only (HTTP/2), or the connection (HTTP/1.1)
            ctx.response().reset();
          }
        });
        req.resume();
      }
    });
    ctx.next();
  }

  private Future<?> upload(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    String length = ctx.request().getHeader("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > uploads.maxBytes()) {
          throw Problem.tooLarge("the file is larger than the limit of " + uploads.maxBytes() / (1024 * 1024) + " MB");
        }
      } catch (NumberFormatException e) {
        throw Problem.invalid("Content-Length is not a number");
      }
    }
    String encoded = ctx.request().getHeader(FILENAME_HEADER);
    if (encoded == null || encoded.isBlank()) {
      throw Problem.badRequest("invalid_filename", "name the file in the " + FILENAME_HEADER + " header (percent-encoded)");
    }
    String name = FileNames.fromHeader(encoded);
    watch(ctx, () -> ctx.request().isEnded() ? -1 : ctx.request().bytesRead());
    return uploads.upload(new Uploads.Uploader(v.companyId(), v.userId(), v.address()), name, ctx.request())
        .compose(a -> Reply.created(ctx, new JsonObject().put("attachment", a.toJson())));
  }

  private Future<?> download(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    UUID id = Body.pathId(ctx, "file");
    return Attachments.visible(platform.pool(), id, v.companyId(), v.userId(), v.isStaff()).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(Problem.notFound("file"));
      }
      Attachment file = found.get().file();
      JsonObject detail = new JsonObject().put("size", file.size()).put("type", file.type());
      if (found.get().messageId() != null) {
        detail.put("messageId", found.get().messageId().toString());
      }
      return Audit.record(platform.pool(), v.companyId(), v.userId(), Audit.FILE_DOWNLOADED, id.toString(), detail, v.address())
          .compose(audited -> send(ctx, file));
    });
  }

  private Future<Void> send(RoutingContext ctx, Attachment file) {
    HttpServerResponse res = ctx.response();
    res.putHeader("Content-Type", served(file.type()))
        .putHeader("Content-Length", Long.toString(file.size()))
        .putHeader("Content-Disposition", disposition(file.name()))
        .putHeader("Content-Security-Policy", "default-src 'none'; sandbox")
        .putHeader("X-Content-Type-Options", "nosniff")
        // the length is the stored file's: no compression may change it
        .putHeader("Content-Encoding", "identity");
    watch(ctx, () -> res.ended() ? -1 : res.bytesWritten());
    return uploads.store().read(file.id(), res::write).compose(v -> res.end()).recover(e -> {
      if (!res.headWritten()) {
        return Future.failedFuture(e);
      }
      // half a file was sent: only a cut stream tells the client it is not the whole
      res.reset();
      return Future.succeededFuture();
    });
  }

  /**
   * Lifts the request's deadline and closes the connection instead when the transfer has stood still
   * for a whole request timeout ({@code progress} answers -1 once it is over).
   */
  private void watch(RoutingContext ctx, LongSupplier progress) {
    Admission.lift(ctx);
    long[] last = {-2};
    long timer = ctx.vertx().setPeriodic(platform.config().requestTimeout().toMillis(), t -> {
      long now = progress.getAsLong();
      if (now == last[0] && now >= 0) {
        ctx.response().reset();
      }
      last[0] = now;
    });
    ctx.addEndHandler(ar -> ctx.vertx().cancelTimer(timer));
  }

  static String served(String type) {
    for (String active : ACTIVE) {
      if (type.contains(active)) {
        return "application/octet-stream";
      }
    }
    return type;
  }

  /** Always a download, never shown in the page; the name as RFC 6266 says, with a plain ASCII stand-in for old clients. */
  static String disposition(String name) {
    StringBuilder ascii = new StringBuilder();
    StringBuilder encoded = new StringBuilder();
    for (char c : name.toCharArray()) {
      ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
    }
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (Character.isLetterOrDigit(c) && c < 0x80 || "!#$&+-.^_`|~".indexOf(c) >= 0) {
        encoded.append((char) c);
      } else {
        encoded.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }
}
