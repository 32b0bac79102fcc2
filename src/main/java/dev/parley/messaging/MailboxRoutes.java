package dev.parley.messaging;

import dev.parley.Fields;
import dev.parley.Platform;
import dev.parley.auth.AuthHandler;
import dev.parley.auth.Viewer;
import dev.parley.http.Admission;
import dev.parley.http.Body;
import dev.parley.http.Reply;
import dev.parley.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.ZoneId;
import java.util.UUID;

/** A person's mailbox over HTTP: archive, mark unread, drafts, a thread's export. Everything here is the caller's own. */
public final class MailboxRoutes implements Routes {

  private final Mailbox mailbox;
  private final Drafts drafts;
  private final ThreadExport export;

  public MailboxRoutes(Platform platform) {
    this.mailbox = new Mailbox(platform);
    this.drafts = new Drafts(platform);
    this.export = new ThreadExport(platform);
  }

  @Override
  public void mount(Router api) {
    api.post("/threads/:id/archive").handler(Reply.async(this::archive));
    api.post("/threads/:id/unarchive").handler(Reply.async(this::unarchive));
    api.post("/threads/:id/unread").handler(Reply.async(this::markUnread));
    api.get("/drafts").handler(Reply.async(this::listDrafts));
    api.post("/drafts").handler(Reply.async(this::createDraft));
    api.put("/drafts/:id").handler(Reply.async(this::updateDraft));
    api.delete("/drafts/:id").handler(Reply.async(this::deleteDraft));
    api.get("/threads/:id/export.pdf").handler(Reply.async(this::export));
  }

  private Future<?> archive(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    UUID threadId = Body.pathId(ctx, "thread");
    Fields.strict(Body.json(ctx)); // takes no field: any answers 400
    return mailbox.archive(v, threadId).compose(done -> Reply.noContent(ctx));
  }

  private Future<?> unarchive(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    UUID threadId = Body.pathId(ctx, "thread");
    Fields.strict(Body.json(ctx));
    return mailbox.unarchive(v, threadId).compose(done -> Reply.noContent(ctx));
  }

  private Future<?> markUnread(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    UUID threadId = Body.pathId(ctx, "thread");
    Commands.MarkUnread cmd = Commands.MarkUnread.from(Body.json(ctx));
    return mailbox.markUnread(v, threadId, cmd.fromMessageId()).compose(done -> Reply.noContent(ctx));
  }

  private Future<?> listDrafts(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    return drafts.list(v).compose(list -> Reply.ok(ctx, new JsonObject().put("drafts", list)));
  }

  private Future<?> createDraft(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    Commands.SaveDraft cmd = Commands.SaveDraft.from(Body.json(ctx));
    return drafts.create(v, cmd).compose(draft -> Reply.created(ctx, new JsonObject().put("draft", draft)));
  }

  private Future<?> updateDraft(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    UUID id = Body.pathId(ctx, "draft");
    Commands.SaveDraft cmd = Commands.SaveDraft.from(Body.json(ctx));
    return drafts.update(v, id, cmd).compose(draft -> Reply.ok(ctx, new JsonObject().put("draft", draft)));
  }

  private Future<?> deleteDraft(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    UUID id = Body.pathId(ctx, "draft");
    return drafts.delete(v, id).compose(done -> Reply.noContent(ctx));
  }

  /** The thread as a PDF download, in the caller's time zone ({@code tz}, UTC by default). */
  private Future<?> export(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    UUID threadId = Body.pathId(ctx, "thread");
    ZoneId zone = ThreadExport.zone(ctx.request().getParam("tz"));
    // The first layout after a node starts loads the PDF engine (seconds on a busy machine): the
    // request's deadline, made for answers from the database, would turn it into a 503. The work is
    // bounded (one thread, at most 1000 messages) and runs on a worker.
    Admission.lift(ctx);
    return export.pdf(v, threadId, zone).compose(pdf -> ctx.response()
        .putHeader("Content-Type", "application/pdf")
        .putHeader("Content-Disposition", "attachment; filename=\"thread-" + threadId + ".pdf\"")
        .end(pdf));
  }
}
