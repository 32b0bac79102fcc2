package dev.parley.auth;

import dev.parley.Fields;
import dev.parley.Platform;
import dev.parley.Problem;
import dev.parley.audit.Audit;
import dev.parley.audit.Refusals;
import dev.parley.directory.User;
import dev.parley.directory.Users;
import dev.parley.http.Body;
import dev.parley.http.Reply;
import dev.parley.http.Routes;
import dev.parley.logs.RequestFields;
import dev.parley.notify.Outbox;
import dev.parley.notify.PasswordLinkTokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Sign-in (with its second step when the person has TOTP), sign-out, "who am I", and the password
 * links of "Forgot password?". Every write here comes from a browser that is not signed in yet, so
 * each needs a JSON body and, when the browser names an Origin, ours (login CSRF).
 */
public final class AuthRoutes implements Routes {

  private static final Logger LOG = LoggerFactory.getLogger(AuthRoutes.class);

  private final Platform platform;
  private final AuthHandler auth;
  private final Users users;
  private final TwoFactor twoFactor;
  private final PasswordLinks links;
  private final SignIns signIns;

  public AuthRoutes(Platform platform, AuthHandler auth) {
    this.signIns = new SignIns(platform.metrics());
    this.platform = platform;
    this.auth = auth;
    this.users = new Users(platform.pool());
    this.twoFactor = new TwoFactor(platform.pool(), new Totp(platform.clock()));
    this.links = new PasswordLinks(platform.pool(), new PasswordLinkTokens(platform.secrets().passwordLink()));
  }

  /** Before the session check: signing in needs none; "who am I" asks {@code auth} itself. */
  @Override
  public Stage stage() {
    return Stage.OPEN;
  }

  @Override
  public void mount(Router api) {
    api.post("/auth/login").handler(Reply.async(this::login));
    api.post("/auth/totp").handler(Reply.async(this::secondStep));
    api.post("/auth/forgot").handler(Reply.async(this::forgot));
    api.post("/auth/reset").handler(Reply.async(this::reset));
    api.post("/auth/logout").handler(Reply.async(this::logout));
    api.get("/me").handler(auth).handler(Reply.async(this::me));
  }

  /**
   * The body of a write made before signing in: declared as JSON (a cross-site form, or a no-cors
   * fetch of a typeless blob, cannot send that without a preflight) and from our own origin.
   */
  private JsonObject bodyFromThisSite(RoutingContext ctx) {
    if (ctx.request().getHeader("Content-Type") == null) {
      throw new Problem(415, "unsupported_media_type", "the body must be sent as application/json");
    }
    if (auth.foreignOrigin(ctx)) {
      ctx.put(AuthHandler.REFUSAL, "csrf");
      throw Problem.forbidden("signing in from another site is refused");
    }
    return Body.json(ctx);
  }

  private Future<?> login(RoutingContext ctx) {
    SignIn in = SignIn.from(bodyFromThisSite(ctx));
    String email = in.email();
    String address = AuthHandler.clientAddress(ctx);
    Platform.Limits limits = platform.limits();
    boolean addressOk = limits.loginPerAddress().tryAcquire(address);
    boolean accountOk = limits.loginPerAccount().tryAcquire(email);
    if (!addressOk || !accountOk) {
      failed(null, null, email, new JsonObject().put("reason", "rate_limited"), address);
      signIns.count(SignIns.Outcome.LOCKED);
      throw addressOk
          ? Problem.tooMany(limits.loginPerAccount().retryAfter(email),
              "too many sign-in attempts for this account (or choose a new password with \"Forgot password?\", which lifts this)")
          : Problem.tooMany(limits.loginPerAddress().retryAfter(address), "too many sign-in attempts from your address");
    }
    return users.byEmail(email).compose(found -> {
      List<User> candidates = found.stream().filter(User::active)
          .filter(u -> in.companyId() == null || u.companyId().equals(in.companyId())).toList();
      return matching(candidates, in.password()).compose(matches -> {
        if (matches.isEmpty()) {
          failed(found.isEmpty() ? null : found.get(0).companyId(), found.isEmpty() ? null : found.get(0).id(), email,
              new JsonObject().put("reason", "invalid_credentials"), address);
          signIns.count(SignIns.Outcome.WRONG_PASSWORD);
          return Future.failedFuture(new Problem(401, "invalid_credentials", "the email or password is not right"));
        }
        if (matches.size() > 1) {
          signIns.count(SignIns.Outcome.COMPANY_REQUIRED);
          return companyChoice(ctx, matches);
        }
        limits.loginPerAccount().reset(email);
        return afterPassword(ctx, matches.get(0), address);
      });
    });
  }

  /**
   * The active accounts of the address whose password this is, hashed in parallel. With no account a
   * decoy hash is checked, so the answer takes as long whether or not the address exists.
   */
  private Future<List<User>> matching(List<User> candidates, String password) {
    if (candidates.isEmpty()) {
      return platform.passwords().verify(null, password).map(ok -> List.of());
    }
    List<Future<Boolean>> checks = new ArrayList<>();
    candidates.forEach(u -> checks.add(platform.passwords().verify(u.passwordHash(), password)));
    return Future.all(checks).map(all -> {
      List<User> out = new ArrayList<>();
      for (int i = 0; i < candidates.size(); i++) {
        if (Boolean.TRUE.equals(all.resultAt(i))) {
          out.add(candidates.get(i));
        }
      }
      return out;
    });
  }

