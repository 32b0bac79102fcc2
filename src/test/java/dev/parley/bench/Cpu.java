package dev.parley.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of processes from {@code /proc/<pid>/stat} (user + system). For PostgreSQL the postmaster
 * and all its live children (backends, writers) are added, plus what exited children left in the
 * postmaster's own account.
 */
final class Cpu {

  private static final double TICK_MS = 1000.0 / 100;

  private Cpu() {
  }

  /** CPU of the server process, of the database and of the load generator, in milliseconds. */
  record Sample(double serverMs, double dbMs, double benchMs) {
    Sample minus(Sample o) {
      return new Sample(serverMs - o.serverMs, dbMs - o.dbMs, benchMs - o.benchMs);
    }

    JsonObject toJson(long messages) {
      JsonObject j = new JsonObject()
          .put("serverMs", Math.round(serverMs))
          .put("databaseMs", Math.round(dbMs))
          .put("loadGeneratorMs", Math.round(benchMs));
      if (messages > 0) {
        j.put("serverPlusDatabaseMsPerMessage", round3((serverMs + dbMs) / messages))
            .put("serverMsPerMessage", round3(serverMs / messages))
            .put("databaseMsPerMessage", round3(dbMs / messages));
      }
      return j;
    }
  }

  /** Samples a server pid and a postmaster pid (either 0 = unknown). */
  record Meter(long serverPid, long postmasterPid) {
    Sample sample() {
      return new Sample(serverPid > 0 ? ticks(serverPid, false) * TICK_MS : 0,
          postmasterPid > 0 ? tree(postmasterPid) * TICK_MS : 0,
          ticks(ProcessHandle.current().pid(), false) * TICK_MS);
    }
  }

  static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static long tree(long parent) {
    long total = ticks(parent, true);
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path p : procs) {
        long[] f = fields(Long.parseLong(p.getFileName().toString()));
        if (f != null && f[0] == parent) {
          total += f[1] + f[2];
        }
      }
    } catch (IOException e) {
      return total;
    }
    return total;
  }

  private static long ticks(long pid, boolean withChildren) {
    long[] f = fields(pid);
    if (f == null) {
      return 0;
    }
    return f[1] + f[2] + (withChildren ? f[3] + f[4] : 0);
  }

  /** ppid, utime, stime, cutime, cstime; null when the process is gone. */
  private static long[] fields(long pid) {
    try {
      String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ": state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
      return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]),
          Long.parseLong(f[13]), Long.parseLong(f[14])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
