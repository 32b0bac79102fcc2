package dev.parley.logs;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;

/**
 * The encoder of Parley's console log, in the format chosen by {@code PARLEY_LOG_FORMAT}. Logging starts
 * before the configuration is read: until then the environment variable (or system property) decides,
 * then {@link Logs#use} switches every instance to the configured format.
 *
 * <p>{@code text}: {@value #TEXT_PATTERN}, where {@code req=} names the request being handled, if any.
 *
 * <p>{@code json}: one object per line with {@code timestamp} (ISO-8601 in UTC, to the millisecond),
 * {@code level}, {@code logger}, {@code thread}, {@code message}, {@code exception} (the stack trace as
 * one string, when there is one); while a request is handled, its {@link RequestFields} as top-level
 * keys; the access line adds {@code status} and {@code durationMs}.
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {

  /** The text line: time, level, thread, logger, the request's id when there is one, the message. */
  static final String TEXT_PATTERN =
      "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24}%replace( req=%X{requestId}){' req=$', ''} - %msg%n";

  private static volatile LogFormat format = LogFormat.fromEnvironment().orElse(LogFormat.TEXT);

  private final PatternLayoutEncoder text = new PatternLayoutEncoder();
  private final LogstashEncoder json = new LogstashEncoder();

  /** Every instance writes in this format from now on. */
  static void use(LogFormat chosen) {
    format = chosen;
  }

  @Override
  public void start() {
    text.setContext(getContext());
    text.setPattern(TEXT_PATTERN);
    text.start();
    json.setContext(getContext());
    json.setTimeZone("UTC");
    json.setTimestampPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX");
    json.setIncludeContext(false);
    LogstashFieldNames names = json.getFieldNames();
    names.setTimestamp("timestamp");
    names.setVersion("[ignore]");
    names.setLevelValue("[ignore]");
    names.setLogger("logger");
    names.setThread("thread");
    names.setStackTrace("exception");
    json.start();
    super.start();
  }

  @Override
  public void stop() {
    text.stop();
    json.stop();
    super.stop();
  }

  private Encoder<ILoggingEvent> current() {
    return format == LogFormat.JSON ? json : text;
  }

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return current().encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }
}
