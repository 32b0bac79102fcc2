package dev.parley;

import java.time.Duration;

/**
 * A failure a client can be told about: an HTTP status, a stable code and a readable message.
 * The router's failure handler renders it as {@code {"error": code, "message": text}}, with a
 * {@code Retry-After} header when the problem says when to try again.
 */
public class Problem extends RuntimeException {

  private final int status;
  private final String code;
  private final long retryAfterSeconds;

  public Problem(int status, String code, String message) {
    this(status, code, message, 0);
  }

  private Problem(int status, String code, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Seconds after which the same request may succeed ({@code Retry-After}); 0 when nobody knows. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static Problem badRequest(String code, String message) {
    return new Problem(400, code, message);
  }

  public static Problem invalid(String message) {
    return new Problem(400, "invalid_request", message);
  }

  public static Problem unauthorized() {
    return new Problem(401, "unauthorized", "sign in first");
  }

  public static Problem forbidden(String message) {
    return new Problem(403, "forbidden", message);
  }

  /** Foreign and invisible ids answer the same way: the thing does not exist for this caller. */
  public static Problem notFound(String what) {
    return new Problem(404, "not_found", what + " not found");
  }

  public static Problem conflict(String code, String message) {
    return new Problem(409, code, message);
  }

  public static Problem tooLarge(String message) {
    return new Problem(413, "too_large", message);
  }

  /** A 429 that says when to try again: in {@code Retry-After} (at least a second) and in its message. */
  public static Problem tooMany(Duration retryAfter, String message) {
    long seconds = Math.max(1, retryAfter.toSeconds());
    return new Problem(429, "rate_limited", message + "; try again in " + inWords(seconds), seconds);
  }

  static String inWords(long seconds) {
    if (seconds < 60) {
      return seconds == 1 ? "1 second" : seconds + " seconds";
    }
    long minutes = (seconds + 59) / 60;
    return minutes == 1 ? "1 minute" : minutes + " minutes";
  }

  public static Problem unavailable(String message) {
    return new Problem(503, "unavailable", message);
  }
}
