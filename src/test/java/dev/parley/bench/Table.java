package dev.parley.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The printed summary: one row per step, then the baselines, the idle connections and the targets. */
final class Table {

  private static final String HEADER = String.format(
      "%-8s %6s %6s %17s %7s %7s %7s %7s %7s %7s %7s %7s %6s %6s %6s %6s %5s",
      "target", "rate", "got", "delivered/expect", "p50", "p99", "p99.9", "max", "api50", "api99", "read50", "read99",
      "cpu/m", "rows/m", "lock/m", "walKB", "ok");

  private Table() {
  }

  static String row(String name, JsonObject s) {
    JsonObject d = s.getJsonObject("deliveryMs");
    JsonObject a = s.getJsonObject("apiSendMs");
    JsonObject r = s.getJsonObject("readReceiptMs");
    JsonObject cpu = s.getJsonObject("cpu");
    Double perMessage = cpu == null ? null : cpu.getDouble("serverPlusDatabaseMsPerMessage");
    return String.format("%-8s %6d %6d %17s %7.2f %7.2f %7.2f %7.1f %7.2f %7.2f %7.2f %7.2f %6s %6s %6s %6s %5s",
        name.length() > 8 ? name.substring(0, 8) : name,
        s.getInteger("offeredRate"), s.getLong("achievedRate"),
        s.getLong("delivered") + "/" + s.getLong("expectedDeliveries"),
        d.getDouble("p50"), d.getDouble("p99"), d.getDouble("p999"), d.getDouble("max"),
        a.getDouble("p50"), a.getDouble("p99"), r.getDouble("p50"), r.getDouble("p99"),
        perMessage == null ? "-" : String.format("%.3f", perMessage),
        figure(s, "rowsWritten", "perMessage"), figure(s, "rowsLocked", "perMessage"), figure(s, "wal", "kbPerMessage"),
        s.getBoolean("passed") ? "yes" : "NO");
  }

  private static String figure(JsonObject step, String group, String key) {
    JsonObject g = step.getJsonObject(group);
    Object v = g == null ? null : g.getValue(key);
    return v == null ? "-" : v.toString();
  }

  /** Rows per message by table and the statements by time, of one step. */
  static String detail(String title, JsonObject s) {
    StringBuilder b = new StringBuilder();
    JsonObject written = s.getJsonObject("rowsWritten");
    if (written == null) {
      return "";
    }
    JsonObject locked = s.getJsonObject("rowsLocked");
    JsonObject counted = s.getJsonObject("countedMessages");
    b.append(title).append(": ").append(written.getValue("perMessage")).append(" rows written and ")
        .append(locked.getValue("perMessage")).append(" locked per message (")
        .append(locked.getValue("updatedOrDeleted")).append(" updated or deleted, ")
        .append(locked.getValue("lockingReads")).append(" by locking reads); statistics counted ")
        .append(counted.getValue("counted")).append(" of ").append(counted.getValue("accepted")).append(" messages\n");
    b.append(String.format("  %-28s %8s %8s %8s %8s %8s%n", "table", "written", "inserted", "updated", "hot", "deleted"));
    JsonObject tables = written.getJsonObject("tables");
    for (String t : tables.fieldNames().stream().sorted().toList()) {
      JsonObject r = tables.getJsonObject(t);
      b.append(String.format("  %-28s %8s %8s %8s %8s %8s%n", t.length() > 28 ? t.substring(0, 28) : t,
          r.getValue("perMessage"), r.getValue("inserted"), r.getValue("updated"), r.getValue("hotUpdated"),
          r.getValue("deleted")));
    }
    b.append(String.format("  %8s %8s %8s %8s  %s%n", "ms/msg", "calls/m", "rows/call", "mean ms", "statement"));
    for (Object o : s.getJsonArray("statements", new JsonArray())) {
      JsonObject q = (JsonObject) o;
      String text = q.getString("query");
      b.append(String.format("  %8s %8s %8s %8s  %s%n", q.getValue("msPerMessage"), q.getValue("callsPerMessage"),
          q.getValue("rowsPerCall"), q.getValue("meanMs"), text.length() > 100 ? text.substring(0, 100) + "..." : text));
    }
    return b.append('\n').toString();
  }

