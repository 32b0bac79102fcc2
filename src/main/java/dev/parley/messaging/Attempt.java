package dev.parley.messaging;

import dev.parley.Deadline;

/**
 * One attempt at a write as a client made it: by when it must have committed (null: the group
 * commit's own timeout) and the client's Idempotency-Key (null: none).
 */
public record Attempt(Deadline writeBy, IdempotencyKey key) {

  /** No key, and the group commit's own timeout: a write with no client request behind it (email). */
  public static final Attempt DEFAULT = new Attempt(null, null);
}
