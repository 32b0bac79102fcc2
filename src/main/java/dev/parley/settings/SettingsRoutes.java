package dev.parley.settings;

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
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;

/** Company Settings (Convenience Mode, notification delay) and Messaging Settings, for admins. */
public final class SettingsRoutes implements Routes {

  private final Platform platform;

  public SettingsRoutes(Platform platform) {
    this.platform = platform;
  }

  @Override
  public void mount(Router api) {
    api.route("/settings/*").handler(DirectoryRoutes::requireAdmin);
    api.get("/settings/company").handler(Reply.async(this::company));
    api.put("/settings/company").handler(Reply.async(this::setCompany));
    api.get("/settings/messaging").handler(Reply.async(this::messaging));
    api.put("/settings/messaging").handler(Reply.async(this::setMessaging));
  }

  private Future<?> company(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    return Settings.company(platform.pool(), v.companyId(), false).compose(c -> Reply.ok(ctx, companyJson(c)));
  }

  /** {@code attachmentsScanned}: whether uploads go through a virus scanner (false: clamd is not configured). */
  private JsonObject companyJson(Settings.Company c) {
    return c.toJson().put("hipaaWarning", Settings.HIPAA_WARNING)
        .put("attachmentsScanned", platform.config().attachments().clamavHost().isPresent());
  }

  /** Changes what the body names, each change audited on its own; the rest stays. */
  private Future<?> setCompany(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    Commands.CompanyChange cmd = Commands.CompanyChange.from(Body.json(ctx));
    return platform.pool().withTransaction(tx -> Settings.company(tx, v.companyId(), true).compose(was -> {
          Settings.Company next = cmd.over(was);
          return Settings.setCompany(tx, v.companyId(), next)
              .compose(x -> audit(tx, v, "convenienceMode", was.convenienceMode(), next.convenienceMode()))
              .compose(x -> audit(tx, v, "notificationDelaySeconds", was.notificationDelaySeconds(), next.notificationDelaySeconds()))
              .compose(x -> audit(tx, v, "requireTotpForStaff", was.requireTotpForStaff(), next.requireTotpForStaff()))
              .map(x -> new Change(was, next));
        }))
        .compose(change -> {
          JsonObject out = companyJson(change.next());
          if (change.next().convenienceMode() && !change.was().convenienceMode()) {
            out.put("warning", Settings.HIPAA_WARNING);
          }
          return Reply.ok(ctx, out);
        });
  }

  private record Change(Settings.Company was, Settings.Company next) {
  }

  private static Future<Void> audit(SqlClient tx, Viewer v, String setting, Object was, Object now) {
    return was.equals(now) ? Future.succeededFuture()
        : Audit.record(tx, v.companyId(), v.userId(), Audit.SETTINGS_CHANGED, setting,
            new JsonObject().put("from", was).put("to", now), v.address());
  }

  private Future<?> messaging(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    return Settings.messaging(platform.pool(), v.companyId()).compose(m -> Reply.ok(ctx, m.toJson()));
  }

  private Future<?> setMessaging(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    Commands.MessagingChange cmd = Commands.MessagingChange.from(Body.json(ctx));
    return Settings.messaging(platform.pool(), v.companyId()).compose(current -> {
      Settings.Messaging next = cmd.over(current);
      return validate(v, next)
          .compose(ok -> platform.pool().withTransaction(tx -> Settings.setMessaging(tx, v.companyId(), next)
              .compose(x -> Audit.record(tx, v.companyId(), v.userId(), Audit.SETTINGS_CHANGED, "messaging",
                  next.toJson(), v.address()))))
          .compose(done -> Reply.ok(ctx, next.toJson()));
    });
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
