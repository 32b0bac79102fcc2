package dev.parley.directory;

import dev.parley.Platform;
import dev.parley.Problem;
import dev.parley.Topics;
import dev.parley.audit.Audit;
import dev.parley.auth.AuthHandler;
import dev.parley.auth.Viewer;
import dev.parley.db.Db;
import dev.parley.http.Body;
import dev.parley.http.Reply;
import dev.parley.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.UUID;

/** The recipient picker and the admin endpoints for users, Circles and Teams. */
public final class DirectoryRoutes implements Routes {

  private final Platform platform;
  private final Users users;
  private final Groups groups;

  public DirectoryRoutes(Platform platform) {
    this.platform = platform;
    this.users = new Users(platform.pool());
    this.groups = new Groups(platform.pool());
  }

  @Override
  public void mount(Router api) {
    api.get("/recipients").handler(Reply.async(this::recipients));
    api.route("/admin/*").handler(DirectoryRoutes::adminArea);
    api.get("/admin/users").handler(Reply.async(this::listUsers));
    api.post("/admin/users").handler(Reply.async(this::createUser));
    api.post("/admin/users/import").handler(Reply.async(this::importUsers));
    api.get("/admin/users/:id").handler(Reply.async(this::showUser));
    api.patch("/admin/users/:id").handler(Reply.async(this::updateUser));
    api.get("/admin/groups").handler(Reply.async(this::listGroups));
    api.post("/admin/groups").handler(Reply.async(this::createGroup));
    api.patch("/admin/groups/:id").handler(Reply.async(this::updateGroup));
    api.delete("/admin/groups/:id").handler(Reply.async(this::deleteGroup));
  }

  /**
   * Guards everything under {@code /api/admin}: only admins get through, and to everyone else the
   * area does not exist (404), so its endpoints and ids tell them nothing.
   */
  public static void adminArea(RoutingContext ctx) {
    if (!AuthHandler.viewer(ctx).isAdmin()) {
      ctx.fail(Problem.notFound("page"));
      return;
    }
    ctx.next();
  }

  /** Lets only admins through; everyone else is told 403. */
  public static void requireAdmin(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    if (!v.isAdmin()) {
      ctx.fail(Problem.forbidden("only admins may do this"));
      return;
    }
    ctx.next();
  }

  private Future<?> recipients(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    String q = ctx.request().getParam("q");
    if (q != null && q.length() > 100) {
      throw Problem.invalid("'q' is longer than 100 characters");
    }
    return Reachability.search(platform.pool(), v, q, 50).compose(people -> {
      JsonArray out = new JsonArray();
      people.forEach(p -> out.add(User.card(p.id(), p.name(), p.role())));
      return Reply.ok(ctx, new JsonObject().put("recipients", out));
    });
  }

  private Future<?> listUsers(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    UserFilter filter = UserFilter.from(ctx.request()::getParam);
    return users.search(v.companyId(), filter).compose(page -> {
      JsonArray out = new JsonArray();
      page.users().forEach(u -> out.add(u.toJson()));
      return Reply.ok(ctx, new JsonObject().put("users", out).put("nextCursor", page.nextCursor()));
    });
  }

  /** A person's page: the person, their Coordinator (a contact) and their clients (staff). */
  private Future<?> showUser(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    UUID id = Body.pathId(ctx, "user");
    return users.byId(v.companyId(), id).compose(found -> {
      User u = found.orElseThrow(() -> Problem.notFound("user"));
      Future<JsonObject> coordinator = u.coordinatorId() == null ? Future.succeededFuture()
          : users.byId(v.companyId(), u.coordinatorId()).map(c -> c.map(User::toJson).orElse(null));
      Future<JsonArray> clients = !u.role().isStaff() ? Future.succeededFuture(new JsonArray())
          : users.search(v.companyId(), new UserFilter(null, null, null, u.id(), UserFilter.ALL, null)).map(page -> {
            JsonArray out = new JsonArray();
            page.users().forEach(c -> out.add(c.toJson()));
            return out;
          });
      return Future.all(coordinator, clients).compose(ok -> Reply.ok(ctx, new JsonObject()
          .put("user", u.toJson()).put("coordinator", coordinator.result()).put("clients", clients.result())));
    });
  }

