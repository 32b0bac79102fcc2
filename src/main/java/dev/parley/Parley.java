package dev.parley;

import com.hazelcast.config.Config;
import dev.parley.audit.Refusals;
import dev.parley.auth.Passwords;
import dev.parley.auth.RateLimiter;
import dev.parley.auth.Sessions;
import dev.parley.auth.Tokens;
import dev.parley.db.Db;
import dev.parley.db.Migrations;
import dev.parley.db.Roles;
import dev.parley.embedded.EmbeddedDatabase;
import dev.parley.embedded.EmbeddedMailServer;
import dev.parley.events.GroupCommit;
import dev.parley.messaging.LiveViews;
import dev.parley.realtime.LiveHub;
import dev.parley.http.Admission;
import dev.parley.http.Endpoint;
import dev.parley.http.HttpVerticle;
import dev.parley.realtime.Cluster;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A running Parley node: starts (or connects to) the database and mail server, migrates the schema,
 * seeds the demo company when asked, and deploys the verticles in order.
 */
public final class Parley {

  private static final Logger LOG = LoggerFactory.getLogger(Parley.class);
  /** The most writes one shared transaction takes; the rest wait for the next one. */
  private static final int GROUP_COMMIT_MAX = 64;
  /** Write transactions open at once per node: one fills while another commits. */
  private static final int GROUP_COMMIT_LANES = 2;
  /** The role the node connects to its embedded PostgreSQL as; the superuser only migrates. */
  static final String EMBEDDED_RUNTIME_ROLE = "parley_app";

  private final Vertx vertx;
  private final Platform platform;
  private final Infrastructure infrastructure;
  private final Admission admission;
  /** The HTTP verticles deployed; each serves the same routes. */
  private final List<HttpVerticle> http = new CopyOnWriteArrayList<>();
  /** The background workers' deployments, which a drain stops first. */
  private volatile List<String> workers = List.of();
  private Future<Void> closing;

  private Parley(Vertx vertx, Platform platform, Infrastructure infrastructure) {
    this.vertx = vertx;
    this.platform = platform;
    this.infrastructure = infrastructure;
    this.admission = new Admission(platform.config().requestTimeout());
  }

  public Vertx vertx() {
    return vertx;
  }

  public Platform platform() {
    return platform;
  }

  public int httpPort() {
    return platform.config().httpPort();
  }

  /** Every method and path the node's HTTP server answers. */
  public List<Endpoint> endpoints() {
    return http.isEmpty() ? List.of() : http.get(0).endpoints();
  }

  /** Starts a node with this configuration. */
  public static Future<Parley> start(ParleyConfig config) {
    return start(config, Clock.systemUTC());
  }

  public static Future<Parley> start(ParleyConfig config, Clock clock) {
    PrometheusMeterRegistry metrics = config.metricsPort().isPresent() ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
    Metrics meters = metrics == null ? Metrics.off() : Metrics.of(metrics);
    return createVertx(config, metrics).compose(vertx -> vertx.executeBlocking(() -> Infrastructure.prepare(config))
        .compose(infra -> vertx.executeBlocking(() -> platform(vertx, config, clock, infra, meters))
            .recover(e -> vertx.executeBlocking(() -> {
              infra.close();
              return null;
            }).transform(ignored -> Future.<Platform>failedFuture(e)))
            .compose(platform -> {
              Parley node = new Parley(vertx, platform, infra);
              return Demo.seedIfAsked(platform)
                  .compose(v -> node.deploy())
                  .map(node)
                  .recover(e -> node.close().transform(ignored -> Future.failedFuture(e)));
            }))
        .recover(e -> {
          LOG.error("Parley could not start: {}", e.toString(), e);
          vertx.close();
          return Future.failedFuture(e);
        }));
  }

  private Future<Void> deploy() {
    int httpInstances = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    platform.refusals().start(vertx);
    return platform.sessions().listen(vertx.eventBus())
        .compose(v -> platform.live().start())
        .compose(v -> vertx.deployVerticle(() -> {
          HttpVerticle verticle = new HttpVerticle(platform, admission, Endpoints.of(platform));
          http.add(verticle);
          return verticle;
        },
            new DeploymentOptions().setInstances(httpInstances)))
        .compose(id -> Background.deploy(vertx, platform))
        .onSuccess(ids -> workers = ids)
        .onSuccess(v -> LOG.info("Parley is up on http://localhost:{} (public address {})",
            platform.config().httpPort(), platform.config().publicUrl()))
        .mapEmpty();
  }

  /**
   * Stops the node, within {@code PARLEY_SHUTDOWN_SECONDS}. First the drain (see {@link Drain}):
   * readiness answers 503, new API requests and live sockets are refused, open live sockets are told
   * to reconnect elsewhere, the background workers stop (the outbox hands back what it has not
   * begun to send), and the requests already taken are answered and the writes already handed to the
   * group commit end, so that no write that commits goes unanswered. Then the verticles, pool,
   * cluster membership and the embedded servers. Calling it again answers the same stop.
   */
  public synchronized Future<Void> close() {
    if (closing == null) {
      closing = new Drain(vertx, admission, platform.live(), platform.writes(), platform.config().shutdownTimeout())
          .run(workers, this::undeployAll);
    }
    return closing;
  }

