package dev.parley.settings;

import dev.parley.Platform;
import dev.parley.Problem;
import dev.parley.audit.Audit;
import dev.parley.auth.AuthHandler;
import dev.parley.auth.Viewer;
import dev.parley.directory.DirectoryRoutes;
import dev.parley.http.Body;
import dev.parley.http.Reply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.UUID;

/** Company Settings (Convenience Mode) and Messaging Settings, for admins. */
public final class SettingsRoutes {

  private static final int MAX_IDS = 1000;

  private final Platform platform;

  public SettingsRoutes(Platform platform) {
    this.platform = platform;
  }

  /** Mounts behind an authenticated router. */
  public void mount(Router api) {
    api.route("/settings/*").handler(DirectoryRoutes::requireAdmin);
    api.get("/settings/company").handler(Reply.async(this::company));
    api.put("/settings/company").handler(Reply.async(this::setCompany));
    api.get("/settings/messaging").handler(Reply.async(this::messaging));
    api.put("/settings/messaging").handler(Reply.async(this::setMessaging));
  }

  private Future<?> company(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    return Settings.convenienceMode(platform.pool(), v.companyId()).compose(on -> Reply.ok(ctx, companyJson(on)));
  }

  private static JsonObject companyJson(boolean on) {
    return new JsonObject().put("convenienceMode", on).put("hipaaWarning", Settings.HIPAA_WARNING);
  }

  private Future<?> setCompany(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    Boolean on = Body.of(ctx, "convenienceMode").optionalBoolean("convenienceMode");
    if (on == null) {
      throw Problem.invalid("'convenienceMode' is required");
    }
    return platform.pool().withTransaction(tx -> Settings.convenienceMode(tx, v.companyId()).compose(was ->
            Settings.setConvenienceMode(tx, v.companyId(), on)
                .compose(x -> was == on ? Future.succeededFuture()
                    : Audit.record(tx, v.companyId(), v.userId(), Audit.SETTINGS_CHANGED, "convenienceMode",
                        new JsonObject().put("from", was).put("to", on), v.address()))
                .map(was)))
        .compose(was -> {
          JsonObject out = companyJson(on);
          if (on && !was) {
            out.put("warning", Settings.HIPAA_WARNING);
          }
          return Reply.ok(ctx, out);
        });
  }

  private Future<?> messaging(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    return Settings.messaging(platform.pool(), v.companyId()).compose(m -> Reply.ok(ctx, m.toJson()));
  }

  private Future<?> setMessaging(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    Body b = Body.of(ctx, "restrictContactsToCoordinator", "designated", "notifyOnReadUserIds");
    Boolean restrict = b.optionalBoolean("restrictContactsToCoordinator");
    Body designated = b.object("designated", "userIds", "circleIds", "teamIds");
    List<UUID> notify = b.optionalUuids("notifyOnReadUserIds", MAX_IDS);
    return Settings.messaging(platform.pool(), v.companyId()).compose(current -> {
      boolean designatedGiven = b.has("designated");
      Settings.Messaging next = new Settings.Messaging(
          restrict == null ? current.restrictToCoordinator() : restrict,
          designatedGiven ? designated != null : current.designatedEnabled(),
          designatedGiven ? ids(designated, "userIds") : current.userIds(),
          designatedGiven ? ids(designated, "circleIds") : current.circleIds(),
          designatedGiven ? ids(designated, "teamIds") : current.teamIds(),
          notify == null ? current.notifyOnReadUserIds() : notify);
      return validate(v, next)
          .compose(ok -> platform.pool().withTransaction(tx -> Settings.setMessaging(tx, v.companyId(), next)
              .compose(x -> Audit.record(tx, v.companyId(), v.userId(), Audit.SETTINGS_CHANGED, "messaging",
                  next.toJson(), v.address()))))
          .compose(done -> Reply.ok(ctx, next.toJson()));
    });
  }

  private static List<UUID> ids(Body b, String field) {
    if (b == null) {
      return List.of();
    }
    List<UUID> ids = b.optionalUuids(field, MAX_IDS);
    return ids == null ? List.of() : ids;
  }

  private Future<Void> validate(Viewer v, Settings.Messaging m) {
    var pool = platform.pool();
    return expect(Settings.countStaff(pool, v.companyId(), m.userIds()), m.userIds().size(),
            "'designated.userIds' must all be staff members of your company")
        .compose(x -> expect(Settings.countGroups(pool, v.companyId(), "circle", m.circleIds()), m.circleIds().size(),
            "'designated.circleIds' must all be Circles of your company"))
        .compose(x -> expect(Settings.countGroups(pool, v.companyId(), "team", m.teamIds()), m.teamIds().size(),
            "'designated.teamIds' must all be Teams of your company"))
        .compose(x -> expect(Settings.countUsers(pool, v.companyId(), m.notifyOnReadUserIds()), m.notifyOnReadUserIds().size(),
            "'notifyOnReadUserIds' must all be users of your company"));
  }

  private static Future<Void> expect(Future<Long> count, int expected, String message) {
    return count.compose(n -> n == expected ? Future.succeededFuture() : Future.failedFuture(Problem.invalid(message)));
  }
}
