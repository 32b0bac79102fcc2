package dev.parley.logs;

import java.util.Locale;
import java.util.Optional;

/** How the process writes its log: {@code text} for a person at a terminal, {@code json} for a log collector. */
public enum LogFormat {
  /** One readable line per event, as Parley always wrote. */
  TEXT,
  /** One JSON object per line (see {@link LogEncoder}). */
  JSON;

  /** The setting's name, in the config file and the environment. */
  public static final String KEY = "PARLEY_LOG_FORMAT";

  /** The format named {@code value} (either case); anything else is a configuration error that names the choices. */
  public static LogFormat parse(String value) {
    return named(value).orElseThrow(() -> new IllegalArgumentException(
        KEY + " must be text or json, got '" + value + "'"));
  }

  /** The format named by the environment variable (or the system property) of {@link #KEY}, if it names one. */
  static Optional<LogFormat> fromEnvironment() {
    String value = System.getProperty(KEY, System.getenv(KEY));
    return named(value);
  }

  private static Optional<LogFormat> named(String value) {
    if (value == null) {
      return Optional.empty();
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "text" -> Optional.of(TEXT);
      case "json" -> Optional.of(JSON);
      default -> Optional.empty();
    };
  }
}
