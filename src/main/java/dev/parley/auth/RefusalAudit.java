package dev.parley.auth;

import dev.parley.Problem;
import dev.parley.audit.Audit;
import dev.parley.audit.Refusals;
import dev.parley.http.FailureHook;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Which answered API failures the audit log hears of: a request without a valid token or session
 * (401) and a CSRF refusal, counted per client address; a signed-in person's 403, 404 and 429,
 * counted per person. All are {@link Refusals}: one row per source and window, with a count, so that
 * repeating them cannot fill the log. Handed to the router's failure handler by the node assembly.
 */
public final class RefusalAudit implements FailureHook {

  private final Refusals refusals;

  public RefusalAudit(Refusals refusals) {
    this.refusals = refusals;
  }

  @Override
  public void answered(RoutingContext ctx, Problem p) {
    String address = AuthHandler.clientAddress(ctx);
    String target = ctx.request().method() + " " + ctx.request().path();
    Viewer v = ctx.get(AuthHandler.VIEWER);
    String reason = ctx.get(AuthHandler.REFUSAL);
    if (v != null) {
      if (p.status() == 403 || p.status() == 404 || p.status() == 429) {
        refusals.refused("person " + v.userId(), new Refusals.Entry(v.companyId(), v.userId(), Audit.REFUSED, target,
            new JsonObject().put("status", p.status()).put("error", p.code()), address));
      }
    } else if ("csrf".equals(reason) && p.status() == 403) {
      refusals.refused("address " + address, new Refusals.Entry(null, null, Audit.CSRF_REFUSED, target,
          new JsonObject().put("reason", p.getMessage()), address));
    } else if (reason != null && p.status() == 401) {
      refusals.refused("address " + address, new Refusals.Entry(null, null, Audit.UNAUTHENTICATED, target,
          new JsonObject().put("reason", reason), address));
    }
  }
}
