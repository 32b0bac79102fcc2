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
}
