package dev.parley.http;

import dev.parley.Problem;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A JSON request body read strictly: malformed JSON, unknown fields, missing fields and wrong types
 * each answer 400 with a message that names the field.
 */
public final class Body {

  private final JsonObject json;

  private Body(JsonObject json) {
    this.json = json;
  }

  /** The request's JSON object, accepting only the named fields. */
  public static Body of(RoutingContext ctx, String... allowed) {
    requireJsonContentType(ctx);
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text == null || text.isBlank()) {
      return strict(new JsonObject(), allowed);
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(text);
    } catch (DecodeException e) {
      throw Problem.badRequest("malformed_json", "the body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject obj)) {
      throw Problem.badRequest("malformed_json", "the body must be a JSON object");
    }
    requireNoNul(null, obj);
    return strict(obj, allowed);
  }

  /**
   * PostgreSQL refuses the NUL character in any text, so a string holding one would fail where it is
   * stored (a 500); every string in a request body is checked here, at any depth, naming its field.
   */
  private static void requireNoNul(String path, Object value) {
    if (value instanceof String s) {
      if (s.indexOf('\0') >= 0) {
        throw Problem.invalid(nulMessage(path));
      }
    } else if (value instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        String field = (path == null ? "" : path + ".") + e.getKey().replace('\0', '?');
        if (e.getKey().indexOf('\0') >= 0) {
          throw Problem.invalid(nulMessage(field));
        }
        requireNoNul(field, e.getValue());
      }
    } else if (value instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        requireNoNul(path + "[" + i + "]", a.getValue(i));
      }
    }
  }

  static String nulMessage(String field) {
    return "'" + abbreviate(field) + "' must not contain the NUL character (U+0000)";
  }

  /**
   * A body must be declared as JSON: an HTML form (text/plain, urlencoded, multipart) cannot send
   * that type across sites without a CORS preflight, so a forged form post never reaches a handler.
   */
  private static void requireJsonContentType(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null) {
      return;
    }
    String mime = type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    if (!mime.equals("application/json") && !(mime.startsWith("application/") && mime.endsWith("+json"))) {
      throw new Problem(415, "unsupported_media_type", "the body must be sent as application/json, not " + abbreviate(mime));
    }
  }

  public static Body strict(JsonObject json, String... allowed) {
    Set<String> ok = new LinkedHashSet<>(Arrays.asList(allowed));
    for (String key : json.fieldNames()) {
      if (!ok.contains(key)) {
        throw Problem.invalid("unknown field '" + key + "'; allowed: " + String.join(", ", ok));
      }
    }
    return new Body(json);
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
    if (!(v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger)) {
      throw Problem.invalid(range);
    }
    java.math.BigInteger n = new java.math.BigInteger(v.toString());
    if (n.compareTo(java.math.BigInteger.valueOf(min)) < 0 || n.compareTo(java.math.BigInteger.valueOf(max)) > 0) {
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

  public Body object(String field, String... allowed) {
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

  /**
   * The {@code :id} of the request's path. A malformed one names nothing that exists, so it answers
   * 404 {@code not_found} like a foreign or invisible id, never 400.
   */
  public static UUID pathId(RoutingContext ctx, String what) {
    try {
      return parseUuid("id", ctx.pathParam("id"));
    } catch (Problem p) {
      throw Problem.notFound(what);
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

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  /** Rejects CR, LF and NUL, which must never reach a mail header. */
  public static void requireSingleLine(String field, String value) {
    if (value != null && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0)) {
      throw Problem.invalid("'" + field + "' must be a single line");
    }
  }
}
