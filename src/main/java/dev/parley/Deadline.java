package dev.parley;

import java.time.Duration;

/** A moment by which something must be done, on the monotonic clock of this process. */
public record Deadline(long nanos) {

  /** The moment {@code d} from now. */
  public static Deadline after(Duration d) {
    return new Deadline(System.nanoTime() + d.toNanos());
  }

  /** Milliseconds left (zero or less once passed). */
  public long remainingMillis() {
    return (nanos - System.nanoTime()) / 1_000_000;
  }

  public boolean passed() {
    return nanos - System.nanoTime() <= 0;
  }

  /** The moment {@code d} before this one. */
  public Deadline earlier(Duration d) {
    return new Deadline(nanos - d.toNanos());
  }
}
