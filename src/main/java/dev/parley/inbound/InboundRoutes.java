package dev.parley.inbound;

import dev.parley.Platform;
import dev.parley.Problem;
import dev.parley.http.Reply;
import dev.parley.http.Routes;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.Locale;

/**
 * {@code POST /api/inbound/email}: a raw RFC 822 message ({@code message/rfc822}) from an MTA pipe or a
 * mail provider, authenticated by {@link WebhookSignature} rather than a session. Answers 202 once the
 * email has been taken (posted, recognised as a duplicate, dropped or refused), 400 when it cannot be
 * read, 401 for a bad or stale signature, 409 for a replayed one, 503 when it should be sent again later.
 */
public final class InboundRoutes implements Routes {

  private final Platform platform;
  private final Ingest ingest;
  private final WebhookSignature signature;

  public InboundRoutes(Platform platform) {
    this.platform = platform;
    this.ingest = new Ingest(platform);
    this.signature = new WebhookSignature(platform.secrets().inboundWebhook());
  }

  /** Before the session check and the API's JSON body limit: this route reads its own body. */
  @Override
  public Stage stage() {
    return Stage.RAW_BODY;
  }

  @Override
  public void mount(Router api) {
    api.post("/inbound/email")
        .handler(BodyHandler.create(false).setBodyLimit(MimeReader.MAX_RAW_BYTES))
        .handler(Reply.async(this::accept));
  }

  private Future<?> accept(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("message/rfc822")) {
      throw new Problem(415, "unsupported_media_type", "send the raw email as message/rfc822");
    }
    String timestamp = ctx.request().getHeader(WebhookSignature.TIMESTAMP_HEADER);
    String given = ctx.request().getHeader(WebhookSignature.SIGNATURE_HEADER);
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    long sent;
    try {
      sent = Long.parseLong(timestamp == null ? "" : timestamp.trim());
    } catch (NumberFormatException e) {
      throw new Problem(401, "bad_signature", "missing or malformed " + WebhookSignature.TIMESTAMP_HEADER);
    }
    long now = platform.clock().millis() / 1000;
    if (Math.abs(now - sent) > WebhookSignature.MAX_SKEW_SECONDS) {
      throw new Problem(401, "stale_request", "the timestamp is more than " + WebhookSignature.MAX_SKEW_SECONDS
          + " seconds away from our clock");
    }
    if (!signature.matches(timestamp.trim(), body, given)) {
      throw new Problem(401, "bad_signature", "the signature does not match");
    }
    if (body.length == 0) {
      throw Problem.invalid("the body is empty");
    }
    String seen = given.toLowerCase(Locale.ROOT);
    return InboundStore.firstSighting(platform.pool(), seen, (int) (2 * WebhookSignature.MAX_SKEW_SECONDS))
        .compose(first -> first
            ? ingest.accept(body, Ingest.Channel.WEBHOOK).compose(outcome -> answer(ctx, outcome),
                e -> InboundStore.forgetSignature(platform.pool(), seen).transform(v -> Future.failedFuture(e)))
            : Future.failedFuture(Problem.conflict("replayed", "this request was already received")))
        .recover(e -> e instanceof Problem p && (p.status() == 503 || p.status() == 429)
            ? InboundStore.forgetSignature(platform.pool(), seen).transform(v -> Future.failedFuture(e))
            : Future.failedFuture(e));
  }

  private Future<Void> answer(RoutingContext ctx, Outcome outcome) {
    return switch (outcome.kind()) {
      case REJECTED -> Reply.json(ctx, 400, outcome.toJson().put("error", "malformed_message")
          .put("message", "the email could not be read"));
      case BUSY -> Future.failedFuture(Problem.unavailable("the same email is being taken right now; send it again shortly"));
      default -> "rate_limited".equals(outcome.reason())
          ? Future.failedFuture(Problem.tooMany(platform.limits().inboundPerAddress().window(), "too many emails from this sender"))
          : Reply.json(ctx, 202, outcome.toJson());
    };
  }
}
