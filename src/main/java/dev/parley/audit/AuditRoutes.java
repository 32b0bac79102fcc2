package dev.parley.audit;

import dev.parley.Platform;
import dev.parley.Problem;
import dev.parley.auth.AuthHandler;
import dev.parley.auth.Viewer;
import dev.parley.http.Reply;
import dev.parley.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * The audit log for a company's admins: a page at a time as JSON, or everything the filters match as
 * a CSV file, streamed a page at a time. Reading and exporting it are audited themselves.
 */
public final class AuditRoutes implements Routes {

  private static final Logger LOG = LoggerFactory.getLogger(AuditRoutes.class);
  /** Entries read per statement while exporting. */
  static final int EXPORT_PAGE = 1000;

  private final Platform platform;

  public AuditRoutes(Platform platform) {
    this.platform = platform;
  }

  @Override
  public void mount(Router api) {
    api.get("/admin/audit").handler(Reply.async(this::page));
    api.get("/admin/audit.csv").handler(Reply.async(this::export));
  }

  /** The admin asking; to anyone else the audit log does not exist. */
  private static Viewer admin(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    if (!v.isAdmin()) {
      throw Problem.notFound("page");
    }
    return v;
  }

  private Future<?> page(RoutingContext ctx) {
    Viewer v = admin(ctx);
    AuditFilter filter = AuditFilter.from(ctx.request()::getParam);
    return AuditLog.page(platform.pool(), v.companyId(), filter).compose(page -> {
      JsonArray entries = new JsonArray();
      page.entries().forEach(e -> entries.add(e.toJson()));
      return Audit.record(platform.pool(), v.companyId(), v.userId(), Audit.AUDIT_VIEWED, null, filter.describe(), v.address())
          .compose(ok -> Reply.ok(ctx, new JsonObject().put("entries", entries).put("nextCursor", page.nextCursor())));
    });
  }

  /**
   * The export is recorded before its first byte is sent. A failure once the file has begun resets
   * the connection, so that a partial file never looks complete.
   */
  private Future<?> export(RoutingContext ctx) {
    Viewer v = admin(ctx);
    AuditFilter asked = AuditFilter.from(ctx.request()::getParam);
    AuditFilter filter = new AuditFilter(asked.action(), asked.userId(), asked.from(), asked.to(), EXPORT_PAGE, null, null);
    return Audit.record(platform.pool(), v.companyId(), v.userId(), Audit.AUDIT_EXPORTED, null, filter.describe(), v.address())
        .compose(ok -> {
          HttpServerResponse res = ctx.response().setChunked(true)
              .putHeader("Content-Type", "text/csv; charset=utf-8")
              .putHeader("Content-Disposition", "attachment; filename=\"audit-log.csv\"");
          return res.write(AuditCsv.HEADER)
              .compose(w -> stream(res, v.companyId(), filter))
              .compose(done -> res.end())
              .recover(e -> {
                LOG.warn("audit export stopped: {}", e.getMessage());
                res.reset();
                return Future.succeededFuture();
              });
        });
  }

  /** Writes page after page, each after the last was handed to the connection (so a slow reader slows the reads). */
  private Future<Void> stream(HttpServerResponse res, UUID companyId, AuditFilter filter) {
    return AuditLog.page(platform.pool(), companyId, filter).compose(page -> {
      Future<Void> written = page.entries().isEmpty() ? Future.succeededFuture() : res.write(AuditCsv.rows(page.entries()));
      return page.next() == null ? written : written.compose(w -> stream(res, companyId, page.next()));
    });
  }
}
