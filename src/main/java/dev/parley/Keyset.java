package dev.parley;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A keyset paging cursor: the sort key of the last row a page showed, handed to the client as an
 * opaque string and read back as its parts. A cursor the server did not give out answers 400.
 */
public final class Keyset {

  private static final char SEPARATOR = '\u001f';

  private Keyset() {
  }

  public static String encode(String... parts) {
    String raw = String.join(String.valueOf(SEPARATOR), parts);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** The parts of a cursor, or null for none; {@code count} parts or 400 {@code invalid_request}. */
  public static String[] decode(String cursor, int count) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      String[] parts = raw.split(String.valueOf(SEPARATOR), -1);
      if (parts.length == count) {
        return parts;
      }
    } catch (IllegalArgumentException e) {
      // falls through to the refusal
    }
    throw Problem.invalid("'cursor' is not a cursor this server gave out");
  }
}
