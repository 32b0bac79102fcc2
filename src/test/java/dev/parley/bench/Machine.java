package dev.parley.bench;

import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/** What the figures were measured on. */
final class Machine {

  private Machine() {
  }

  static JsonObject describe() {
    JsonObject j = new JsonObject()
        .put("processors", Runtime.getRuntime().availableProcessors())
        .put("cpuModel", firstValue("/proc/cpuinfo", "model name"))
        .put("memTotal", firstValue("/proc/meminfo", "MemTotal"))
        .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .put("loadAverageAtStart", loadAverage());
    return j;
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }

  static String postgresVersion(BenchDatabase db) {
    try (Connection c = db.connect("postgres"); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("select version(), current_setting('fsync'), current_setting('synchronous_commit')")) {
      r.next();
      return r.getString(1) + " (fsync " + r.getString(2) + ", synchronous_commit " + r.getString(3) + ")";
    } catch (Exception e) {
      return "unknown: " + e.getMessage();
    }
  }

  private static String firstValue(String file, String key) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith(key)) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (Exception e) {
      return "unknown";
    }
    return "unknown";
  }
}