  private Future<Void> undeployAll() {
    List<Future<Void>> undeployed = new ArrayList<>();
    for (String id : vertx.deploymentIDs()) {
      undeployed.add(vertx.undeploy(id).recover(e -> Future.succeededFuture()));
    }
    return Future.join(undeployed)
        .transform(ar -> platform.refusals().close())
        .transform(ar -> platform.pool().close().recover(e -> Future.succeededFuture()))
        .transform(ar -> vertx.close())
        .onComplete(ar -> infrastructure.close());
  }

  private static Future<Vertx> createVertx(ParleyConfig config, PrometheusMeterRegistry metrics) {
    VertxOptions options = new VertxOptions().setPreferNativeTransport(false);
    VertxBuilder builder = Vertx.builder();
    if (metrics != null) {
      // Vert.x's own figures (HTTP, pools, event bus) and the JVM's, in this node's registry; a name of its
      // own so that nodes sharing a JVM keep theirs apart
      options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
          .setRegistryName("parley-" + java.util.UUID.randomUUID()));
      builder.withMetrics(new MicrometerMetricsFactory(metrics));
    }
    if (!config.cluster()) {
      return Future.succeededFuture(builder.with(options).build());
    }
    Config hz;
    try {
      hz = Cluster.hazelcast(config);
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
    options.setEventBusOptions(new EventBusOptions().setHost(config.clusterHost()).setClusterPublicHost(config.clusterHost()));
    HazelcastClusterManager manager = new HazelcastClusterManager(hz);
    return builder.with(options).withClusterManager(manager).buildClustered()
        .onSuccess(vertx -> Cluster.announceDepartures(vertx, manager));
  }

