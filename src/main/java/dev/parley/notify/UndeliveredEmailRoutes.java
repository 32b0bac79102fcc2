package dev.parley.notify;

import dev.parley.Fields;
import dev.parley.Platform;
import dev.parley.Problem;
import dev.parley.audit.Audit;
import dev.parley.auth.AuthHandler;
import dev.parley.auth.Viewer;
import dev.parley.directory.DirectoryRoutes;
import dev.parley.http.Body;
import dev.parley.http.Reply;
import dev.parley.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The admin's view of email that could not be delivered: {@code GET /api/admin/notifications?status=failed}
 * lists the company's failed emails, newest first; {@code POST /api/admin/notifications/resend} puts some
 * or all of them back in the queue. Ids of another company's emails are ignored.
 */
public final class UndeliveredEmailRoutes implements Routes {

  private static final int MAX_IDS = 500;

  private final Platform platform;
  private final Undelivered undelivered;

  public UndeliveredEmailRoutes(Platform platform) {
    this.platform = platform;
    this.undelivered = new Undelivered(platform.pool());
  }

  @Override
  public void mount(Router api) {
    api.route("/admin/notifications*").handler(DirectoryRoutes::adminArea);
    api.get("/admin/notifications").handler(Reply.async(this::list));
    api.post("/admin/notifications/resend").handler(Reply.async(this::resend));
  }

  private Future<?> list(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    String status = ctx.request().getParam("status");
    if (status != null && !status.equals("failed")) {
      throw Problem.invalid("'status' must be 'failed' (the only emails listed are those that could not be delivered)");
    }
    int limit = limit(ctx.request().getParam("limit"));
    Undelivered.Cursor after = cursor(ctx.request().getParam("cursor"));
    return undelivered.page(v.companyId(), after, limit + 1).compose(page -> {
      JsonArray out = new JsonArray();
      page.stream().limit(limit).forEach(e -> out.add(e.toJson()));
      String next = page.size() > limit ? encode(page.get(limit - 1)) : null;
      return Reply.ok(ctx, new JsonObject().put("notifications", out).put("nextCursor", next));
    });
  }

  private Future<?> resend(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    Resend cmd = Resend.from(Body.json(ctx));
    List<UUID> ids = cmd.ids();
    boolean all = cmd.all();
    return undelivered.resend(v.companyId(), ids).compose(count -> {
      Audit.log(platform.pool(), v.companyId(), v.userId(), Audit.EMAIL_RESENT, null,
          new JsonObject().put("count", count).put("all", all), null);
      if (count > 0) {
        Outbox.ring(platform.vertx());
      }
      return Reply.ok(ctx, new JsonObject().put("resent", count));
    });
  }

  /** Which failed emails to send again: the listed ones ({@code ids}), or all of them. */
  private record Resend(List<UUID> ids, boolean all) {
    static Resend from(JsonObject json) {
      Fields f = Fields.strict(json, "ids", "all");
      List<UUID> ids = f.optionalUuids("ids", MAX_IDS);
      boolean all = f.bool("all", false);
      if (all == (ids != null)) {
        throw Problem.invalid("send either 'ids' (a list of ids) or 'all': true");
      }
      if (ids != null && ids.isEmpty()) {
        throw Problem.invalid("'ids' is empty");
      }
      return new Resend(ids, all);
    }
  }

  private static int limit(String s) {
    if (s == null || s.isBlank()) {
      return 50;
    }
    try {
      int v = Integer.parseInt(s);
      if (v >= 1 && v <= 200) {
        return v;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw Problem.invalid("'limit' must be a whole number between 1 and 200");
  }

  private static String encode(Undelivered.Email last) {
    Instant at = last.createdAt().toInstant();
    return TimeUnit.SECONDS.toMicros(at.getEpochSecond()) + at.getNano() / 1000 + "_" + last.id();
  }

  private static Undelivered.Cursor cursor(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    int cut = s.indexOf('_');
    try {
      long micros = Long.parseLong(s.substring(0, cut));
      Instant at = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
      return new Undelivered.Cursor(OffsetDateTime.ofInstant(at, ZoneOffset.UTC), UUID.fromString(s.substring(cut + 1)));
    } catch (RuntimeException e) {
      throw Problem.invalid("'cursor' is not one this server handed out");
    }
  }
}
