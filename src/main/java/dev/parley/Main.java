package dev.parley;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads the configuration and starts a node; stops it cleanly on SIGTERM. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    ParleyConfig config;
    try {
      config = ParleyConfig.load();
    } catch (RuntimeException e) {
      LOG.error("configuration error: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Parley node;
    try {
      node = Parley.start(config).await();
    } catch (Throwable e) {
      LOG.error("Parley could not start: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close().await();
      } catch (Throwable ignored) {
        // already stopping
      }
    }, "parley-shutdown"));
  }
}