  /** Blocking (reads key files, computes a bcrypt decoy hash): call it from a worker thread. */
  private static Platform platform(Vertx vertx, ParleyConfig config, Clock clock, Infrastructure infra, Metrics metrics)
      throws Exception {
    PgConnectOptions connect = Db.connectOptions(infra.dbUrl())
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256)
        .setReconnectAttempts(0);
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(config.dbPoolSize()).setMaxWaitQueueSize(10_000)
            .setConnectionTimeout(5).setShared(false))
        .connectingTo(connect)
        .using(vertx)
        .build();
    Tokens tokens = Tokens.load(vertx, config.dataDir().resolve("keys"), config.tokenLifetime());
    Sessions sessions = new Sessions(pool, config.sessionIdleTimeout(), config.sessionMaxLifetime(), config.sessionMemory());
    Passwords passwords = new Passwords(vertx, config.bcryptCost());
    Platform.Limits limits = new Platform.Limits(
        new RateLimiter("login_account", config.loginLimitPerAccount(), config.loginLimitWindow(), clock, metrics),
        new RateLimiter("login_address", config.loginLimitPerAddress(), config.loginLimitWindow(), clock, metrics),
        new RateLimiter("send", config.sendLimitPerMinute(), java.time.Duration.ofMinutes(1), clock, metrics),
        new RateLimiter("inbound_sender", 120, java.time.Duration.ofMinutes(1), clock, metrics),
        new Platform.Account(
            new RateLimiter("password_link_address", config.passwordLinkLimitPerAddress(), java.time.Duration.ofMinutes(15), clock, metrics),
            new RateLimiter("password_link_email", config.passwordLinkLimitPerAccount(), java.time.Duration.ofMinutes(15), clock, metrics),
            new RateLimiter("password_link_account", config.passwordLinkLimitPerAccount(), java.time.Duration.ofMinutes(15), clock, metrics),
            new RateLimiter("code_account", config.codeLimitPerAccount(), config.loginLimitWindow(), clock, metrics)));
    return new Platform(config, vertx, pool, tokens, sessions, passwords, limits, clock, infra.secrets(), infra.mail(),
        new GroupCommit(vertx, pool, GROUP_COMMIT_MAX, GROUP_COMMIT_LANES,
            config.requestTimeout().minus(config.requestTimeout().dividedBy(10)), metrics),
        new Refusals(pool, clock, config.auditWindow()),
        new LiveHub(vertx, new LiveViews(), metrics),
        metrics);
  }

  /** What runs outside Vert.x: the embedded servers, migrations and secrets. */
  private record Infrastructure(String dbUrl, EmbeddedDatabase embeddedDb, Platform.Mail mail, Platform.Secrets secrets) {

    static Infrastructure prepare(ParleyConfig config) throws Exception {
      Path data = config.dataDir();
      Files.createDirectories(data);
      EmbeddedDatabase embedded = null;
      String url;
      Optional<String> ownerUrl;
      if (config.embeddedDatabase()) {
        embedded = EmbeddedDatabase.start(data);
        ownerUrl = Optional.of(embedded.url("postgres"));
        String password = HexFormat.of().formatHex(SecretFiles.readOrCreate(data.resolve("keys").resolve("database-runtime.secret")));
        PgConnectOptions owner = Db.connectOptions(ownerUrl.get());
        Roles.ensureLogin(Db.jdbcUrl(owner), owner.getUser(), owner.getPassword(), EMBEDDED_RUNTIME_ROLE, password);
        url = embedded.url("postgres", EMBEDDED_RUNTIME_ROLE, password);
      } else {
        url = config.dbUrl().orElseThrow();
        ownerUrl = config.dbOwnerUrl();
      }
      migrate(url, ownerUrl);

      EmbeddedMailServer mailServer = null;
      if (config.embeddedSmtp() || config.embeddedImap()) {
        mailServer = EmbeddedMailServer.start(config.embeddedSmtpPort(), config.embeddedImapPort(), config.replyDomain());
      }
      Platform.Mail mail = new Platform.Mail(
          config.smtpHost().orElse("127.0.0.1"),
          config.embeddedSmtp() ? mailServer.smtpPort() : config.smtpPort(),
          config.smtpUsername().orElse(null), config.smtpPassword().orElse(null),
          config.embeddedSmtp() ? "none" : config.smtpTls(),
          config.imapHost().orElse("127.0.0.1"),
          config.embeddedImap() ? mailServer.imapPort() : config.imapPort(),
          config.embeddedImap() ? EmbeddedMailServer.repliesLogin(config.replyDomain()) : config.imapUsername().orElse(null),
          config.embeddedImap() ? EmbeddedMailServer.repliesLogin(config.replyDomain()) : config.imapPassword().orElse(null),
          config.embeddedImap() ? "none" : config.imapTls(),
          mailServer);

      Optional<String> inbound = config.inboundSecret();
      byte[] webhook = inbound.isPresent()
          ? inbound.get().getBytes(java.nio.charset.StandardCharsets.UTF_8)
          : SecretFiles.readOrCreate(data.resolve("keys").resolve("inbound-webhook.secret"));
      byte[] reply = SecretFiles.readOrCreate(data.resolve("keys").resolve("reply-token.secret"));
      byte[] passwordLink = SecretFiles.readOrCreate(data.resolve("keys").resolve("password-link.secret"));
      if (inbound.isEmpty()) {
        LOG.debug("inbound webhook secret kept in {}", data.resolve("keys"));
      }
      return new Infrastructure(url, embedded, mail, new Platform.Secrets(webhook, reply, passwordLink));
    }

    /**
     * Migrates as the owner and grants the runtime role its rights; without an owner, migrates as
     * the runtime role, which then owns the audit log and could lift its guard.
     */
    private static void migrate(String url, Optional<String> ownerUrl) throws Exception {
      PgConnectOptions runtime = Db.connectOptions(url);
      String jdbc = Db.jdbcUrl(runtime);
      PgConnectOptions owner = Db.connectOptions(ownerUrl.orElse(url));
      if (!owner.getDatabase().equals(runtime.getDatabase())) {
        throw new IllegalArgumentException(ParleyConfig.DB_OWNER_URL + " and " + ParleyConfig.DB_URL + " must name the same database");
      }
      int applied = Migrations.migrate(Db.jdbcUrl(owner), owner.getUser(), owner.getPassword());
      LOG.info("database schema up to date ({} migrations applied now)", applied);
      if (ownerUrl.isEmpty() || owner.getUser().equals(runtime.getUser())) {
        LOG.warn("{} is unset or names the same role as {}: the schema is migrated by, and owned by, the role Parley runs "
            + "as, so the audit log is only guarded against honest use (its owner can disable, drop or replace its "
            + "append-only triggers). Set {} to the owner and {} to a role that owns nothing (see the README)",
            ParleyConfig.DB_OWNER_URL, ParleyConfig.DB_URL, ParleyConfig.DB_OWNER_URL, ParleyConfig.DB_URL);
        return;
      }
      Roles.grantRuntime(Db.jdbcUrl(owner), owner.getUser(), owner.getPassword(), runtime.getUser());
      if (Roles.canAlterAuditLog(jdbc, runtime.getUser(), runtime.getPassword())) {
        LOG.warn("the database role {} that Parley runs as is a superuser or a member of the audit log's owner: the audit "
            + "log is only guarded against honest use. Run Parley as a role that owns nothing (see the README)", runtime.getUser());
      }
    }

    void close() {
      if (mail.embedded() != null) {
        mail.embedded().close();
      }
      if (embeddedDb != null) {
        try {
          embeddedDb.close();
        } catch (Exception e) {
          LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
      }
    }
  }
}
