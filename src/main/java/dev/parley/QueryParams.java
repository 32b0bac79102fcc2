package dev.parley;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** Reads the values of a query string's parameters, each refusal naming its parameter (400). */
public final class QueryParams {

  private QueryParams() {
  }

  public static String text(String name, String value, int maxLength) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > maxLength) {
      throw Problem.invalid("'" + name + "' is longer than " + maxLength + " characters");
    }
    return value.trim();
  }

  public static int integer(String name, String value, int def, int min, int max) {
    if (value == null || value.isBlank()) {
      return def;
    }
    try {
      int v = Integer.parseInt(value.trim());
      if (v < min || v > max) {
        throw Problem.invalid("'" + name + "' must be between " + min + " and " + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw Problem.invalid("'" + name + "' must be a whole number");
    }
  }

  public static Boolean bool(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return switch (value.trim()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw Problem.invalid("'" + name + "' must be true or false");
    };
  }

  public static UUID uuid(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return Fields.parseUuid(name, value.trim());
  }

  /**
   * An instant, or a date (YYYY-MM-DD, in UTC): a date's start, or with {@code endOfDay} the start
   * of the next day, so that a range "to" a date includes that whole day.
   */
  public static Instant instant(String name, String value, boolean endOfDay) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      if (v.length() == 10) {
        LocalDate day = LocalDate.parse(v);
        return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw Problem.invalid("'" + name + "' must be a date (YYYY-MM-DD) or an ISO-8601 instant");
    }
  }
}