  /**
   * People from a CSV file: with {@code ?dryRun=true} the rows and what is wrong with each; without it
   * all of them are added in one transaction, or none when any row is wrong (422, with the rows).
   */
  private Future<?> importUsers(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    boolean dryRun = Boolean.TRUE.equals(dev.parley.QueryParams.bool("dryRun", ctx.request().getParam("dryRun")));
    List<UserImport.Line> parsed = UserImport.parse(Body.json(ctx));
    return UserImport.check(platform.pool(), v.companyId(), parsed).compose(lines -> {
      JsonArray rows = new JsonArray();
      lines.forEach(l -> rows.add(l.toJson()));
      long wrong = lines.stream().filter(l -> !l.errors().isEmpty()).count();
      if (dryRun) {
        return Reply.ok(ctx, new JsonObject().put("dryRun", true).put("rows", rows)
            .put("valid", lines.size() - wrong).put("invalid", wrong));
      }
      if (wrong > 0) {
        return Reply.json(ctx, 422, new JsonObject().put("error", "import_invalid")
            .put("message", wrong + " of " + lines.size() + " rows have errors; nobody was added").put("rows", rows));
      }
      return Db.translate(platform.pool().withTransaction(tx -> UserImport.insertAll(tx, v.companyId(), lines)
              .compose(added -> Audit.record(tx, v.companyId(), v.userId(), Audit.USERS_IMPORTED, null,
                  new JsonObject().put("count", added.size()), v.address()).map(added))))
          .recover(e -> e instanceof Problem p && p.status() == 409
              ? Future.failedFuture(Problem.conflict("email_taken", "a person with one of these emails was added meanwhile; nobody was added"))
              : Future.failedFuture(e))
          .compose(added -> {
            JsonArray out = new JsonArray();
            added.forEach(u -> out.add(u.toJson()));
            return Reply.created(ctx, new JsonObject().put("imported", added.size()).put("users", out));
          });
    });
  }

  private Future<?> createUser(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    Commands.NewUser cmd = Commands.NewUser.from(Body.json(ctx));
    return checkCoordinator(v, cmd.role(), cmd.coordinatorId())
        .compose(ok -> cmd.password() == null ? Future.succeededFuture((String) null) : platform.passwords().hash(cmd.password()))
        .compose(hash -> Db.translate(Users.insert(platform.pool(), v.companyId(), cmd.email(), cmd.name(), cmd.role(),
            cmd.coordinatorId(), hash)))
        .recover(e -> e instanceof Problem p && p.status() == 409
            ? Future.failedFuture(Problem.conflict("email_taken", "a user with that email already exists"))
            : Future.failedFuture(e))
        .compose(u -> {
          Audit.log(platform.pool(), v.companyId(), v.userId(), Audit.USER_CREATED, u.id().toString(),
              new JsonObject().put("role", u.role().wire()), v.address());
          return Reply.created(ctx, u.toJson());
        });
  }

  private Future<?> updateUser(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    UUID id = Body.pathId(ctx, "user");
    Commands.UserChange change = Commands.UserChange.from(Body.json(ctx));
    String email = change.email();
    String name = change.name();
    Role role = change.role();
    String password = change.password();
    Boolean active = change.active();
    if (id.equals(v.userId()) && (Boolean.FALSE.equals(active) || (role != null && role != Role.ADMIN))) {
      throw Problem.invalid("you cannot deactivate or demote yourself");
    }
    return users.byId(v.companyId(), id).compose(found -> {
      User old = found.orElseThrow(() -> Problem.notFound("user"));
      Role newRole = role == null ? old.role() : role;
      UUID newCoordinator = change.coordinatorGiven() ? change.coordinatorId() : (newRole.isContact() ? old.coordinatorId() : null);
      if (id.equals(newCoordinator)) {
        throw Problem.invalid("a user cannot be their own coordinator");
      }
      User next = new User(old.id(), old.companyId(), email == null ? old.email() : email, name == null ? old.name() : name,
          newRole, newCoordinator, active == null ? old.active() : active, null);
      return checkCoordinator(v, newRole, newCoordinator)
          .compose(ok -> password == null ? Future.succeededFuture((String) null) : platform.passwords().hash(password))
          .compose(hash -> Db.translate(users.update(next, hash)))
          .recover(e -> e instanceof Problem p && p.status() == 409
              ? Future.failedFuture(Problem.conflict("email_taken", "a user with that email already exists"))
              : Future.failedFuture(e))
          .compose(updated -> {
            User u = updated.orElseThrow(() -> Problem.notFound("user"));
            // this node forgets the user's sessions before answering; the others when the notice arrives
            // (a deactivation or a new password ended them all: their live sockets close too)
            platform.sessions().forgetUser(u.id());
            boolean ended = (old.active() && !u.active()) || password != null;
            platform.vertx().eventBus().publish(ended ? Topics.SESSION_ENDED : Topics.USER_CHANGED,
                new JsonObject().put("userId", u.id().toString()));
            Audit.log(platform.pool(), v.companyId(), v.userId(), Audit.USER_UPDATED, u.id().toString(),
                new JsonObject().put("fields", new JsonArray(change.fields())), v.address());
            return Reply.ok(ctx, u.toJson());
          });
    });
  }