  private static String pgbench(JsonObject pg) {
    if (pg.containsKey("skipped")) {
      return "pgbench: skipped, " + pg.getString("skipped") + "\n";
    }
    StringBuilder b = new StringBuilder("pgbench on the same PostgreSQL, " + pg.getValue("clients") + " clients, "
        + pg.getValue("seconds") + " s each (PostgreSQL alone):\n");
    String[][] scripts = {{"messageRow", "a message-sized row"}, {"oldSendTransaction", "a send to 10, first design"},
        {"newSendTransaction", "a send to 10, second design"}};
    for (String[] s : scripts) {
      JsonObject r = pg.getJsonObject(s[0]);
      if (r == null) {
        continue;
      }
      if (r.containsKey("error")) {
        b.append(String.format("  %-28s failed: %s%n", s[1], r.getString("error")));
        continue;
      }
      b.append(String.format("  %-28s %6s tps, %s ms mean, %s ms PostgreSQL CPU and %s KB WAL per transaction%s%n", s[1],
          r.getValue("tps"), r.getValue("latencyMs"), r.getValue("postgresCpuMsPerTransaction", "-"),
          r.getValue("walKbPerTransaction", "-"), r.containsKey("design") ? " (" + r.getString("design") + ")" : ""));
    }
    return b.toString();
  }

  private static JsonObject bestStep(JsonObject target) {
    JsonObject best = null;
    if (target != null) {
      for (Object s : target.getJsonArray("steps", new JsonArray())) {
        if (((JsonObject) s).getBoolean("passed")) {
          best = (JsonObject) s;
        }
      }
    }
    return best;
  }

  static String render(JsonObject report) {
    StringBuilder b = new StringBuilder();
    JsonObject m = report.getJsonObject("machine");
    b.append("Machine: ").append(m.getInteger("processors")).append(" CPUs, ").append(m.getString("cpuModel"))
        .append(", ").append(m.getString("memTotal")).append("; load at start ").append(m.getString("loadAverageAtStart"))
        .append(", at end ").append(m.getString("loadAverageAtEnd")).append('\n');
    b.append("PostgreSQL: ").append(m.getString("postgres")).append("\n\n");
    b.append("Latencies in ms from the scheduled send time; rate in msg/s; cpu/m = ms of CPU (server + PostgreSQL) per message;\n"
        + "rows/m, lock/m = rows PostgreSQL wrote and locked per message; walKB = KB of WAL per message\n");
    b.append(HEADER).append('\n');
    JsonObject small = report.getJsonObject("parley") == null ? null
        : report.getJsonObject("parley").getJsonObject("smallThreadStep");
    if (small != null) {
      b.append(row("to " + small.getValue("recipients"), small)).append('\n');
    }
    for (String key : new String[] {"parley", "fanout"}) {
      JsonObject t = report.getJsonObject(key);
      if (t == null || t.getJsonArray("steps") == null) {
        continue;
      }
      for (Object s : t.getJsonArray("steps")) {
        b.append(row(t.getString("name"), (JsonObject) s)).append('\n');
      }
      b.append(String.format("%s: highest rate sustained with p99 under the limit and no loss: %d msg/s%n%n",
          t.getString("name"), t.getInteger("highestSustainedRate")));
    }
    if (small != null) {
      b.append(detail("A send to " + small.getValue("recipients") + " people (step \"to " + small.getValue("recipients")
          + "\", " + small.getValue("offeredRate") + " msg/s, no reads)", small));
    }
    JsonObject best = bestStep(report.getJsonObject("parley"));
    if (best != null) {
      b.append(detail("Parley at " + best.getValue("offeredRate") + " msg/s (the highest step passed)", best));
    }
    JsonObject pg = report.getJsonObject("pgbench");
    if (pg != null) {
      b.append(pgbench(pg));
    }
    for (String key : new String[] {"parley", "fanout"}) {
      JsonObject t = report.getJsonObject(key);
      JsonObject idle = t == null ? null : t.getJsonObject("idleConnections");
      if (idle == null) {
        continue;
      }
      for (Object l : idle.getJsonArray("levels", new JsonArray())) {
        JsonObject level = (JsonObject) l;
        b.append(String.format("%s idle connections: %s open of %s, heap %s KB per connection (RSS %s KB)%n",
            t.getString("name"), level.getValue("open"), level.getValue("connections"),
            level.getValue("heapPerConnectionKB"), level.getValue("rssPerConnectionKB")));
      }
    }
    JsonArray targets = report.getJsonArray("targets");
    if (targets != null) {
      b.append("\nTargets:\n");
      for (Object t : targets) {
        JsonObject j = (JsonObject) t;
        b.append(String.format("  %-4s %s: %s%n", j.getBoolean("met") ? "MET" : "MISS", j.getString("target"),
            j.getString("measured")));
      }
    }
    return b.toString();
  }
}
