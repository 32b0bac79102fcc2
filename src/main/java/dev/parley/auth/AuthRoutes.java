package dev.parley.auth;

import dev.parley.Fields;
import dev.parley.Platform;
import dev.parley.Problem;
import dev.parley.Topics;
import dev.parley.audit.Audit;
import dev.parley.audit.Refusals;
import dev.parley.directory.User;
import dev.parley.directory.Users;
import dev.parley.http.Body;
import dev.parley.http.Reply;
import dev.parley.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** Sign-in, sign-out and "who am I". */
public final class AuthRoutes implements Routes {

  private final Platform platform;
  private final AuthHandler auth;
  private final Users users;

  public AuthRoutes(Platform platform, AuthHandler auth) {
    this.platform = platform;
    this.auth = auth;
    this.users = new Users(platform.pool());
  }

  /** Before the session check: signing in needs none; "who am I" asks {@code auth} itself. */
  @Override
  public Stage stage() {
    return Stage.OPEN;
  }

  @Override
  public void mount(Router api) {
    api.post("/auth/login").handler(Reply.async(this::login));
    api.post("/auth/logout").handler(Reply.async(this::logout));
    api.get("/me").handler(auth).handler(Reply.async(this::me));
  }

  private Future<?> login(RoutingContext ctx) {
    SignIn in = SignIn.from(Body.json(ctx));
    String email = in.email();
    String password = in.password();
    String address = AuthHandler.clientAddress(ctx);
    Platform.Limits limits = platform.limits();
    if (!limits.loginPerAddress().tryAcquire(address) | !limits.loginPerAccount().tryAcquire(email)) {
      failed(null, null, email, new JsonObject().put("reason", "rate_limited"), address);
      throw Problem.tooMany("too many sign-in attempts; wait a few minutes and try again");
    }
    return users.byEmail(email).compose(found -> {
      Optional<User> user = found.filter(User::active);
      String hash = user.map(User::passwordHash).orElse(null);
      return platform.passwords().verify(hash, password).compose(ok -> {
        if (!ok || user.isEmpty()) {
          failed(found.map(User::companyId).orElse(null), found.map(User::id).orElse(null), email,
              new JsonObject().put("reason", "invalid_credentials"), address);
          return Future.failedFuture(new Problem(401, "invalid_credentials", "the email or password is not right"));
        }
        User u = user.get();
        limits.loginPerAccount().reset(email);
        return auth.sessions().create(u.id()).compose(sessionId -> {
          String token = platform.tokens().issue(u.id(), u.companyId(), u.role(), sessionId);
          auth.setCookie(ctx, token);
          Audit.log(platform.pool(), u.companyId(), u.id(), Audit.SIGN_IN, u.id().toString(), new JsonObject(), address);
          return Reply.ok(ctx, new JsonObject()
              .put("token", token)
              .put("user", new JsonObject().put("id", u.id().toString()).put("name", u.name())
                  .put("email", u.email()).put("role", u.role().wire())));
        });
      });
    });
  }

  /** The sign-in body: the address as typed (trimmed, lower case) and the password. */
  private record SignIn(String email, String password) {
    static SignIn from(JsonObject json) {
      Fields f = Fields.strict(json, "email", "password");
      return new SignIn(f.requiredString("email", 254).trim().toLowerCase(Locale.ROOT), f.requiredString("password", 1024));
    }
  }

  /** A refused sign-in: counted per client address, so that guessing cannot fill the audit log. */
  private void failed(UUID companyId, UUID userId, String email, JsonObject detail, String address) {
    platform.refusals().refused("address " + address,
        new Refusals.Entry(companyId, userId, Audit.SIGN_IN_FAILED, email, detail, address));
  }

  private Future<?> logout(RoutingContext ctx) {
    return auth.authenticate(ctx)
        .compose(v -> auth.sessions().revoke(v.sessionId()).map(userId -> {
          platform.vertx().eventBus().publish(Topics.SESSION_ENDED,
              new JsonObject().put("userId", v.userId().toString()).put("sessionId", v.sessionId().toString()));
          Audit.log(platform.pool(), v.companyId(), v.userId(), Audit.SIGN_OUT, v.userId().toString(), new JsonObject(), v.address());
          return v;
        }))
        .recover(e -> e instanceof Problem p && p.status() == 401 ? Future.succeededFuture(null) : Future.failedFuture(e))
        .compose(v -> {
          auth.clearCookie(ctx);
          return Reply.noContent(ctx);
        });
  }

  private Future<?> me(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    return users.companyName(v.companyId()).compose(company -> Reply.ok(ctx, new JsonObject()
        .put("id", v.userId().toString())
        .put("name", v.name())
        .put("email", v.email())
        .put("role", v.role().wire())
        .put("company", new JsonObject().put("id", v.companyId().toString()).put("name", company))));
  }
}
