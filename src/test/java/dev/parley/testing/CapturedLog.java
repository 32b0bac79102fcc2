package dev.parley.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What a logger (and the loggers below it) writes while the capture is open, at {@code level} and above. */
public final class CapturedLog implements AutoCloseable {

  private final Logger logger;
  private final Level before;
  private final Level level;
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      if (event.getLevel().isGreaterOrEqual(level)) {
        events.add(event);
      }
    }
  };

  private CapturedLog(String name, Level level) {
    this.logger = (Logger) LoggerFactory.getLogger(name);
    this.before = logger.getLevel();
    this.level = level;
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(level);
  }

  /** Captures {@code name} at {@code level}; use {@code Logger.ROOT_LOGGER_NAME} for everything. */
  public static CapturedLog of(String name, Level level) {
    return new CapturedLog(name, level);
  }

  public List<ILoggingEvent> events() {
    return List.copyOf(events);
  }

  /** The formatted messages, each prefixed with its level and logger: {@code "ERROR io.vertx... - text"}. */
  public List<String> lines() {
    return events().stream().map(e -> e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : " (" + e.getThrowableProxy().getClassName() + ": "
            + e.getThrowableProxy().getMessage() + ")")).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(before);
    appender.stop();
  }
}
