package dev.parley.events;

import dev.parley.Problem;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A place in a company's changes: the pair (transaction id, number), compared in that order. Handed
 * to clients as an opaque cursor. The start is (0, 0); a cursor of the first version (a bare event
 * number) is {@link #OUTDATED}: it can no longer be followed, and its holder resyncs.
 */
public record Position(long xid, long seq) implements Comparable<Position> {

  public static final Position START = new Position(0, 0);
  /** Stands for a cursor of an earlier server version, which answers "resync". */
  public static final Position OUTDATED = new Position(-1, -1);

  private static final String PREFIX = "c2:";

  /** Every change of a transaction older than {@code xid}, and none of {@code xid} or later. */
  public static Position before(long xid) {
    return new Position(xid, 0);
  }

  public String encode() {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((PREFIX + xid + ":" + seq).getBytes(StandardCharsets.US_ASCII));
  }

  /** The position a cursor names; 400 naming {@code after} when it is not one this server gave out. */
  public static Position parse(String cursor) {
    if ("0".equals(cursor)) {
      return START;
    }
    if (cursor.length() <= 20 && cursor.chars().allMatch(Character::isDigit)) {
      return OUTDATED;
    }
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      if (raw.startsWith(PREFIX)) {
        String[] parts = raw.substring(PREFIX.length()).split(":");
        if (parts.length == 2) {
          long xid = Long.parseLong(parts[0]);
          long seq = Long.parseLong(parts[1]);
          if (xid >= 0 && seq >= 0) {
            return new Position(xid, seq);
          }
        }
      }
    } catch (IllegalArgumentException e) {
      // answered below
    }
    throw Problem.invalid("'after' is not a cursor this server gave out");
  }

  @Override
  public int compareTo(Position o) {
    int c = Long.compare(xid, o.xid);
    return c != 0 ? c : Long.compare(seq, o.seq);
  }
}
