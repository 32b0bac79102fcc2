package dev.parley.events;

import dev.parley.Metrics;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The group commit in figures: how many writes each committed transaction carried, and how long it
 * took from leaving the queue (a connection, BEGIN, the statements) to its COMMIT answered. The commit
 * time also travels with each published change ({@value #COMMITTED_AT}, microseconds since the epoch),
 * so that a node can tell how long a change took to reach its sockets.
 */
public final class CommitMetrics {

  /** The published change's field that carries when it was committed. */
  public static final String COMMITTED_AT = "committedAt";

  private final DistributionSummary batchSize;
  private final Timer commit;

  CommitMetrics(Metrics metrics) {
    batchSize = metrics.sizes("parley.group.commit.batch.size", "writes committed together in one transaction", "writes",
        1, 2, 4, 8, 16, 32, 64);
    commit = metrics.latency("parley.group.commit.duration",
        "a shared write transaction, from leaving the queue to its COMMIT answered");
  }

  void committed(int writes, long nanos) {
    batchSize.record(writes);
    commit.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Now, in microseconds since the epoch: what nodes compare to tell a change's age. */
  public static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }
}
