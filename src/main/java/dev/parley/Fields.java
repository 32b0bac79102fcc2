package dev.parley;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A JSON object read strictly, for a command to parse and validate itself: unknown fields, missing
 * fields, wrong types and values out of range each throw a 400 {@link Problem} that names the field.
 * It knows nothing of HTTP, so a feature's commands build from any JSON object, whoever received it.
 */
public final class Fields {

  private final JsonObject json;

  private Fields(JsonObject json) {
    this.json = json;
  }

  /** The object, accepting only the named fields. */
  public static Fields strict(JsonObject json, String... allowed) {
    Set<String> ok = new LinkedHashSet<>(Arrays.asList(allowed));
    for (String key : json.fieldNames()) {
      if (!ok.contains(key)) {
        throw Problem.invalid("unknown field '" + key + "'; allowed: " + String.join(", ", ok));
      }
    }
    return new Fields(json);
  }

  public boolean has(String field) {
    return json.containsKey(field);
  }

  public JsonObject json() {
    return json;
  }

  public String requiredString(String field, int maxLength) {
    String v = optionalString(field, maxLength);
    if (v == null || v.isBlank()) {
      throw Problem.invalid("'" + field + "' is required");
    }
    return v;
  }

  /** The string, or null when absent; longer than {@code maxLength} answers 400. */
  public String optionalString(String field, int maxLength) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw Problem.invalid("'" + field + "' must be a string");
    }
    if (s.length() > maxLength) {
      throw Problem.invalid("'" + field + "' is longer than " + maxLength + " characters");
    }
    return s;
  }

  /** The string with no length limit of its own, for fields whose owner checks size (and answers 413). */
  public String optionalText(String field) {
    return optionalString(field, Integer.MAX_VALUE);
  }

  public Boolean optionalBoolean(String field) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Boolean b)) {
      throw Problem.invalid("'" + field + "' must be true or false");
    }
    return b;
  }

  /** The whole number, or null when absent; a fraction, a string or a value outside {@code min..max} answers 400. */
  public Integer optionalInt(String field, int min, int max) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    String range = "'" + field + "' must be a whole number from " + min + " to " + max;
    if (!(v instanceof Integer || v instanceof Long || v instanceof BigInteger)) {
      throw Problem.invalid(range);
    }
    BigInteger n = new BigInteger(v.toString());
    if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
      throw Problem.invalid(range);
    }
    return n.intValue();
  }

  public boolean bool(String field, boolean def) {
    Boolean b = optionalBoolean(field);
    return b == null ? def : b;
  }

  public UUID optionalUuid(String field) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw Problem.invalid("'" + field + "' must be an id string");
    }
    return parseUuid(field, s);
  }

  /** A list of ids; null when absent. Duplicates are removed, order kept. */
  public List<UUID> optionalUuids(String field, int max) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonArray arr)) {
      throw Problem.invalid("'" + field + "' must be a list of ids");
    }
    if (arr.size() > max) {
      throw Problem.invalid("'" + field + "' has more than " + max + " entries");
    }
    LinkedHashSet<UUID> ids = new LinkedHashSet<>();
    for (Object o : arr) {
      if (!(o instanceof String s)) {
        throw Problem.invalid("'" + field + "' must hold id strings only");
      }
      ids.add(parseUuid(field, s));
    }
    return new ArrayList<>(ids);
  }

  /** The nested object, accepting only the named fields; null when absent. */
  public Fields object(String field, String... allowed) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject o)) {
      throw Problem.invalid("'" + field + "' must be an object");
    }
    try {
      return strict(o, allowed);
    } catch (Problem p) {
      throw Problem.invalid("in '" + field + "': " + p.getMessage());
    }
  }

  public static UUID parseUuid(String field, String s) {
    try {
      if (s.length() != 36) {
        throw new IllegalArgumentException();
      }
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      throw Problem.invalid("'" + field + "' must be an id (UUID), got '" + abbreviate(s) + "'");
    }
  }

  /** Rejects CR, LF and NUL, which must never reach a mail header. */
  public static void requireSingleLine(String field, String value) {
    if (value != null && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0)) {
      throw Problem.invalid("'" + field + "' must be a single line");
    }
  }

  /** A client's text as an error message quotes it: at most 40 characters. */
  public static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
