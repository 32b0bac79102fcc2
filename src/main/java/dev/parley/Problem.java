package dev.parley;

/**
 * A failure a client can be told about: an HTTP status, a stable code and a readable message.
 * The router's failure handler renders it as {@code {"error": code, "message": text}}.
 */
public class Problem extends RuntimeException {

  private final int status;
  private final String code;

  public Problem(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
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

  public static Problem tooMany(String message) {
    return new Problem(429, "rate_limited", message);
  }

  public static Problem unavailable(String message) {
    return new Problem(503, "unavailable", message);
  }
}