  /** The password opens accounts in several companies: the caller, who knows it, picks one. */
  private Future<Void> companyChoice(RoutingContext ctx, List<User> matches) {
    List<Future<String>> names = new ArrayList<>();
    matches.forEach(u -> names.add(users.companyName(u.companyId())));
    return Future.all(names).compose(all -> {
      JsonArray companies = new JsonArray();
      for (int i = 0; i < matches.size(); i++) {
        companies.add(new JsonObject().put("id", matches.get(i).companyId().toString()).put("name", all.resultAt(i)));
      }
      return Reply.json(ctx, 409, new JsonObject().put("error", "company_required")
          .put("message", "this address signs in to several companies: choose one").put("companies", companies));
    });
  }

  /** The password was right: a ticket for the second step, or a session (limited to enrolment when required). */
  private Future<Void> afterPassword(RoutingContext ctx, User u, String address) {
    return twoFactor.state(u.id()).compose(state -> {
      if (state.enabled()) {
        signIns.count(SignIns.Outcome.TOTP_REQUIRED);
        return twoFactor.ticket(u.id()).compose(ticket -> Reply.ok(ctx,
            new JsonObject().put("totpRequired", true).put("ticket", ticket)));
      }
      return startSession(ctx, u, state.required(), address);
    });
  }

  private Future<Void> startSession(RoutingContext ctx, User u, boolean enrolOnly, String address) {
    return auth.sessions().create(u.id(), enrolOnly).compose(sessionId -> {
      signIns.count(SignIns.Outcome.SUCCESS);
      String token = platform.tokens().issue(u.id(), u.companyId(), u.role(), sessionId);
      RequestFields.signedIn(u.id());
      auth.setCookie(ctx, token);
      Audit.log(platform.pool(), u.companyId(), u.id(), Audit.SIGN_IN, u.id().toString(), new JsonObject(), address);
      JsonObject out = new JsonObject()
          .put("token", token)
          .put("user", new JsonObject().put("id", u.id().toString()).put("name", u.name())
              .put("email", u.email()).put("role", u.role().wire()));
      if (enrolOnly) {
        out.put("totpEnrolmentRequired", true);
      }
      return Reply.ok(ctx, out);
    });
  }

  /** The second step: the ticket of a right password and a TOTP code or an unused recovery code. */
  private Future<?> secondStep(RoutingContext ctx) {
    Fields f = Fields.strict(bodyFromThisSite(ctx), "ticket", "code");
    String ticket = f.requiredString("ticket", 200);
    String code = f.requiredString("code", 100);
    String address = AuthHandler.clientAddress(ctx);
    if (!platform.limits().loginPerAddress().tryAcquire(address)) {
      signIns.count(SignIns.Outcome.LOCKED);
      throw Problem.tooMany(platform.limits().loginPerAddress().retryAfter(address), "too many sign-in attempts from your address");
    }
    return twoFactor.ticketHolder(ticket).compose(holder -> {
      UUID userId = holder.orElseThrow(() -> new Problem(401, "invalid_ticket", "this sign-in has expired: sign in again"));
      String key = userId.toString();
      var codes = platform.limits().account().codesPerAccount();
      if (!codes.tryAcquire(key)) {
        signIns.count(SignIns.Outcome.LOCKED);
        throw Problem.tooMany(codes.retryAfter(key), "too many wrong codes");
      }
      return users.forSignIn(userId).compose(found -> {
        User u = found.filter(User::active).orElseThrow(() -> new Problem(401, "invalid_ticket", "this sign-in has expired: sign in again"));
        return twoFactor.check(userId, code).compose(check -> {
          if (check == TwoFactor.Check.WRONG) {
            signIns.count(SignIns.Outcome.WRONG_CODE);
            platform.refusals().refused("person " + userId, new Refusals.Entry(u.companyId(), userId, Audit.TOTP_FAILED,
                userId.toString(), new JsonObject().put("step", "sign_in"), address));
            return twoFactor.failTicket(ticket).compose(v -> Future.failedFuture(
                new Problem(401, "invalid_code", "the code is not right (a code works once; wait for the next one)")));
          }
          return twoFactor.spendTicket(ticket).compose(spent -> {
            if (!spent) {
              return Future.failedFuture(new Problem(401, "invalid_ticket", "this sign-in has expired: sign in again"));
            }
            codes.reset(key);
            platform.limits().loginPerAccount().reset(u.email());
            if (check == TwoFactor.Check.RECOVERY_CODE) {
              Audit.log(platform.pool(), u.companyId(), userId, Audit.RECOVERY_CODE_USED, userId.toString(), new JsonObject(), address);
            }
            return startSession(ctx, u, false, address);
          });
        });
      });
    });
  }

