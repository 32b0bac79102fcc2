package dev.parley.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The benchmark's flags with their defaults; {@code --help} prints them. */
public final class BenchOptions {

  /** Offered rates in messages per second, stepped up until a step fails. */
  public List<Integer> rates = List.of(50, 100, 200, 400, 800, 1200, 1800, 2400, 3000);
  /** Rates of the raw WebSocket fan-out baseline. */
  public List<Integer> baselineRates = List.of(100, 400, 1200, 2400, 4000, 6000);
  public int stepSeconds = 15;
  public int warmupSeconds = 15;
  public int warmupRate = 200;
  public int drainSeconds = 10;
  public int senders = 100;
  public int receivers = 1000;
  public int smallThreads = 400;
  public int smallThreadSize = 10;
  public int largeThreads = 10;
  public int largeThreadSize = 100;
  /** Every n-th message goes to a large thread; 0 = never. */
  public int largeEvery = 50;
  /** Share of receivers that are clients (contacts, always BCC) rather than staff. */
  public double clientShare = 0.5;
  public int bodyBytes = 1024;
  /** Recipients of each message that open it on arrival, so that the sender gets a read receipt each. */
  public int readsPerMessage = 1;
  /**
   * Rate of the step run after the warm-up with every message to a small thread and no reads: its rows,
   * locks and WAL per message are those of one send to {@link #smallThreadSize} people; 0 = skip.
   */
  public int smallStepRate = 200;
  public int httpConnections = 64;
  public long p99LimitMs = 250;
  public boolean keepGoing = false;
  /** Idle connection counts for the memory measurement; empty = skip. */
  public List<Integer> idleConnections = List.of(10_000, 15_000);
  public boolean pgbench = true;
  public int pgbenchSeconds = 10;
  public int pgbenchClients = 4;
  public boolean fanout = true;
  public boolean parley = true;
  public boolean jfr = false;
  /** Whether the started Parley sends its notification emails (to an SMTP sink) during the run. */
  public boolean emails = false;
  /** The seeded company's notification delay: emails wait this long for their recipient to read. */
  public int notificationDelaySeconds = 0;
  public String serverJvmOptions = "-Xmx2g";
  /** Parley to drive instead of starting one; needs {@link #dbUrl} for seeding. */
  public String url;
  public String dbUrl;
  /** Pids for CPU accounting when driving an already started Parley (and its PostgreSQL postmaster). */
  public long serverPid;
  public long dbPid;
  public Path jar = Path.of("target/parley.jar");
  public Path out = Path.of("target/bench");

  private static final Map<String, String> HELP = new TreeMap<>(Map.ofEntries(
      Map.entry("--rates", "offered rates in msg/s, comma separated"),
      Map.entry("--baseline-rates", "rates of the raw WebSocket fan-out baseline"),
      Map.entry("--step-seconds", "length of each step"),
      Map.entry("--warmup-seconds", "unrecorded warm-up before the steps (0 = none)"),
      Map.entry("--warmup-rate", "rate of the warm-up"),
      Map.entry("--drain-seconds", "how long to wait after a step for deliveries still under way"),
      Map.entry("--senders", "staff users who send"),
      Map.entry("--receivers", "users who receive (each on its own WebSocket)"),
      Map.entry("--small-threads", "threads of --small-thread-size recipients"),
      Map.entry("--small-thread-size", "recipients of a small thread"),
      Map.entry("--large-threads", "threads of --large-thread-size recipients"),
      Map.entry("--large-thread-size", "recipients of a large thread"),
      Map.entry("--large-every", "every n-th message goes to a large thread (0 = never)"),
      Map.entry("--client-share", "share of receivers that are clients rather than staff"),
      Map.entry("--body-bytes", "size of a message body"),
      Map.entry("--reads-per-message", "recipients who open each message on arrival"),
      Map.entry("--small-step-rate", "rate of the step after the warm-up that only sends, to small threads (0 = skip)"),
      Map.entry("--notification-delay-seconds", "the company's notification delay (with --emails: who read gets no email)"),
      Map.entry("--http-connections", "HTTP connections of the senders"),
      Map.entry("--p99-limit-ms", "a step passes with send-to-delivery p99 under this and no loss"),
      Map.entry("--keep-going", "run every rate even after a failed step"),
      Map.entry("--idle", "idle WebSocket counts for heap per connection, comma separated (empty = skip)"),
      Map.entry("--no-pgbench", "skip the pgbench baseline"),
      Map.entry("--pgbench-seconds", "length of the pgbench run"),
      Map.entry("--pgbench-clients", "pgbench clients"),
      Map.entry("--no-fanout", "skip the raw WebSocket fan-out baseline"),
      Map.entry("--no-parley", "skip Parley (baselines only)"),
      Map.entry("--emails", "let the started Parley send its notification emails (to an SMTP sink) during the run"),
      Map.entry("--jfr", "record a JFR profile of the Parley process into the output folder"),
      Map.entry("--server-jvm-options", "JVM options of the Parley process"),
      Map.entry("--url", "drive this started Parley (with --db-url) instead of starting one"),
      Map.entry("--db-url", "postgresql://user:pass@host:port/db of that Parley, for seeding users"),
      Map.entry("--server-pid", "pid of that Parley, for CPU and heap figures"),
      Map.entry("--db-pid", "pid of its PostgreSQL postmaster, for CPU figures"),
      Map.entry("--jar", "the Parley jar to start"),
      Map.entry("--out", "folder of the JSON results")));

