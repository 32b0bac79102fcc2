package dev.parley.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parley's benchmark: send-to-delivery latency, throughput, CPU per message and heap per idle
 * connection, next to the machine's own limits measured in the same run (pgbench commits and a raw
 * WebSocket fan-out). Run with {@code mvn -B -Pbench -DskipTests package exec:exec}; {@code --help}
 * lists the flags (pass them with {@code -Dbench.args="..."}).
 */
public final class Bench {

  private final BenchOptions o;
  /** How long idle sockets are held open before their heap is measured. */
  private static final java.time.Duration IDLE_HOLD = java.time.Duration.ofSeconds(5);
  private static final int TOP_STATEMENTS_OF_STEP = 8;
  private static final int TOP_STATEMENTS_OF_RUN = 15;

  private final Vertx vertx;
  private final JsonObject report = new JsonObject();
  /** Emails Parley's outbox handed to the SMTP sink so far, when Parley was started here. */
  private java.util.concurrent.atomic.AtomicLong emails;

  private Bench(BenchOptions o) {
    this.o = o;
    this.vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(false).setBlockedThreadCheckInterval(10_000));
  }

  public static void main(String[] args) throws Exception {
    BenchOptions o = BenchOptions.parse(args);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().children().forEach(ProcessHandle::destroy)));
    Bench bench = new Bench(o);
    int status = 0;
    try {
      bench.runAll();
    } catch (Throwable e) {
      e.printStackTrace();
      status = 1;
    } finally {
      bench.vertx.close().await();
    }
    System.exit(status);
  }

  private void runAll() throws Exception {
    Path out = o.out.toAbsolutePath();
    Files.createDirectories(out);
    report.put("startedAt", Instant.now().toString());
    report.put("machine", Machine.describe());
    report.put("options", options());
    Path pgData = out.resolve("postgres");
    log("starting PostgreSQL");
    try (BenchDatabase db = o.url == null ? BenchDatabase.start(pgData) : BenchDatabase.external(o.dbUrl)) {
      long postmaster = db.embedded() ? db.postmasterPid(pgData) : o.dbPid;
      report.getJsonObject("machine").put("postgres", Machine.postgresVersion(db));
      if (o.pgbench && db.embedded()) {
        log("baseline: pgbench, " + o.pgbenchClients + " clients, " + o.pgbenchSeconds + " s per script");
        report.put("pgbench", PgBench.run(db, o.pgbenchClients, o.pgbenchSeconds, out, postmaster));
        log("pgbench: " + report.getJsonObject("pgbench").encode());
      }
      if (o.fanout) {
        log("baseline: raw WebSocket fan-out");
        try (ServerProcess fanout = ServerProcess.fanout(o.serverJvmOptions, out.resolve("fanout.log"))) {
          report.put("fanout", runTarget("fan-out", fanout.baseUrl(), o.baselineRates, new Cpu.Meter(fanout.pid(), 0),
              null, fanout.pid()));
        }
      }
      if (o.parley) {
        if (o.url == null) {
          log("starting Parley from " + o.jar);
          Path jfr = o.jfr ? out.resolve("parley.jfr") : null;
          SmtpSink sink = SmtpSink.start(vertx).await();
          emails = sink.accepted;
          try (ServerProcess parley = ServerProcess.parley(o.jar, db.url(), out.resolve("parley-data"), o.serverJvmOptions,
              out.resolve("parley.log"), jfr, sink.port(), o.emails)) {
            report.put("parley", runTarget("Parley", parley.baseUrl(), o.rates, new Cpu.Meter(parley.pid(), postmaster),
                db, parley.pid()));
          } finally {
            sink.close().await();
            emails = null;
          }
        } else {
          report.put("parley", runTarget("Parley", o.url, o.rates, new Cpu.Meter(o.serverPid, postmaster), db, o.serverPid));
        }
      }
    } finally {
      report.put("finishedAt", Instant.now().toString());
      report.getJsonObject("machine").put("loadAverageAtEnd", Machine.loadAverage());
      report.put("targets", Targets.evaluate(report, o));
      String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
      Files.writeString(out.resolve("bench-" + stamp + ".json"), report.encodePrettily());
      Files.writeString(out.resolve("latest.json"), report.encodePrettily());
      System.out.println();
      System.out.println(Table.render(report));
      System.out.println("results: " + out.resolve("bench-" + stamp + ".json"));
    }
  }

  /** Signs in, connects, creates threads, warms up, then steps the rate up until a step fails. */
  private JsonObject runTarget(String name, String baseUrl, List<Integer> rates, Cpu.Meter cpu, BenchDatabase db, long pid)
      throws Exception {
    JsonObject result = new JsonObject().put("name", name).put("url", baseUrl);
    String prefix = "b" + Long.toString(System.currentTimeMillis(), 36) + "-";
    int idleMax = o.idleConnections.stream().mapToInt(Integer::intValue).max().orElse(0);
    if (db != null) {
      log(name + ": seeding " + (o.senders + o.receivers + idleMax) + " people");
      db.seed(prefix, o.senders, o.receivers, o.clientShare, idleMax, o.notificationDelaySeconds);
    }
    Driver driver = new Driver(vertx, o, baseUrl, prefix);
    try {
      long t0 = System.nanoTime();
      driver.login(driver.everyone(), 32).await();
      log(name + ": " + driver.everyone().size() + " signed in in " + ms(t0) + " ms");
      t0 = System.nanoTime();
      driver.connect(driver.everyone(), 200).await();
      log(name + ": " + driver.everyone().size() + " live sockets in " + ms(t0) + " ms");
      driver.createThreads().await();
      log(name + ": " + (o.smallThreads + o.largeThreads) + " threads created");
      if (o.warmupSeconds > 0) {
        Step warm = driver.run(o.warmupRate, o.warmupSeconds, cpu);
        log(name + ": warm-up " + warm.toJson(o.p99LimitMs).encode());
      }
      DbCounters first = null;
      if (db != null) {
        db.resetStatements();
        first = db.counters();
      }
      DbCounters last = first;
      long accepted = 0;
      if (db != null && o.smallStepRate > 0 && o.smallThreads > 0) {
        // only sends, only to small threads: the figures of one send to that many people
        Step send = driver.run(o.smallStepRate, o.stepSeconds, cpu, 0, 0);
        DbCounters now = db.counters();
        JsonObject j = measured(send, last, now);
        last = now;
        accepted += send.acceptedCount();
        result.put("smallThreadStep", j.put("recipients", o.smallThreadSize).put("readsPerMessage", 0));
        System.out.println(Table.row(smallStepName(o), j));
      }
      JsonArray steps = new JsonArray();
      int best = 0;
      for (int rate : rates) {
        long emailsBefore = emails == null ? 0 : emails.get();
        Step step = driver.run(rate, o.stepSeconds, cpu);
        DbCounters now = db == null ? null : db.counters();
        JsonObject j = measured(step, last, now);
        last = now;
        accepted += step.acceptedCount();
        if (emails != null) {
          j.put("notificationEmailsSent", emails.get() - emailsBefore);
        }
        steps.add(j);
        System.out.println(Table.row(name, j));
        if (step.passed(o.p99LimitMs)) {
          best = Math.max(best, rate);
        } else if (!o.keepGoing) {
          log(name + ": stopping after " + rate + " msg/s (p99 " + step.p99Ms() + " ms, lost " + step.lost() + ")");
          break;
        }
      }
      result.put("steps", steps).put("highestSustainedRate", best);
      result.put("bridgeErrorFrames", driver.errorFrames.get()).put("socketFailures", driver.socketFailures.get());
      if (first != null && last != null) {
        result.put("topStatements", last.since(first).perMessage(accepted, TOP_STATEMENTS_OF_RUN).getJsonArray("statements",
            new JsonArray()));
      }
      if (!o.idleConnections.isEmpty() && pid > 0) {
        result.put("idleConnections", idle(name, driver, db != null, prefix, pid));
      }
    } finally {
      driver.close().await();
    }
    return result;
  }

  /**
   * A step's figures, with what PostgreSQL wrote, locked and logged per accepted message between the
   * two readings (the step and its drain) when the database could be read.
   */
  private JsonObject measured(Step step, DbCounters before, DbCounters after) {
    JsonObject j = step.toJson(o.p99LimitMs);
    if (before != null && after != null) {
      j.mergeIn(after.since(before).perMessage(step.acceptedCount(), TOP_STATEMENTS_OF_STEP));
    }
    return j;
  }

  static String smallStepName(BenchOptions o) {
    return "to " + o.smallThreadSize;
  }

  /** Heap after GC per idle, authenticated, registered live connection. */
  private JsonObject idle(String name, Driver driver, boolean seeded, String prefix, long pid) throws Exception {
    driver.closeSockets().await();
    List<Driver.User> people = new ArrayList<>();
    int max = o.idleConnections.stream().mapToInt(Integer::intValue).max().orElse(0);
    for (int i = 0; i < max; i++) {
      people.add(new Driver.User(i, prefix + "idle" + i + "@bench.test", false));
    }
    long t0 = System.nanoTime();
    driver.login(people, 32).await();
    log(name + ": " + max + " idle people signed in in " + ms(t0) + " ms");
    JsonObject baseline = ServerProcess.heapAfterGc(pid);
    log(name + ": heap before connecting " + baseline.encode());
    JsonObject out = new JsonObject().put("baseline", baseline);
    JsonArray levels = new JsonArray();
    List<LiveSocket> open = new ArrayList<>();
    int from = 0;
    for (int target : o.idleConnections.stream().sorted().toList()) {
      t0 = System.nanoTime();
      long failuresBefore = driver.socketFailures.get();
      try {
        open.addAll(driver.openIdle(people.subList(from, target), 100).await());
      } catch (Exception e) {
        levels.add(new JsonObject().put("connections", target).put("error", e.toString()));
        log(name + ": could not open " + target + " connections: " + e);
        break;
      }
      long took = ms(t0);
      from = target;
      // Hold the sockets open for a measured interval, pinging as browsers do, so that sockets the
      // bridge drops under load are counted before the heap is read.
      holdOpen(IDLE_HOLD);
      int alive = (int) open.stream().filter(LiveSocket::isOpen).count();
      JsonObject heap = ServerProcess.heapAfterGc(pid);
      long grown = heap.getLong("heapUsedKB") - baseline.getLong("heapUsedKB");
      long rssGrown = heap.getLong("rssKB") - baseline.getLong("rssKB");
      JsonObject level = new JsonObject().put("connections", target).put("open", alive).put("connectMs", took)
          .put("heap", heap)
          .put("heapPerConnectionKB", Cpu.round3((double) grown / Math.max(1, alive)))
          .put("rssPerConnectionKB", Cpu.round3((double) rssGrown / Math.max(1, alive)))
          .put("bridgeErrorFrames", driver.errorFrames.get())
          .put("socketFailures", driver.socketFailures.get() - failuresBefore);
      levels.add(level);
      log(name + ": idle " + level.encode());
    }
    driver.closeIdle().await();
    return out.put("levels", levels);
  }

  private JsonObject options() {
    return new JsonObject()
        .put("rates", new JsonArray(o.rates))
        .put("baselineRates", new JsonArray(o.baselineRates))
        .put("stepSeconds", o.stepSeconds)
        .put("warmupSeconds", o.warmupSeconds)
        .put("warmupRate", o.warmupRate)
        .put("senders", o.senders)
        .put("receivers", o.receivers)
        .put("smallThreads", o.smallThreads)
        .put("smallThreadSize", o.smallThreadSize)
        .put("largeThreads", o.largeThreads)
        .put("largeThreadSize", o.largeThreadSize)
        .put("largeEvery", o.largeEvery)
        .put("clientShare", o.clientShare)
        .put("bodyBytes", o.bodyBytes)
        .put("readsPerMessage", o.readsPerMessage)
        .put("smallStepRate", o.smallStepRate)
        .put("notificationDelaySeconds", o.notificationDelaySeconds)
        .put("httpConnections", o.httpConnections)
        .put("p99LimitMs", o.p99LimitMs)
        .put("idleConnections", new JsonArray(o.idleConnections))
        .put("serverJvmOptions", o.serverJvmOptions)
        .put("notificationEmails", o.emails);
  }

  /** A measured interval (not a wait for something): the sockets keep pinging meanwhile. */
  private void holdOpen(java.time.Duration d) {
    vertx.timer(d.toMillis()).await();
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  static void log(String s) {
    System.out.println(DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC).format(Instant.now())
        + " " + s);
  }
}
