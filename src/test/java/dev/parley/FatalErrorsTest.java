package dev.parley;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An error of the JVM itself (here an OutOfMemoryError) ends the process at once, with status
 * {@value Main#JVM_ERROR_STATUS}, whether it strikes an event loop or any other thread: a node whose
 * event loops may have died must not linger holding its port. Each case runs in a child JVM with
 * {@link Main}'s handlers, as {@code main} installs them.
 */
class FatalErrorsTest {

  @Test
  void anOutOfMemoryErrorOnAnEventLoopHaltsTheProcess() throws Exception {
    assertThat(run("event-loop")).isEqualTo(Main.JVM_ERROR_STATUS);
  }

  @Test
  void anOutOfMemoryErrorOnAnyOtherThreadHaltsTheProcess() throws Exception {
    assertThat(run("thread")).isEqualTo(Main.JVM_ERROR_STATUS);
  }

  @Test
  void anOrdinaryExceptionOnAnEventLoopDoesNot() throws Exception {
    assertThat(run("exception")).isZero();
  }

  private static int run(String where) throws IOException, InterruptedException {
    Path log = Files.createTempFile("parley-fatal", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        Probe.class.getName(), where).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    assertThat(ended).as("the child ended; its output: " + Files.readString(log)).isTrue();
    return p.exitValue();
  }

  /**
   * The child: installs Main's handlers and raises the error; it exits 0 if it is still alive once
   * the error has been handled (the next task on the same event loop, or after the thread ended).
   */
  static final class Probe {
    public static void main(String[] args) throws Exception {
      Thread.setDefaultUncaughtExceptionHandler(Main::uncaught);
      Vertx vertx = Vertx.vertx();
      vertx.exceptionHandler(Main::unhandled);
      if (args[0].equals("thread")) {
        Thread t = new Thread(() -> {
          throw new OutOfMemoryError("simulated: Java heap space");
        });
        t.start();
        t.join();
        System.exit(0);
      }
      Context loop = vertx.getOrCreateContext();
      boolean oom = args[0].equals("event-loop");
      loop.runOnContext(v -> {
        if (oom) {
          throw new OutOfMemoryError("simulated: Java heap space");
        }
        throw new IllegalStateException("an ordinary bug");
      });
      loop.runOnContext(v -> System.exit(0));
    }
  }
}
