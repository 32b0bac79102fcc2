package dev.parley.http;

import dev.parley.Fields;
import dev.parley.Problem;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * What a route reads of the request itself: its JSON body and the id in its path. The fields of the
 * body are the business of the command built from it (see {@link Fields}).
 */
public final class Body {

  private Body() {
  }

  /**
   * The request's JSON object, empty when no body was sent. 415 when the body is not declared as JSON,
   * 400 when it is not a JSON object or holds the NUL character anywhere.
   */
  public static JsonObject json(RoutingContext ctx) {
    requireJsonContentType(ctx);
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text == null || text.isBlank()) {
      return new JsonObject();
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw Problem.badRequest("malformed_json", "the body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject obj)) {
      throw Problem.badRequest("malformed_json", "the body must be a JSON object");
    }
    requireNoNul(null, obj);
    return obj;
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
    return "'" + Fields.abbreviate(field) + "' must not contain the NUL character (U+0000)";
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
    String mime = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mime.equals("application/json") && !(mime.startsWith("application/") && mime.endsWith("+json"))) {
      throw new Problem(415, "unsupported_media_type", "the body must be sent as application/json, not " + Fields.abbreviate(mime));
    }
  }

  /**
   * The {@code :id} of the request's path. A malformed one names nothing that exists, so it answers
   * 404 {@code not_found} like a foreign or invisible id, never 400.
   */
  public static UUID pathId(RoutingContext ctx, String what) {
    try {
      return Fields.parseUuid("id", ctx.pathParam("id"));
    } catch (Problem p) {
      throw Problem.notFound(what);
    }
  }
}