  private Future<Void> checkCoordinator(Viewer v, Role role, UUID coordinatorId) {
    if (coordinatorId == null) {
      return Future.succeededFuture();
    }
    if (role.isStaff()) {
      return Future.failedFuture(Problem.invalid("only contacts (client, prospect) have a coordinator"));
    }
    return users.byId(v.companyId(), coordinatorId).compose(c -> c.isPresent() && c.get().role().isStaff()
        ? Future.succeededFuture()
        : Future.failedFuture(Problem.invalid("'coordinatorId' must be a staff member of your company")));
  }

  private Future<?> listGroups(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    return groups.list(v.companyId()).compose(list -> {
      JsonArray out = new JsonArray();
      list.forEach(g -> out.add(g.toJson()));
      return Reply.ok(ctx, new JsonObject().put("groups", out));
    });
  }

  private Future<?> createGroup(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    Commands.NewGroup cmd = Commands.NewGroup.from(Body.json(ctx));
    return checkMembers(v, cmd.memberIds())
        .compose(ok -> Db.translate(groups.create(v.companyId(), cmd.kind(), cmd.name(), cmd.memberIds())))
        .recover(e -> e instanceof Problem p && p.status() == 409
            ? Future.failedFuture(Problem.conflict("name_taken", "a " + cmd.kind() + " with that name already exists"))
            : Future.failedFuture(e))
        .compose(g -> {
          Audit.log(platform.pool(), v.companyId(), v.userId(), Audit.GROUP_CHANGED, g.id().toString(),
              new JsonObject().put("change", "created"), v.address());
          return Reply.created(ctx, g.toJson());
        });
  }

  private Future<?> updateGroup(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    UUID id = Body.pathId(ctx, "group");
    Commands.GroupChange change = Commands.GroupChange.from(Body.json(ctx));
    String kind = change.kind();
    String name = change.name();
    List<UUID> members = change.memberIds();
    return groups.byId(v.companyId(), id).compose(found -> {
      Groups.Group old = found.orElseThrow(() -> Problem.notFound("group"));
      return checkMembers(v, members == null ? List.of() : members)
          .compose(ok -> Db.translate(groups.update(v.companyId(), id, kind == null ? old.kind() : kind,
              name == null ? old.name() : name, members)))
          .recover(e -> e instanceof Problem p && p.status() == 409
              ? Future.failedFuture(Problem.conflict("name_taken", "a group with that name already exists"))
              : Future.failedFuture(e))
          .compose(updated -> {
            Audit.log(platform.pool(), v.companyId(), v.userId(), Audit.GROUP_CHANGED, id.toString(),
                new JsonObject().put("change", "updated"), v.address());
            return Reply.ok(ctx, updated.orElseThrow(() -> Problem.notFound("group")).toJson());
          });
    });
  }

  private Future<?> deleteGroup(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    UUID id = Body.pathId(ctx, "group");
    return groups.delete(v.companyId(), id).compose(deleted -> {
      if (!deleted) {
        return Future.failedFuture(Problem.notFound("group"));
      }
      Audit.log(platform.pool(), v.companyId(), v.userId(), Audit.GROUP_CHANGED, id.toString(),
          new JsonObject().put("change", "deleted"), v.address());
      return Reply.noContent(ctx);
    });
  }

  private Future<Void> checkMembers(Viewer v, List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return Groups.countStaff(platform.pool(), v.companyId(), ids).compose(n -> n == ids.size()
        ? Future.succeededFuture()
        : Future.failedFuture(Problem.invalid("'memberIds' must all be staff members of your company")));
  }
}
