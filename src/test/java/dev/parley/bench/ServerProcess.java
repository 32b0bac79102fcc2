package dev.parley.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A server under test in its own JVM: Parley from its jar, or the fan-out baseline. Also reads its heap. */
final class ServerProcess implements AutoCloseable {

  private static final Pattern HEAP_LINE = Pattern.compile("^\\s*\\S.*?\\s+total\\s+(\\d+)K,\\s+used\\s+(\\d+)K");

  private final Process process;
  private final String baseUrl;

  private ServerProcess(Process process, String baseUrl) {
    this.process = process;
    this.baseUrl = baseUrl;
  }

  /** Starts {@code java -jar parley.jar} against the bench database, with limits out of the way. */
  static ServerProcess parley(Path jar, String dbUrl, Path dataDir, String jvmOptions, Path log, Path jfr, int smtpPort,
                              boolean emails) throws Exception {
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin());
    for (String opt : jvmOptions.trim().split("\\s+")) {
      if (!opt.isBlank()) {
        cmd.add(opt);
      }
    }
    if (jfr != null) {
      // a sample every 2 ms rather than the profile settings' 10: a step of a few seconds then gives enough
      // samples of the send path to compare two builds
      cmd.add("-XX:StartFlightRecording=filename=" + jfr.toAbsolutePath()
          + ",settings=profile,jdk.ExecutionSample#period=2ms,dumponexit=true");
    }
    cmd.add("-jar");
    cmd.add(jar.toAbsolutePath().toString());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("PARLEY_"));
    env.put("PARLEY_DB_URL", dbUrl);
    env.put("PARLEY_DEMO", "false");
    env.put("PARLEY_DATA_DIR", dataDir.toAbsolutePath().toString());
    env.put("PARLEY_HTTP_PORT", Integer.toString(port));
    env.put("PARLEY_PUBLIC_URL", "http://localhost:" + port);
    env.put("PARLEY_EMBEDDED_SMTP_PORT", Integer.toString(freePort()));
    env.put("PARLEY_EMBEDDED_IMAP_PORT", Integer.toString(freePort()));
    env.put("PARLEY_LOGIN_LIMIT_ADDRESS", "100000000");
    env.put("PARLEY_LOGIN_LIMIT_ACCOUNT", "100000000");
    env.put("PARLEY_SEND_LIMIT_PER_MINUTE", "100000000");
    env.put("PARLEY_BCRYPT_COST", "4");
    env.put("PARLEY_TOKEN_MINUTES", "720");
    env.put("PARLEY_OUTBOX_WORKER", Boolean.toString(emails));
    if (smtpPort > 0) {
      env.put("PARLEY_SMTP_HOST", "127.0.0.1");
      env.put("PARLEY_SMTP_PORT", Integer.toString(smtpPort));
      env.put("PARLEY_SMTP_TLS", "none");
    }
    env.put("PARLEY_SESSION_IDLE_MINUTES", "720");
    Files.createDirectories(dataDir);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    ServerProcess s = new ServerProcess(p, "http://127.0.0.1:" + port);
    s.awaitReady("/ready", Duration.ofSeconds(180), log);
    return s;
  }

  /** Starts the raw WebSocket fan-out baseline ({@link FanoutServer}) on this JVM's class path. */
  static ServerProcess fanout(String jvmOptions, Path log) throws Exception {
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin());
    for (String opt : jvmOptions.trim().split("\\s+")) {
      if (!opt.isBlank()) {
        cmd.add(opt);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FanoutServer.class.getName(), Integer.toString(port)));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    ServerProcess s = new ServerProcess(pb.start(), "http://127.0.0.1:" + port);
    s.awaitReady("/health", Duration.ofSeconds(60), log);
    return s;
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private void awaitReady(String path, Duration timeout, Path log) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(2)).build();
    try {
      org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
        if (!process.isAlive()) {
          throw new IllegalStateException("the server stopped while starting; see " + log);
        }
        try {
          return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
          return false; // not listening yet
        }
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new IllegalStateException("the server was not ready within " + timeout + "; see " + log);
    }
  }

  String baseUrl() {
    return baseUrl;
  }

  long pid() {
    return process.pid();
  }

  /** Heap used after a full collection, in KB, and the resident set size, of a JVM by pid. */
  static JsonObject heapAfterGc(long pid) throws Exception {
    jcmd(pid, "GC.run");
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    long used = 0;
    long total = 0;
    for (String line : info.split("\n")) {
      Matcher m = HEAP_LINE.matcher(line);
      if (m.find() && !line.contains("Metaspace") && !line.contains("class space")) {
        total += Long.parseLong(m.group(1));
        used += Long.parseLong(m.group(2));
      }
    }
    long rss = 0;
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return new JsonObject().put("heapUsedKB", used).put("heapCommittedKB", total).put("rssKB", rss);
  }

  private static String jcmd(long pid, String command) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + command + " failed: " + out);
    }
    return out;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
