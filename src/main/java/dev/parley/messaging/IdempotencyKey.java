package dev.parley.messaging;

import dev.parley.Problem;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The {@code Idempotency-Key} a client sent with a send or reply, and a hash of the request it came
 * with: a retry with the same key and the same request gets the first answer, the same key with
 * another request is refused.
 */
public record IdempotencyKey(String key, byte[] requestHash) {

  public static final String HEADER = "Idempotency-Key";
  static final int MAX_LENGTH = 200;

  /**
   * The request's key, or null when it has none. 400 for an empty key, one over {@value #MAX_LENGTH}
   * characters, one with anything but visible ASCII characters, or the header given twice.
   */
  public static IdempotencyKey of(RoutingContext ctx, JsonObject body) {
    List<String> given = ctx.request().headers().getAll(HEADER);
    if (given.isEmpty()) {
      return null;
    }
    if (given.size() > 1) {
      throw Problem.badRequest("invalid_idempotency_key", "send one Idempotency-Key header, not " + given.size());
    }
    String key = given.get(0);
    if (key.isEmpty() || key.length() > MAX_LENGTH) {
      throw Problem.badRequest("invalid_idempotency_key", "the Idempotency-Key must be 1 to " + MAX_LENGTH + " characters long");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw Problem.badRequest("invalid_idempotency_key",
            "the Idempotency-Key may hold only visible ASCII characters (no spaces or control characters)");
      }
    }
    String request = ctx.request().method() + " " + ctx.request().path() + "\n" + body.encode();
    return new IdempotencyKey(key, sha256(request));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
