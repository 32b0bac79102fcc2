package dev.parley.inbound;

/** An email that cannot be read safely: broken beyond repair, or beyond the limits. */
public final class Malformed extends Exception {

  public Malformed(String message) {
    super(message, null, false, false);
  }
}
