package dev.parley;

import dev.parley.testing.Api;
import dev.parley.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A newcomer's first run: {@code Main} on the embedded defaults (its own PostgreSQL and mail server,
 * the demo company) in an empty data directory, signed in to, then stopped with Ctrl-C, prints nothing
 * that reads like an error. It runs as a process of its own, as the README starts it, because a stop
 * is the JVM's shutdown hooks, which run only when a process ends.
 */
class CleanStartTest {

  @Test
  void aFreshStartASignInAndCtrlCPrintNoLineThatReadsLikeAnError() throws Exception {
    Path dir = Files.createTempDirectory("parley-clean-start");
    Path output = dir.resolve("console.txt");
    int port = TestNode.freePort();
    ProcessBuilder pb = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
        // the log as a user's run writes it (the tests' own configuration logs warnings only)
        "-Dlogback.configurationFile=" + Paths.get(CleanStartTest.class.getResource("/logback.xml").toURI()),
        Main.class.getName());
    pb.directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("PARLEY_"));
    env.put(ParleyConfig.DATA_DIR, dir.resolve("data").toString());
    env.put(ParleyConfig.HTTP_PORT, Integer.toString(port));
    env.put(ParleyConfig.PUBLIC_URL, "http://localhost:" + port);
    env.put(ParleyConfig.EMBEDDED_SMTP_PORT, Integer.toString(TestNode.freePort()));
    env.put(ParleyConfig.EMBEDDED_IMAP_PORT, Integer.toString(TestNode.freePort()));
    Process node = pb.start();
    try {
      await().atMost(Duration.ofMinutes(3)).ignoreExceptions()
          .until(() -> get("http://localhost:" + port + "/ready") == 200 || !node.isAlive());
      assertThat(node.isAlive()).as("the node is running").isTrue();
      Api.Session sam = new Api("http://localhost:" + port).login("sam.staff@demo.test", "demo-parley");
      assertThat(sam.get("/api/inbox").status()).isEqualTo(200);

      ctrlC(node);
      await().atMost(Duration.ofMinutes(1)).until(() -> !node.isAlive());
    } finally {
      node.destroyForcibly();
    }

    List<String> printed = new ArrayList<>(Files.readAllLines(output, StandardCharsets.UTF_8));
    assertThat(printed).as("what the node printed").anyMatch(l -> l.contains("Parley is up on"));
    // Vert.x's watchdog warns when an event loop ran one task for over two seconds: on a machine
    // busy with other builds the first load of a class can take that long, which says nothing of the start
    printed.removeIf(l -> l.contains(" WARN ") && l.contains("BlockedThreadChecker"));
    assertThat(printed).as("what a clean start and stop printed")
        .noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR "))
        .noneMatch(l -> l.contains("FATAL") || l.contains("ERROR") || l.contains("Exception"));
    assertThat(node.exitValue()).as("the exit status after Ctrl-C").isIn(0, 130);
  }

  /** What a terminal's Ctrl-C sends the process (the embedded PostgreSQL runs in a session of its own). */
  private static void ctrlC(Process node) throws Exception {
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(node.pid())).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
  }

  private static int get(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
