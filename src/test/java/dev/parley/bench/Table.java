package dev.parley.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The printed summary: one row per step, then the baselines, the idle connections and the targets. */
final class Table {

  private static final String HEADER = String.format("%-8s %6s %6s %17s %7s %7s %7s %7s %7s %7s %7s %7s %6s %5s",
      "target", "rate", "got", "delivered/expect", "p50", "p99", "p99.9", "max", "api50", "api99", "read50", "read99",
      "cpu/m", "ok");

  private Table() {
  }

  static String row(String name, JsonObject s) {
    JsonObject d = s.getJsonObject("deliveryMs");
    JsonObject a = s.getJsonObject("apiSendMs");
    JsonObject r = s.getJsonObject("readReceiptMs");
    JsonObject cpu = s.getJsonObject("cpu");
    Double perMessage = cpu == null ? null : cpu.getDouble("serverPlusDatabaseMsPerMessage");
    return String.format("%-8s %6d %6d %17s %7.2f %7.2f %7.2f %7.1f %7.2f %7.2f %7.2f %7.2f %6s %5s",
        name.length() > 8 ? name.substring(0, 8) : name,
        s.getInteger("offeredRate"), s.getLong("achievedRate"),
        s.getLong("delivered") + "/" + s.getLong("expectedDeliveries"),
        d.getDouble("p50"), d.getDouble("p99"), d.getDouble("p999"), d.getDouble("max"),
        a.getDouble("p50"), a.getDouble("p99"), r.getDouble("p50"), r.getDouble("p99"),
        perMessage == null ? "-" : String.format("%.3f", perMessage),
        s.getBoolean("passed") ? "yes" : "NO");
  }

  static String render(JsonObject report) {
    StringBuilder b = new StringBuilder();
    JsonObject m = report.getJsonObject("machine");
    b.append("Machine: ").append(m.getInteger("processors")).append(" CPUs, ").append(m.getString("cpuModel"))
        .append(", ").append(m.getString("memTotal")).append("; load at start ").append(m.getString("loadAverageAtStart"))
        .append(", at end ").append(m.getString("loadAverageAtEnd")).append('\n');
    b.append("PostgreSQL: ").append(m.getString("postgres")).append("\n\n");
    b.append("Latencies in ms from the scheduled send time; rate in msg/s; cpu/m = ms of CPU (server + PostgreSQL) per message\n");
    b.append(HEADER).append('\n');
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
    JsonObject pg = report.getJsonObject("pgbench");
    if (pg != null) {
      b.append("pgbench (same PostgreSQL): ").append(pg.encode()).append('\n');
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
