package dev.parley;

import dev.parley.logs.Logs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the configuration and starts a node; stops it cleanly on SIGTERM, and at once on an error of
 * the JVM itself (see {@link #haltOnJvmError}).
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  /** Exit status of a process halted by an error of the JVM itself. */
  static final int JVM_ERROR_STATUS = 3;

  private Main() {
  }

  public static void main(String[] args) {
    Thread.setDefaultUncaughtExceptionHandler(Main::uncaught);
    ParleyConfig config;
    try {
      config = ParleyConfig.load();
    } catch (RuntimeException e) {
      LOG.error("configuration error: {}", e.getMessage());
      Logs.close();
      System.exit(2);
      return;
    }
    Logs.use(config.logFormat());
    Parley node;
    try {
      node = Parley.start(config).await();
      node.vertx().exceptionHandler(Main::unhandled);
    } catch (Throwable e) {
      haltOnJvmError(e);
      LOG.error("Parley could not start: {}", e.getMessage(), e);
      Logs.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close().await();
      } catch (Throwable ignored) {
        // already stopping
      } finally {
        Logs.close();
      }
    }, "parley-shutdown"));
  }

  /** The process's handler of exceptions no code caught. */
  static void uncaught(Thread thread, Throwable e) {
    haltOnJvmError(e);
    LOG.error("uncaught exception in thread {}", thread.getName(), e);
  }

  /** Vert.x's handler of exceptions thrown by handlers on its threads (event loops, workers). */
  static void unhandled(Throwable e) {
    haltOnJvmError(e);
    LOG.error("unhandled exception", e);
  }

  /**
   * Halts the process on an error of the JVM itself ({@link VirtualMachineError}: out of memory,
   * stack overflow, an internal error). After one, event loops may have died and a graceful stop may
   * never finish: a node that keeps its port but no longer answers is worse than one that is gone,
   * which an orchestrator restarts. Installed by {@link #main} only, so a node embedded in another
   * process (the tests) never halts it.
   */
  static void haltOnJvmError(Throwable e) {
    if (e instanceof VirtualMachineError) {
      try {
        System.err.println("Parley halts: " + e);
      } finally {
        Runtime.getRuntime().halt(JVM_ERROR_STATUS);
      }
    }
  }
}
