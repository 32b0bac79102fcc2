package dev.parley;

import dev.parley.logs.LogFormat;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Every configuration key of Parley with its default, read once at start-up.
 * The file {@code conf/parley.json} (or the file named by {@code PARLEY_CONFIG}) gives values by key;
 * the environment variable of the same key overrides the file.
 */
public record ParleyConfig(
    int httpPort,
    String publicUrl,
    Path dataDir,
    LogFormat logFormat,
    Optional<String> dbUrl,
    Optional<String> dbOwnerUrl,
    int dbPoolSize,
    Optional<String> smtpHost,
    int smtpPort,
    Optional<String> smtpUsername,
    Optional<String> smtpPassword,
    String smtpTls,
    int smtpPoolSize,
    String mailFrom,
    Optional<String> imapHost,
    int imapPort,
    Optional<String> imapUsername,
    Optional<String> imapPassword,
    String imapTls,
    String imapFolder,
    Duration imapPollInterval,
    String replyDomain,
    int embeddedSmtpPort,
    int embeddedImapPort,
    Optional<String> inboundSecret,
    boolean cluster,
    String clusterMembers,
    int clusterPort,
    String clusterHost,
    Path clusterConfig,
    ClusterDiscovery clusterDiscovery,
    boolean demo,
    String demoAdminPassword,
    Duration tokenLifetime,
    Duration sessionIdleTimeout,
    Duration sessionMaxLifetime,
    Duration sessionMemory,
    int bcryptCost,
    int loginLimitPerAccount,
    int loginLimitPerAddress,
    Duration loginLimitWindow,
    int passwordLinkLimitPerAddress,
    int passwordLinkLimitPerAccount,
    int codeLimitPerAccount,
    Duration auditWindow,
    int sendLimitPerMinute,
    Duration eventRetention,
    Duration outboxPollInterval,
    Duration outboxRetryBase,
    Duration outboxRetryMax,
    Duration outboxGiveUpAfter,
    Duration smtpTimeout,
    boolean outboxWorker,
    Optional<Integer> metricsPort,
    String metricsHost,
    Duration requestTimeout,
    Duration shutdownTimeout,
    Attachments attachments) {

  /**
   * The limits of attachments and their virus scanner: bytes per file and per message, the types
   * allowed (as detected from the content), and clamd's address (none: files are not scanned).
   */
  public record Attachments(long maxFileBytes, long maxMessageBytes, java.util.Set<String> types,
                            Optional<String> clamavHost, int clamavPort, Duration clamavTimeout) {
  }

  /**
   * How a clustered node finds the others: {@code tcp}, the members listed in
   * {@value #CLUSTER_MEMBERS}, or {@code kubernetes}, the pods behind the headless Service
   * {@code k8sService} in {@code k8sNamespace} (none: the pod's own namespace), asked of the
   * Kubernetes API.
   */
  public record ClusterDiscovery(String mode, Optional<String> k8sService, Optional<String> k8sNamespace) {
    public boolean kubernetes() {
      return "kubernetes".equals(mode);
    }
  }

  /** The configuration file; read from the environment only. */
  public static final String CONFIG = "PARLEY_CONFIG";
  /** Environment variable names; the file uses the same names. */
  public static final String HTTP_PORT = "PARLEY_HTTP_PORT";
  public static final String PUBLIC_URL = "PARLEY_PUBLIC_URL";
  public static final String DATA_DIR = "PARLEY_DATA_DIR";
  /** {@code text} or {@code json} (one object per line); the environment variable also decides the first lines. */
  public static final String LOG_FORMAT = LogFormat.KEY;
  public static final String DB_URL = "PARLEY_DB_URL";
  /** The role that owns the schema and runs migrations; PARLEY_DB_URL's role then only uses it. */
  public static final String DB_OWNER_URL = "PARLEY_DB_OWNER_URL";
  public static final String DB_POOL_SIZE = "PARLEY_DB_POOL_SIZE";
  public static final String SMTP_HOST = "PARLEY_SMTP_HOST";
  public static final String SMTP_PORT = "PARLEY_SMTP_PORT";
  public static final String SMTP_USERNAME = "PARLEY_SMTP_USERNAME";
  public static final String SMTP_PASSWORD = "PARLEY_SMTP_PASSWORD";
  public static final String SMTP_TLS = "PARLEY_SMTP_TLS";
  public static final String SMTP_POOL_SIZE = "PARLEY_SMTP_POOL_SIZE";
  public static final String MAIL_FROM = "PARLEY_MAIL_FROM";
  public static final String IMAP_HOST = "PARLEY_IMAP_HOST";
  public static final String IMAP_PORT = "PARLEY_IMAP_PORT";
  public static final String IMAP_USERNAME = "PARLEY_IMAP_USERNAME";
  public static final String IMAP_PASSWORD = "PARLEY_IMAP_PASSWORD";
  public static final String IMAP_TLS = "PARLEY_IMAP_TLS";
  public static final String IMAP_FOLDER = "PARLEY_IMAP_FOLDER";
  public static final String IMAP_POLL_SECONDS = "PARLEY_IMAP_POLL_SECONDS";
  public static final String REPLY_DOMAIN = "PARLEY_REPLY_DOMAIN";
  public static final String EMBEDDED_SMTP_PORT = "PARLEY_EMBEDDED_SMTP_PORT";
  public static final String EMBEDDED_IMAP_PORT = "PARLEY_EMBEDDED_IMAP_PORT";
  public static final String INBOUND_SECRET = "PARLEY_INBOUND_SECRET";
  public static final String CLUSTER = "PARLEY_CLUSTER";
  public static final String CLUSTER_MEMBERS = "PARLEY_CLUSTER_MEMBERS";
  public static final String CLUSTER_PORT = "PARLEY_CLUSTER_PORT";
  public static final String CLUSTER_HOST = "PARLEY_CLUSTER_HOST";
  public static final String CLUSTER_CONFIG = "PARLEY_CLUSTER_CONFIG";
  /** {@code tcp} (the members listed) or {@code kubernetes} (the pods behind a headless Service). */
  public static final String CLUSTER_DISCOVERY = "PARLEY_CLUSTER_DISCOVERY";
  public static final String CLUSTER_K8S_SERVICE = "PARLEY_CLUSTER_K8S_SERVICE";
  public static final String CLUSTER_K8S_NAMESPACE = "PARLEY_CLUSTER_K8S_NAMESPACE";
  public static final String DEMO = "PARLEY_DEMO";
  public static final String DEMO_ADMIN_PASSWORD = "PARLEY_DEMO_ADMIN_PASSWORD";
  public static final String TOKEN_MINUTES = "PARLEY_TOKEN_MINUTES";
  public static final String SESSION_IDLE_MINUTES = "PARLEY_SESSION_IDLE_MINUTES";
  public static final String SESSION_MAX_HOURS = "PARLEY_SESSION_MAX_HOURS";
  /** How long a node answers from its memory of a live session before asking the database again; 0: always ask. */
  public static final String SESSION_MEMORY_SECONDS = "PARLEY_SESSION_MEMORY_SECONDS";
  public static final String BCRYPT_COST = "PARLEY_BCRYPT_COST";
  public static final String LOGIN_LIMIT_ACCOUNT = "PARLEY_LOGIN_LIMIT_ACCOUNT";
  public static final String LOGIN_LIMIT_ADDRESS = "PARLEY_LOGIN_LIMIT_ADDRESS";
  public static final String LOGIN_LIMIT_WINDOW_SECONDS = "PARLEY_LOGIN_LIMIT_WINDOW_SECONDS";
  /** "Forgot password?" requests per client address in 15 minutes (then 429). */
  public static final String PASSWORD_LINK_LIMIT_ADDRESS = "PARLEY_PASSWORD_LINK_LIMIT_ADDRESS";
  /** Password-link emails per account (and requests per address typed) in 15 minutes. */
  public static final String PASSWORD_LINK_LIMIT_ACCOUNT = "PARLEY_PASSWORD_LINK_LIMIT_ACCOUNT";
  /** Second-factor codes and current passwords tried per account in the sign-in window (then 429). */
  public static final String CODE_LIMIT_ACCOUNT = "PARLEY_CODE_LIMIT_ACCOUNT";
  /** Refusals anyone can repeat (failed sign-ins, 401s, CSRF) are written once per source and window, with a count. */
  public static final String AUDIT_WINDOW_SECONDS = "PARLEY_AUDIT_WINDOW_SECONDS";
  public static final String SEND_LIMIT_PER_MINUTE = "PARLEY_SEND_LIMIT_PER_MINUTE";
  public static final String EVENT_RETENTION_DAYS = "PARLEY_EVENT_RETENTION_DAYS";
  public static final String OUTBOX_POLL_MS = "PARLEY_OUTBOX_POLL_MS";
  /** false: this node writes outbox rows but leaves sending them to the other nodes. */
  public static final String OUTBOX_WORKER = "PARLEY_OUTBOX_WORKER";
  public static final String OUTBOX_RETRY_BASE_MS = "PARLEY_OUTBOX_RETRY_BASE_MS";
  public static final String OUTBOX_RETRY_MAX_MS = "PARLEY_OUTBOX_RETRY_MAX_MS";
  /** An email still undelivered this many days after it was queued is marked failed (admins may send it again). */
  public static final String OUTBOX_GIVE_UP_DAYS = "PARLEY_OUTBOX_GIVE_UP_DAYS";
  /** Prometheus metrics at /metrics on this port; unset: no metrics. */
  public static final String METRICS_PORT = "PARLEY_METRICS_PORT";
  public static final String METRICS_HOST = "PARLEY_METRICS_HOST";
  public static final String SMTP_TIMEOUT_SECONDS = "PARLEY_SMTP_TIMEOUT_SECONDS";
  /** An API request not answered in this time answers 503; its write must have committed a tenth earlier. */
  public static final String REQUEST_TIMEOUT_SECONDS = "PARLEY_REQUEST_TIMEOUT_SECONDS";
  /** How long a stopping node waits for the requests and writes in flight to finish. */
  public static final String SHUTDOWN_SECONDS = "PARLEY_SHUTDOWN_SECONDS";
  public static final String ATTACHMENT_MAX_MB = "PARLEY_ATTACHMENT_MAX_MB";
  public static final String ATTACHMENT_MESSAGE_MAX_MB = "PARLEY_ATTACHMENT_MESSAGE_MAX_MB";
  /** The detected types an upload may have, comma-separated. */
  public static final String ATTACHMENT_TYPES = "PARLEY_ATTACHMENT_TYPES";
  public static final String CLAMAV_HOST = "PARLEY_CLAMAV_HOST";
  public static final String CLAMAV_PORT = "PARLEY_CLAMAV_PORT";
  public static final String CLAMAV_TIMEOUT_SECONDS = "PARLEY_CLAMAV_TIMEOUT_SECONDS";
  /** What may be attached unless {@value #ATTACHMENT_TYPES} says otherwise: PDF, images, office documents, plain text and CSV. */
  public static final String DEFAULT_ATTACHMENT_TYPES = String.join(",",
      "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "image/heic", "image/heif",
      "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/vnd.openxmlformats-officedocument.presentationml.presentation",
      "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
      "application/vnd.oasis.opendocument.presentation", "application/rtf", "text/plain", "text/csv");

  public boolean embeddedDatabase() {
    return dbUrl.isEmpty();
  }

  public boolean embeddedSmtp() {
    return smtpHost.isEmpty();
  }

  public boolean embeddedImap() {
    return imapHost.isEmpty();
  }

  /** Reads the config file (if present) and the environment. */
  public static ParleyConfig load() {
    return load(System.getenv());
  }

  public static ParleyConfig load(Map<String, String> env) {
    Path file = Path.of(env.getOrDefault(CONFIG, "conf/parley.json"));
    JsonObject fromFile = new JsonObject();
    try {
      if (Files.isRegularFile(file)) {
        fromFile = new JsonObject(Files.readString(file));
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return from(fromFile, env);
  }

  /** Builds a config from explicit values over the file values; used by tests and tools. */
  public static ParleyConfig from(JsonObject file, Map<String, String> env) {
    Source s = new Source(file, env);
    Optional<String> dbUrl = s.opt(DB_URL);
    return new ParleyConfig(
        s.integer(HTTP_PORT, 8080),
        stripSlash(s.str(PUBLIC_URL, "http://localhost:8080")),
        Path.of(s.str(DATA_DIR, "data")),
        LogFormat.parse(s.str(LOG_FORMAT, "text")),
        dbUrl,
        s.opt(DB_OWNER_URL),
        s.integer(DB_POOL_SIZE, 8),
        s.opt(SMTP_HOST),
        s.integer(SMTP_PORT, 25),
        s.opt(SMTP_USERNAME),
        s.opt(SMTP_PASSWORD),
        s.oneOf(SMTP_TLS, "none", "none", "starttls", "tls"),
        s.integer(SMTP_POOL_SIZE, 4),
        s.str(MAIL_FROM, "Parley <no-reply@parley.localhost>"),
        s.opt(IMAP_HOST),
        s.integer(IMAP_PORT, 143),
        s.opt(IMAP_USERNAME),
        s.opt(IMAP_PASSWORD),
        s.oneOf(IMAP_TLS, "none", "none", "starttls", "tls"),
        s.str(IMAP_FOLDER, "INBOX"),
        Duration.ofSeconds(s.integer(IMAP_POLL_SECONDS, 5)),
        s.str(REPLY_DOMAIN, "parley.localhost"),
        s.integer(EMBEDDED_SMTP_PORT, 2525),
        s.integer(EMBEDDED_IMAP_PORT, 2143),
        s.opt(INBOUND_SECRET),
        s.bool(CLUSTER, false),
        s.str(CLUSTER_MEMBERS, ""),
        s.integer(CLUSTER_PORT, 5701),
        s.str(CLUSTER_HOST, "127.0.0.1"),
        Path.of(s.str(CLUSTER_CONFIG, "conf/cluster.xml")),
        new ClusterDiscovery(s.oneOf(CLUSTER_DISCOVERY, "tcp", "tcp", "kubernetes"),
            s.opt(CLUSTER_K8S_SERVICE), s.opt(CLUSTER_K8S_NAMESPACE)),
        s.bool(DEMO, dbUrl.isEmpty()),
        s.str(DEMO_ADMIN_PASSWORD, "demo-admin"),
        Duration.ofMinutes(s.integer(TOKEN_MINUTES, 15)),
        Duration.ofMinutes(s.integer(SESSION_IDLE_MINUTES, 15)),
        Duration.ofHours(s.integer(SESSION_MAX_HOURS, 12)),
        Duration.ofSeconds(s.integer(SESSION_MEMORY_SECONDS, 5)),
        s.integer(BCRYPT_COST, 12),
        s.integer(LOGIN_LIMIT_ACCOUNT, 5),
        s.integer(LOGIN_LIMIT_ADDRESS, 20),
        Duration.ofSeconds(s.integer(LOGIN_LIMIT_WINDOW_SECONDS, 300)),
        s.integer(PASSWORD_LINK_LIMIT_ADDRESS, 10),
        s.integer(PASSWORD_LINK_LIMIT_ACCOUNT, 3),
        s.integer(CODE_LIMIT_ACCOUNT, 5),
        Duration.ofSeconds(s.integer(AUDIT_WINDOW_SECONDS, 60)),
        s.integer(SEND_LIMIT_PER_MINUTE, 120),
        Duration.ofDays(s.integer(EVENT_RETENTION_DAYS, 30)),
        Duration.ofMillis(s.integer(OUTBOX_POLL_MS, 3000)),
        Duration.ofMillis(s.integer(OUTBOX_RETRY_BASE_MS, 30_000)),
        Duration.ofMillis(s.integer(OUTBOX_RETRY_MAX_MS, 3_600_000)),
        Duration.ofDays(s.integer(OUTBOX_GIVE_UP_DAYS, 3)),
        Duration.ofSeconds(s.integer(SMTP_TIMEOUT_SECONDS, 30)),
        s.bool(OUTBOX_WORKER, true),
        s.opt(METRICS_PORT).map(v -> s.integer(METRICS_PORT, 0)),
        s.str(METRICS_HOST, "127.0.0.1"),
        Duration.ofSeconds(s.positive(REQUEST_TIMEOUT_SECONDS, 10)),
        Duration.ofSeconds(s.integer(SHUTDOWN_SECONDS, 20)),
        new Attachments(s.positive(ATTACHMENT_MAX_MB, 25) * 1024L * 1024L,
            s.positive(ATTACHMENT_MESSAGE_MAX_MB, 50) * 1024L * 1024L,
            types(s.str(ATTACHMENT_TYPES, DEFAULT_ATTACHMENT_TYPES)),
            s.opt(CLAMAV_HOST), s.integer(CLAMAV_PORT, 3310),
            Duration.ofSeconds(s.positive(CLAMAV_TIMEOUT_SECONDS, 30))));
  }

  private static java.util.Set<String> types(String list) {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    for (String t : list.split(",")) {
      if (!t.isBlank()) {
        out.add(t.trim().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return java.util.Set.copyOf(out);
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private record Source(JsonObject file, Map<String, String> env) {
    Optional<String> opt(String key) {
      String v = env.get(key);
      if (v == null && file.containsKey(key) && file.getValue(key) != null) {
        v = String.valueOf(file.getValue(key));
      }
      return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    String str(String key, String def) {
      return opt(key).orElse(def);
    }

    int integer(String key, int def) {
      String v = str(key, Integer.toString(def));
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'");
      }
    }

    int positive(String key, int def) {
      int v = integer(key, def);
      if (v < 1) {
        throw new IllegalArgumentException(key + " must be at least 1, got " + v);
      }
      return v;
    }

    boolean bool(String key, boolean def) {
      String v = str(key, Boolean.toString(def)).toLowerCase();
      return switch (v) {
        case "true", "1", "yes", "on" -> true;
        case "false", "0", "no", "off" -> false;
        default -> throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
      };
    }

    String oneOf(String key, String def, String... allowed) {
      String v = str(key, def).toLowerCase();
      for (String a : allowed) {
        if (a.equals(v)) {
          return v;
        }
      }
      throw new IllegalArgumentException(key + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }
  }
}
