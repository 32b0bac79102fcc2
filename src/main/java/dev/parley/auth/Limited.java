package dev.parley.auth;

import dev.parley.Problem;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;

/** A 429 that says when to try again: in {@code Retry-After} and in its message. */
final class Limited {

  private Limited() {
  }

  static Problem tooMany(RoutingContext ctx, Duration retryAfter, String message) {
    long seconds = Math.max(1, retryAfter.toSeconds());
    ctx.response().putHeader("Retry-After", Long.toString(seconds));
    return Problem.tooMany(message + "; try again in " + inWords(seconds));
  }

  static String inWords(long seconds) {
    if (seconds < 60) {
      return seconds == 1 ? "1 second" : seconds + " seconds";
    }
    long minutes = (seconds + 59) / 60;
    return minutes == 1 ? "1 minute" : minutes + " minutes";
  }
}
