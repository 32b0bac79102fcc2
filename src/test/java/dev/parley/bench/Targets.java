package dev.parley.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Parley's performance targets, each checked against the run. */
final class Targets {

  static final int SUSTAINED_RATE = 1200;
  static final double SUSTAINED_P99_MS = 100;
  static final int LOW_RATE = 100;
  static final double LOW_RATE_P50_MS = 2;
  static final int CPU_RATE = 400;
  static final double CPU_MS_PER_MESSAGE = 1.3;
  static final int SEND_RECIPIENTS = 10;
  static final double SEND_ROWS_WRITTEN = 15;
  static final double SEND_ROWS_LOCKED = 1;
  static final double SEND_WAL_KB = 8;
  static final double IDLE_HEAP_KB = 20;

  private Targets() {
  }

  static JsonArray evaluate(JsonObject report, BenchOptions o) {
    JsonArray out = new JsonArray();
    JsonObject parley = report.getJsonObject("parley");
    if (parley == null || parley.getJsonArray("steps") == null) {
      return out;
    }
    JsonArray steps = parley.getJsonArray("steps");
    JsonObject sustained = null;
    for (Object x : steps) {
      JsonObject s = (JsonObject) x;
      if (sustained == null && s.getInteger("offeredRate") >= SUSTAINED_RATE && clean(s)
          && s.getJsonObject("deliveryMs").getDouble("p99") < SUSTAINED_P99_MS) {
        sustained = s;
      }
    }
    out.add(target("at least 1,200 msg/s sustained with zero loss and p99 < 100 ms", sustained != null,
        sustained != null ? describe(sustained)
            : "highest rate with p99 < 100 ms and no loss: " + highest(steps, SUSTAINED_P99_MS) + " msg/s"));

    JsonObject low = at(steps, LOW_RATE);
    Double p50 = low == null ? null : low.getJsonObject("deliveryMs").getDouble("p50");
    out.add(target("p50 < 2 ms at 100 msg/s", p50 != null && p50 < LOW_RATE_P50_MS,
        p50 == null ? "no 100 msg/s step" : "p50 " + p50 + " ms"));

    JsonObject busy = at(steps, CPU_RATE);
    Double cpu = busy == null || busy.getJsonObject("cpu") == null ? null
        : busy.getJsonObject("cpu").getDouble("serverPlusDatabaseMsPerMessage");
    out.add(target("CPU per message (Parley + PostgreSQL) <= 1.3 ms at 400 msg/s",
        cpu != null && cpu <= CPU_MS_PER_MESSAGE,
        cpu == null ? (busy == null ? "no 400 msg/s step" : "not measured")
            : cpu + " ms per message (" + busy.getJsonObject("cpu").getDouble("serverMsPerMessage") + " + "
                + busy.getJsonObject("cpu").getDouble("databaseMsPerMessage") + ")"));

    JsonObject send = parley.getJsonObject("smallThreadStep");
    String why = send == null ? "not measured (the step of sends to small threads was skipped: --small-step-rate)"
        : send.getInteger("recipients") != SEND_RECIPIENTS ? "not measured (small threads have "
            + send.getInteger("recipients") + " recipients, not 10)"
        : send.getJsonObject("rowsWritten") == null ? "not measured (the database's statistics were not readable)"
        : null;
    out.add(sendTarget("a send to 10 people writes at most 15 rows", why, send, "rowsWritten", "perMessage",
        SEND_ROWS_WRITTEN, " rows written"));
    out.add(sendTarget("a send to 10 people locks at most 1 row", why, send, "rowsLocked", "perMessage",
        SEND_ROWS_LOCKED, " rows locked"));
    out.add(sendTarget("a send to 10 people writes at most 8 KB of WAL", why, send, "wal", "kbPerMessage",
        SEND_WAL_KB, " KB of WAL"));

    JsonObject idle = parley.getJsonObject("idleConnections");
    JsonObject largest = null;
    if (idle != null) {
      for (Object l : idle.getJsonArray("levels", new JsonArray())) {
        JsonObject level = (JsonObject) l;
        if (level.containsKey("open") && (largest == null || level.getInteger("connections") > largest.getInteger("connections"))) {
          largest = level;
        }
      }
    }
    out.add(target("idle sockets under 20 KB heap each",
        largest != null && largest.getInteger("open").equals(largest.getInteger("connections"))
            && largest.getDouble("heapPerConnectionKB") < IDLE_HEAP_KB,
        largest == null ? "not measured" : largest.getInteger("open") + " of " + largest.getInteger("connections")
            + " open, " + largest.getDouble("heapPerConnectionKB") + " KB heap each"));
    return out;
  }

  private static JsonObject sendTarget(String target, String notMeasured, JsonObject send, String group, String key,
                                       double limit, String unit) {
    if (notMeasured != null) {
      return target(target, false, notMeasured);
    }
    double v = send.getJsonObject(group).getDouble(key);
    return target(target, v <= limit, v + unit + " per send at " + send.getInteger("offeredRate") + " msg/s");
  }

  private static boolean clean(JsonObject s) {
    return s.getLong("lost") == 0 && s.getLong("sendErrors") == 0;
  }

  private static JsonObject at(JsonArray steps, int rate) {
    for (Object x : steps) {
      JsonObject s = (JsonObject) x;
      if (s.getInteger("offeredRate") == rate) {
        return s;
      }
    }
    return null;
  }

  private static int highest(JsonArray steps, double p99) {
    int best = 0;
    for (Object x : steps) {
      JsonObject s = (JsonObject) x;
      if (clean(s) && s.getJsonObject("deliveryMs").getDouble("p99") < p99) {
        best = Math.max(best, s.getInteger("offeredRate"));
      }
    }
    return best;
  }

  private static String describe(JsonObject s) {
    return s.getInteger("offeredRate") + " msg/s: p99 " + s.getJsonObject("deliveryMs").getDouble("p99") + " ms, "
        + s.getLong("delivered") + "/" + s.getLong("expectedDeliveries") + " delivered";
  }

  private static JsonObject target(String target, boolean met, String measured) {
    return new JsonObject().put("target", target).put("met", met).put("measured", measured);
  }
}
