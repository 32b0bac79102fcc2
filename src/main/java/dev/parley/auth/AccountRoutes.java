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
import dev.parley.notify.Outbox;
import dev.parley.notify.PasswordLinkTokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The account screen's endpoints (profile, password, two-factor, sign out everywhere) and the admin's
 * "send a password link".
 */
public final class AccountRoutes implements Routes {

  /** An IANA zone name as browsers list them (Intl.supportedValuesOf('timeZone')). */
  private static final Pattern TIME_ZONE = Pattern.compile("UTC|[A-Za-z][A-Za-z0-9_+\\-]*(/[A-Za-z0-9_+\\-]+){1,2}");
  private static final String ISSUER = "Parley";

  private final Platform platform;
  private final Users users;
  private final Accounts accounts;
  private final TwoFactor twoFactor;
  private final PasswordLinks links;
  private final AuthHandler auth;

  public AccountRoutes(Platform platform, AuthHandler auth) {
    this.platform = platform;
    this.auth = auth;
    this.users = new Users(platform.pool());
    this.accounts = new Accounts(platform.pool());
    this.twoFactor = new TwoFactor(platform.pool(), new Totp(platform.clock()));
    this.links = new PasswordLinks(platform.pool(), new PasswordLinkTokens(platform.secrets().passwordLink()));
  }

  @Override
  public void mount(Router api) {
    api.get("/me/profile").handler(Reply.async(this::profile));
    api.put("/me/profile").handler(Reply.async(this::setProfile));
    api.put("/me/password").handler(Reply.async(this::changePassword));
    api.post("/me/logout-all").handler(Reply.async(this::logoutAll));
    api.post("/me/totp").handler(Reply.async(this::startTotp));
    api.post("/me/totp/confirm").handler(Reply.async(this::confirmTotp));
    api.delete("/me/totp").handler(Reply.async(this::disableTotp));
    api.post("/admin/users/:id/password-link").handler(Reply.async(this::sendPasswordLink));
  }

  private Future<?> profile(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    return accounts.profile(v.companyId(), v.userId()).compose(p -> twoFactor.state(v.userId()).compose(state ->
        Reply.ok(ctx, p.orElseThrow(() -> Problem.notFound("user")).toJson()
            .put("email", v.email()).put("totpEnabled", state.enabled()).put("totpRequired", state.required()))));
  }

  private Future<?> setProfile(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    Fields f = Fields.strict(Body.json(ctx), "name", "timeZone", "emailNotifications");
    String name = f.optionalString("name", 200);
    if (name != null && name.isBlank()) {
      throw Problem.invalid("'name' must not be blank");
    }
    String zone = f.optionalString("timeZone", 64);
    if (zone != null && !TIME_ZONE.matcher(zone).matches()) {
      throw Problem.invalid("'timeZone' must be a time zone name such as Europe/Paris");
    }
    Boolean email = f.optionalBoolean("emailNotifications");
    return accounts.profile(v.companyId(), v.userId()).compose(found -> {
      Accounts.Profile was = found.orElseThrow(() -> Problem.notFound("user"));
      Accounts.Profile next = new Accounts.Profile(name == null ? was.name() : name.strip(),
          f.has("timeZone") ? zone : was.timeZone(), email == null ? was.emailNotifications() : email);
      return accounts.setProfile(v.companyId(), v.userId(), next).compose(x -> {
        if (!next.name().equals(was.name())) {
          // the sessions remember the name: every node forgets them, to read it again
          platform.sessions().forgetUser(v.userId());
          platform.vertx().eventBus().publish(Topics.USER_CHANGED, new JsonObject().put("userId", v.userId().toString()));
        }
        Audit.log(platform.pool(), v.companyId(), v.userId(), Audit.PROFILE_CHANGED, v.userId().toString(),
            new JsonObject().put("fields", new JsonArray(f.json().fieldNames().stream().sorted().toList())), v.address());
        return Reply.ok(ctx, next.toJson().put("email", v.email()));
      });
    });
  }

  /** Needs the current password; my other sessions (and their live sockets) end, this one stays. */
  private Future<?> changePassword(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    Fields f = Fields.strict(Body.json(ctx), "current", "password");
    String current = f.requiredString("current", 1024);
    String password = f.requiredString("password", 1024);
    String weak = Passwords.weakness(password);
    if (weak != null) {
      throw Problem.badRequest("weak_password", weak);
    }
    return checkPassword(ctx, v, current)
        .compose(ok -> platform.passwords().hash(password))
        .compose(hash -> accounts.changePassword(v.userId(), hash, v.sessionId()))
        .compose(ended -> {
          platform.sessions().announceEnded(platform.vertx().eventBus(), v.userId(), ended);
          Audit.log(platform.pool(), v.companyId(), v.userId(), Audit.PASSWORD_CHANGED, v.userId().toString(),
              new JsonObject().put("by", "self").put("sessionsEnded", ended.size()), v.address());
          return Reply.noContent(ctx);
        });
  }

  /** Every session and live socket of mine ends, this one too. */
  private Future<?> logoutAll(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    return accounts.endAllSessions(v.userId()).compose(x -> {
      platform.sessions().announceAllEnded(platform.vertx().eventBus(), v.userId());
      Audit.log(platform.pool(), v.companyId(), v.userId(), Audit.LOGOUT_ALL, v.userId().toString(), new JsonObject(), v.address());
      auth.clearCookie(ctx);
      return Reply.noContent(ctx);
    });
  }

