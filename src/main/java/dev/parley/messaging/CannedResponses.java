package dev.parley.messaging;

import dev.parley.Fields;
import dev.parley.Platform;
import dev.parley.Problem;
import dev.parley.audit.Audit;
import dev.parley.auth.AuthHandler;
import dev.parley.auth.Viewer;
import dev.parley.http.Body;
import dev.parley.http.Reply;
import dev.parley.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * Saved title + body the composer can insert: personal ones, and staff ones shared with the company.
 * Contacts keep personal ones only and never see the staff's shared ones. Only the owner (or an admin,
 * for a shared one) changes or deletes one.
 */
public final class CannedResponses implements Routes {

  private static final String COLUMNS = "id, owner_id, title, body_html, shared, updated_at";
  private static final String LIST = "select " + COLUMNS + " from canned_responses where company_id = $1 "
      + "and (owner_id = $2 or (shared and $3::boolean)) order by lower(title), id";
  private static final String ONE = "select " + COLUMNS + " from canned_responses where company_id = $1 and id = $2 "
      + "and (owner_id = $3 or (shared and $4::boolean))";
  private static final String INSERT = "insert into canned_responses (id, company_id, owner_id, title, body_html, shared) "
      + "values ($1, $2, $3, $4, $5, $6) returning " + COLUMNS;
  private static final String UPDATE = "update canned_responses set title = $3, body_html = $4, shared = $5, updated_at = now() "
      + "where company_id = $1 and id = $2 returning " + COLUMNS;
  private static final String DELETE = "delete from canned_responses where company_id = $1 and id = $2";

  private final Platform platform;

  public CannedResponses(Platform platform) {
    this.platform = platform;
  }

  @Override
  public void mount(Router api) {
    api.get("/canned-responses").handler(Reply.async(this::list));
    api.post("/canned-responses").handler(Reply.async(this::create));
    api.put("/canned-responses/:id").handler(Reply.async(this::update));
    api.delete("/canned-responses/:id").handler(Reply.async(this::delete));
  }

  private Future<?> list(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    return platform.pool().preparedQuery(LIST).execute(Tuple.of(v.companyId(), v.userId(), v.isStaff())).compose(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(json(r, v)));
      return Reply.ok(ctx, new JsonObject().put("cannedResponses", out));
    });
  }

  private Future<?> create(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    Input in = Input.from(Input.fields(Body.json(ctx)), null);
    if (in.shared() && !v.isStaff()) {
      throw Problem.forbidden("only staff share canned responses with the company");
    }
    UUID id = UUID.randomUUID();
    return platform.pool().withTransaction(tx -> audited(tx, v, Audit.CANNED_RESPONSE_CREATED, id, in.shared(),
            tx.preparedQuery(INSERT).execute(Tuple.of(id, v.companyId(), v.userId(), in.title(), in.html(), in.shared()))))
        .compose(rows -> Reply.created(ctx, json(rows.iterator().next(), v)));
  }

  private Future<?> update(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    UUID id = Body.pathId(ctx, "canned response");
    Fields body = Input.fields(Body.json(ctx));
    return editable(v, id).compose(old -> {
      Input in = Input.from(body, old);
      if (in.shared() && !v.isStaff()) {
        return Future.failedFuture(Problem.forbidden("only staff share canned responses with the company"));
      }
      return platform.pool().withTransaction(tx -> audited(tx, v, Audit.CANNED_RESPONSE_UPDATED, id, in.shared(),
              tx.preparedQuery(UPDATE).execute(Tuple.of(v.companyId(), id, in.title(), in.html(), in.shared()))))
          .compose(rows -> Reply.ok(ctx, json(rows.iterator().next(), v)));
    });
  }

  private Future<?> delete(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    UUID id = Body.pathId(ctx, "canned response");
    return editable(v, id).compose(old -> platform.pool().withTransaction(tx -> audited(tx, v, Audit.CANNED_RESPONSE_DELETED, id,
            old.getBoolean("shared"), tx.preparedQuery(DELETE).execute(Tuple.of(v.companyId(), id)))))
        .compose(rows -> Reply.noContent(ctx));
  }

  /** {@code change} with its audit row (never the title or body), both in {@code tx}. */
  private static Future<RowSet<Row>> audited(SqlConnection tx, Viewer v, String action, UUID id, boolean shared,
                                             Future<RowSet<Row>> change) {
    Future<Void> row = Audit.record(tx, v.companyId(), v.userId(), action, id.toString(),
        new JsonObject().put("shared", shared), v.address());
    return Future.all(change, row).map(done -> change.result());
  }

  /** The response if the viewer may change it; 404 if invisible, 403 if visible but someone else's. */
  private Future<Row> editable(Viewer v, UUID id) {
    return platform.pool().preparedQuery(ONE).execute(Tuple.of(v.companyId(), id, v.userId(), v.isStaff())).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(Problem.notFound("canned response"));
      }
      Row r = rows.iterator().next();
      if (!r.getUUID("owner_id").equals(v.userId()) && !v.isAdmin()) {
        return Future.failedFuture(Problem.forbidden("only its author or an admin may change a shared canned response"));
      }
      return Future.succeededFuture(r);
    });
  }

  private static JsonObject json(Row r, Viewer v) {
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("title", r.getString("title"))
        .put("bodyHtml", r.getString("body_html"))
        .put("shared", r.getBoolean("shared"))
        .put("mine", r.getUUID("owner_id").equals(v.userId()))
        .put("updatedAt", r.getOffsetDateTime("updated_at").toInstant().toString());
  }

  /**
   * A response as sent: its fields are checked at once, their values only once the response it edits
   * is known to be the viewer's (a foreign id answers 404 whatever the body holds).
   */
  private record Input(String title, String html, boolean shared) {
    static Fields fields(JsonObject json) {
      return Fields.strict(json, "title", "bodyHtml", "shared");
    }

    /** The new state: what {@code b} names, the rest as in {@code old} (null for a new response). */
    static Input from(Fields b, Row old) {
      String title = old == null || b.has("title") ? b.requiredString("title", 200).strip() : old.getString("title");
      String html = old == null || b.has("bodyHtml")
          ? Commands.Content.of(b.optionalText("bodyHtml")).html()
          : old.getString("body_html");
      boolean shared = b.has("shared") ? b.bool("shared", false) : old != null && old.getBoolean("shared");
      return new Input(title, html, shared);
    }
  }
}
