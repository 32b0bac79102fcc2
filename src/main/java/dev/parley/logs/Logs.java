package dev.parley.logs;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** The process's logging, set up once the configuration is read. */
public final class Logs {

  private Logs() {
  }

  /**
   * Writes the console log in {@code format} from now on, and carries the fields of the request being
   * handled ({@link RequestFields}) into every line written while it is.
   */
  public static synchronized void use(LogFormat format) {
    LogEncoder.use(format);
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
        && !(context.getMDCAdapter() instanceof RequestMdc)) {
      // logback notes the replacement as a status warning, which it prints only while configuring
      context.setMDCAdapter(new RequestMdc(context.getMDCAdapter()));
    }
  }

  /**
   * Writes what is still queued and stops logging: the last thing a process does before it exits.
   * Logback's own shutdown hook is not used because the JVM runs hooks together, so it would stop the
   * log while the node's stop, which has lines of its own to write, still runs.
   */
  public static void close() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }
}