  /** Starts (or starts again) an enrolment: a new secret, shown now and until it is confirmed. */
  private Future<?> startTotp(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    String secret = Totp.newSecret();
    return twoFactor.start(v.userId(), secret).compose(started -> {
      if (!started) {
        return Future.failedFuture(Problem.conflict("totp_already_on", "two-factor sign-in is already on; turn it off first"));
      }
      return platform.vertx().executeBlocking(() -> Totp.qrDataUri(secret, ISSUER, v.email()), false)
          .compose(qr -> Reply.ok(ctx, new JsonObject().put("secret", secret)
              .put("otpauthUri", Totp.otpauthUri(secret, ISSUER, v.email())).put("qrCode", qr)));
    });
  }

  private Future<?> confirmTotp(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    String code = Fields.strict(Body.json(ctx), "code").requiredString("code", 20).strip().replace(" ", "");
    limitCodes(ctx, v);
    return twoFactor.state(v.userId()).compose(state -> {
      if (state.enabled()) {
        return Future.failedFuture(Problem.conflict("totp_already_on", "two-factor sign-in is already on"));
      }
      if (state.pendingSecret() == null) {
        return Future.failedFuture(Problem.conflict("totp_not_started", "start the set-up first"));
      }
      OptionalLong step = twoFactor.totp().matchingStep(state.pendingSecret(), code, 0);
      if (step.isEmpty()) {
        codeFailed(v, "enrol");
        return Future.failedFuture(Problem.badRequest("invalid_code", "the code is not right: type the six digits your app shows now"));
      }
      List<String> recovery = Totp.newRecoveryCodes();
      return twoFactor.confirm(v.userId(), state.pendingSecret(), step.getAsLong(), recovery).compose(done -> {
        if (!done) {
          return Future.failedFuture(Problem.conflict("totp_not_started", "the set-up changed meanwhile: start it again"));
        }
        platform.limits().account().codesPerAccount().reset(v.userId().toString());
        Audit.log(platform.pool(), v.companyId(), v.userId(), Audit.TOTP_ENROLLED, v.userId().toString(), new JsonObject(), v.address());
        return platform.sessions().enrolled(v.userId()).compose(x -> {
          platform.vertx().eventBus().publish(Topics.USER_CHANGED, new JsonObject().put("userId", v.userId().toString()));
          return Reply.ok(ctx, new JsonObject().put("recoveryCodes", new JsonArray(recovery)));
        });
      });
    });
  }

  /** Needs the password and a code (or a recovery code); refused while the company requires it of staff. */
  private Future<?> disableTotp(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    Fields f = Fields.strict(Body.json(ctx), "password", "code");
    String password = f.requiredString("password", 1024);
    String code = f.requiredString("code", 100);
    return twoFactor.state(v.userId()).compose(state -> {
      if (!state.enabled()) {
        return Future.failedFuture(Problem.conflict("totp_off", "two-factor sign-in is not on"));
      }
      if (state.required()) {
        return Future.failedFuture(Problem.forbidden("your company requires two-factor sign-in for staff"));
      }
      return checkPassword(ctx, v, password)
          .compose(ok -> twoFactor.check(v.userId(), code))
          .compose(check -> {
            if (check == TwoFactor.Check.WRONG) {
              codeFailed(v, "disable");
              return Future.failedFuture(Problem.badRequest("invalid_code", "the code is not right"));
            }
            return twoFactor.disable(v.userId());
          })
          .compose(x -> {
            Audit.log(platform.pool(), v.companyId(), v.userId(), Audit.TOTP_DISABLED, v.userId().toString(), new JsonObject(), v.address());
            return Reply.noContent(ctx);
          });
    });
  }

  /** An admin emails one of their company's people a link that sets their password. */
  private Future<?> sendPasswordLink(RoutingContext ctx) {
    Viewer v = AuthHandler.viewer(ctx);
    if (!v.isAdmin()) {
      throw Problem.forbidden("only admins may do this");
    }
    UUID id = Body.pathId(ctx, "user");
    return users.byId(v.companyId(), id).compose(found -> {
      User u = found.orElseThrow(() -> Problem.notFound("user"));
      if (!u.active()) {
        return Future.failedFuture(Problem.conflict("inactive", "this person is deactivated: reactivate them first"));
      }
      return links.create(u.companyId(), u.id(), "set", PasswordLinks.SET_LIFETIME).compose(x -> {
        Outbox.ring(platform.vertx());
        Audit.log(platform.pool(), v.companyId(), v.userId(), Audit.PASSWORD_LINK_SENT, u.id().toString(), new JsonObject(), v.address());
        return Reply.json(ctx, 202, new JsonObject().put("message", "a link to set a password was sent to " + u.email()));
      });
    });
  }

  /** Wrong current passwords and codes count against the account, as wrong codes at sign-in do. */
  private void limitCodes(RoutingContext ctx, Viewer v) {
    var codes = platform.limits().account().codesPerAccount();
    String key = v.userId().toString();
    if (!codes.tryAcquire(key)) {
      throw Problem.tooMany(codes.retryAfter(key), "too many attempts");
    }
  }

  private Future<Void> checkPassword(RoutingContext ctx, Viewer v, String password) {
    limitCodes(ctx, v);
    return users.byId(v.companyId(), v.userId()).compose(found -> platform.passwords()
        .verify(found.map(User::passwordHash).orElse(null), password)
        .compose(ok -> ok ? Future.<Void>succeededFuture()
            : Future.failedFuture(new Problem(403, "wrong_password", "the current password is not right"))));
  }

  private void codeFailed(Viewer v, String step) {
    platform.refusals().refused("person " + v.userId(), new Refusals.Entry(v.companyId(), v.userId(), Audit.TOTP_FAILED,
        v.userId().toString(), new JsonObject().put("step", step), v.address()));
  }
}