  /**
   * "Forgot password?": always 202 at once, whether or not the address exists; the links are written
   * (one per account of the address, at most a few per account and window) after the answer left.
   */
  private Future<?> forgot(RoutingContext ctx) {
    Fields f = Fields.strict(bodyFromThisSite(ctx), "email");
    String email = f.requiredString("email", 254).trim().toLowerCase(Locale.ROOT);
    String address = AuthHandler.clientAddress(ctx);
    Platform.Account limits = platform.limits().account();
    if (!limits.linksPerAddress().tryAcquire(address)) {
      throw Problem.tooMany(limits.linksPerAddress().retryAfter(address), "too many password links asked for from your address");
    }
    // the same for every address typed, existing or not, so it tells nothing
    if (!limits.linksPerEmail().tryAcquire(email)) {
      throw Problem.tooMany(limits.linksPerEmail().retryAfter(email), "a link for this address was asked for several times already");
    }
    return Reply.json(ctx, 202, new JsonObject().put("message", "if an account has this address, an email with a link is on its way"))
        .onComplete(ar -> sendLinks(email, address));
  }

  private void sendLinks(String email, String address) {
    users.byEmail(email).compose(found -> {
      List<Future<Void>> sent = new ArrayList<>();
      for (User u : found) {
        if (u.active() && platform.limits().account().linksPerAccount().tryAcquire(u.id().toString())) {
          sent.add(links.create(u.companyId(), u.id(), "reset", PasswordLinks.RESET_LIFETIME)
              .compose(v -> Audit.record(platform.pool(), u.companyId(), u.id(), Audit.PASSWORD_RESET_REQUESTED,
                  u.id().toString(), new JsonObject(), address)));
        }
      }
      return Future.all(sent);
    }).onSuccess(all -> {
      if (all.size() > 0) {
        Outbox.ring(platform.vertx());
      }
    }).onFailure(e -> LOG.warn("a password link was not written: {}", e.getMessage()));
  }

  /** Sets a new password with a link: every session of the person ends, and the sign-in lock-out lifts. */
  private Future<?> reset(RoutingContext ctx) {
    Fields f = Fields.strict(bodyFromThisSite(ctx), "token", "password");
    String token = f.requiredString("token", 200);
    String password = f.requiredString("password", 1024);
    String weak = Passwords.weakness(password);
    if (weak != null) {
      throw Problem.badRequest("weak_password", weak);
    }
    String address = AuthHandler.clientAddress(ctx);
    var perAddress = platform.limits().account().linksPerAddress();
    if (!perAddress.tryAcquire(address)) {
      throw Problem.tooMany(perAddress.retryAfter(address), "too many password links tried from your address");
    }
    return platform.passwords().hash(password).compose(hash -> links.use(token, hash)).compose(used -> {
      PasswordLinks.Used u = used.orElseThrow(() -> Problem.badRequest("invalid_link",
          "this link no longer works: it was used already, it expired, or it was not sent by us. Ask for a new one"));
      platform.sessions().announceAllEnded(platform.vertx().eventBus(), u.userId());
      platform.limits().loginPerAccount().reset(u.email());
      Audit.log(platform.pool(), u.companyId(), u.userId(), Audit.PASSWORD_RESET_USED, u.userId().toString(), new JsonObject(), address);
      return Reply.noContent(ctx);
    });
  }

  /** The sign-in body: the address as typed (trimmed, lower case), the password, and the company when several share the address. */
  private record SignIn(String email, String password, UUID companyId) {
    static SignIn from(JsonObject json) {
      Fields f = Fields.strict(json, "email", "password", "companyId");
      return new SignIn(f.requiredString("email", 254).trim().toLowerCase(Locale.ROOT), f.requiredString("password", 1024),
          f.optionalUuid("companyId"));
    }
  }

  /** A refused sign-in: counted per client address, so that guessing cannot fill the audit log. */
  private void failed(UUID companyId, UUID userId, String email, JsonObject detail, String address) {
    // not the email address typed: the audit log keeps it, for the people allowed to read it
    LOG.info("sign-in refused: {}", detail.getString("reason"));
    platform.refusals().refused("address " + address,
        new Refusals.Entry(companyId, userId, Audit.SIGN_IN_FAILED, email, detail, address));
  }

  private Future<?> logout(RoutingContext ctx) {
    return auth.authenticate(ctx)
        .compose(v -> auth.sessions().revoke(v.sessionId()).map(userId -> {
          platform.sessions().announceEnded(platform.vertx().eventBus(), v.userId(), List.of(v.sessionId()));
          Audit.log(platform.pool(), v.companyId(), v.userId(), Audit.SIGN_OUT, v.userId().toString(), new JsonObject(), v.address());
          return v;
        }))
        .recover(e -> e instanceof Problem p && (p.status() == 401 || p.status() == 403)
            ? Future.succeededFuture(null) : Future.failedFuture(e))
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
        .put("company", new JsonObject().put("id", v.companyId().toString()).put("name", company))
        .put("totpEnrolmentRequired", Boolean.TRUE.equals(ctx.get(AuthHandler.ENROL_ONLY)))));
  }
}
