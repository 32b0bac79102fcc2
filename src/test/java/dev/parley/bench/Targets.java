package dev.parley.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Parley's performance targets, each checked against the run. */
final class Targets {

  private Targets() {
  }

  static JsonArray evaluate(JsonObject report, BenchOptions o) {
    JsonArray out = new JsonArray();
    JsonObject parley = report.getJsonObject("parley");
    if (parley == null || parley.getJsonArray("steps") == null) {
      return out;
    }
    JsonArray steps = parley.getJsonArray("steps");
    JsonObject best = null;
    JsonObject at1800 = null;
    JsonObject at100 = null;
    for (Object x : steps) {
      JsonObject s = (JsonObject) x;
      if (s.getBoolean("passed")) {
        best = s;
      }
      if (s.getInteger("offeredRate") == 100) {
        at100 = s;
      }
      if (s.getInteger("offeredRate") >= 1800 && s.getLong("lost") == 0 && s.getLong("sendErrors") == 0
          && s.getJsonObject("deliveryMs").getDouble("p99") < 100 && at1800 == null) {
        at1800 = s;
      }
    }
    JsonObject fastest = best;
    out.add(target("at least 1,800 msg/s (10 recipients) with zero loss and p99 < 100 ms", at1800 != null,
        at1800 != null ? describe(at1800) : "highest rate with p99 < 100 ms and no loss: " + highest(steps, 100)
            + " msg/s"));
    out.add(target("p50 < 2 ms at 100 msg/s", at100 != null && at100.getJsonObject("deliveryMs").getDouble("p50") < 2,
        at100 == null ? "no 100 msg/s step" : "p50 " + at100.getJsonObject("deliveryMs").getDouble("p50") + " ms"));
    Double cpu = fastest == null || fastest.getJsonObject("cpu") == null ? null
        : fastest.getJsonObject("cpu").getDouble("serverPlusDatabaseMsPerMessage");
    out.add(target("< 0.7 ms CPU (Parley + PostgreSQL) per message", cpu != null && cpu < 0.7,
        cpu == null ? "not measured" : cpu + " ms per message at " + fastest.getInteger("offeredRate") + " msg/s"));
    Double read = fastest == null ? null : fastest.getJsonObject("readReceiptMs").getDouble("p99");
    out.add(target("read receipts p99 < 100 ms", read != null && read < 100 && fastest.getLong("readsReceived") > 0,
        read == null ? "not measured" : "p99 " + read + " ms at " + fastest.getInteger("offeredRate") + " msg/s"));
    JsonObject idle = parley.getJsonObject("idleConnections");
    JsonObject at15k = null;
    if (idle != null) {
      for (Object l : idle.getJsonArray("levels", new JsonArray())) {
        JsonObject level = (JsonObject) l;
        if (level.getInteger("connections") >= 15_000 && level.containsKey("open")) {
          at15k = level;
        }
      }
    }
    out.add(target("15,000 idle connections per node at < 20 KB heap each",
        at15k != null && at15k.getInteger("open") >= 15_000 && at15k.getDouble("heapPerConnectionKB") < 20,
        at15k == null ? "not measured" : at15k.getInteger("open") + " open, " + at15k.getDouble("heapPerConnectionKB")
            + " KB heap each"));
    return out;
  }

  private static int highest(JsonArray steps, double p99) {
    int best = 0;
    for (Object x : steps) {
      JsonObject s = (JsonObject) x;
      if (s.getLong("lost") == 0 && s.getLong("sendErrors") == 0 && s.getJsonObject("deliveryMs").getDouble("p99") < p99) {
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