  public static BenchOptions parse(String[] args) {
    BenchOptions o = new BenchOptions();
    List<String> a = new ArrayList<>(Arrays.asList(args));
    a.removeIf(String::isBlank);
    for (int i = 0; i < a.size(); i++) {
      String flag = a.get(i);
      String value = null;
      int eq = flag.indexOf('=');
      if (eq > 0) {
        value = flag.substring(eq + 1);
        flag = flag.substring(0, eq);
      }
      if (flag.equals("--help") || flag.equals("-h")) {
        System.out.println("Parley benchmark. Flags:");
        HELP.forEach((k, v) -> System.out.printf("  %-28s %s%n", k, v));
        System.exit(0);
      }
      if (!HELP.containsKey(flag)) {
        throw new IllegalArgumentException("unknown flag " + flag + " (see --help)");
      }
      boolean bool = flag.equals("--keep-going") || flag.equals("--jfr") || flag.equals("--emails") || flag.startsWith("--no-");
      if (!bool && value == null) {
        if (i + 1 >= a.size()) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        value = a.get(++i);
      }
      switch (flag) {
        case "--rates" -> o.rates = ints(value);
        case "--baseline-rates" -> o.baselineRates = ints(value);
        case "--step-seconds" -> o.stepSeconds = Integer.parseInt(value);
        case "--warmup-seconds" -> o.warmupSeconds = Integer.parseInt(value);
        case "--warmup-rate" -> o.warmupRate = Integer.parseInt(value);
        case "--drain-seconds" -> o.drainSeconds = Integer.parseInt(value);
        case "--senders" -> o.senders = Integer.parseInt(value);
        case "--receivers" -> o.receivers = Integer.parseInt(value);
        case "--small-threads" -> o.smallThreads = Integer.parseInt(value);
        case "--small-thread-size" -> o.smallThreadSize = Integer.parseInt(value);
        case "--large-threads" -> o.largeThreads = Integer.parseInt(value);
        case "--large-thread-size" -> o.largeThreadSize = Integer.parseInt(value);
        case "--large-every" -> o.largeEvery = Integer.parseInt(value);
        case "--client-share" -> o.clientShare = Double.parseDouble(value);
        case "--body-bytes" -> o.bodyBytes = Integer.parseInt(value);
        case "--reads-per-message" -> o.readsPerMessage = Integer.parseInt(value);
        case "--small-step-rate" -> o.smallStepRate = Integer.parseInt(value);
        case "--notification-delay-seconds" -> o.notificationDelaySeconds = Integer.parseInt(value);
        case "--http-connections" -> o.httpConnections = Integer.parseInt(value);
        case "--p99-limit-ms" -> o.p99LimitMs = Long.parseLong(value);
        case "--keep-going" -> o.keepGoing = true;
        case "--idle" -> o.idleConnections = ints(value);
        case "--no-pgbench" -> o.pgbench = false;
        case "--pgbench-seconds" -> o.pgbenchSeconds = Integer.parseInt(value);
        case "--pgbench-clients" -> o.pgbenchClients = Integer.parseInt(value);
        case "--no-fanout" -> o.fanout = false;
        case "--no-parley" -> o.parley = false;
        case "--jfr" -> o.jfr = true;
        case "--emails" -> o.emails = true;
        case "--server-jvm-options" -> o.serverJvmOptions = value;
        case "--url" -> o.url = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
        case "--db-url" -> o.dbUrl = value;
        case "--server-pid" -> o.serverPid = Long.parseLong(value);
        case "--db-pid" -> o.dbPid = Long.parseLong(value);
        case "--jar" -> o.jar = Path.of(value);
        case "--out" -> o.out = Path.of(value);
        default -> throw new IllegalArgumentException(flag);
      }
    }
    if (o.url != null && o.dbUrl == null) {
      throw new IllegalArgumentException("--url needs --db-url (users are seeded in the database)");
    }
    if (o.notificationDelaySeconds < 0 || o.notificationDelaySeconds > 3600) {
      throw new IllegalArgumentException("--notification-delay-seconds must be between 0 and 3600");
    }
    if (o.smallThreadSize > o.receivers || o.largeThreadSize > o.receivers) {
      throw new IllegalArgumentException("a thread cannot have more recipients than --receivers");
    }
    return o;
  }

  private static List<Integer> ints(String s) {
    List<Integer> out = new ArrayList<>();
    for (String p : s.split(",")) {
      if (!p.isBlank()) {
        out.add(Integer.parseInt(p.trim()));
      }
    }
    return out;
  }
}
