package dev.parley.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One step of offered load: {@code count} messages scheduled every {@code period} ns from
 * {@code start}. Latencies are taken from the scheduled time, in microseconds, so that a server
 * that falls behind shows its backlog instead of hiding it.
 */
final class Step {

  final int id;
  final int rate;
  final int count;
  final Driver.BenchThread[] threadOf;
  final int readsPerMessage;
  private long start;
  private long period;
  private long sendEnd;
  private long end;
  private Cpu.Sample cpu;

  private final AtomicIntegerArray deliveredPerMessage;
  final AtomicInteger inFlight = new AtomicInteger();
  /** Completed as soon as {@link #complete()} holds after the send window. */
  private final java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
  private volatile boolean windowEnded;
  private volatile boolean finished;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong expected = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong sendErrors = new AtomicLong();
  private final AtomicLong readsSent = new AtomicLong();
  private final AtomicLong readsReceived = new AtomicLong();
  private final AtomicLong readErrors = new AtomicLong();
  private volatile String firstError;

  private final Histogram delivery = histogram();
  private final Histogram api = histogram();
  private final Histogram read = histogram();

  Step(int id, int rate, int count, Driver.BenchThread[] threadOf, int readsPerMessage) {
    this.id = id;
    this.rate = rate;
    this.count = count;
    this.threadOf = threadOf;
    this.readsPerMessage = readsPerMessage;
    this.deliveredPerMessage = new AtomicIntegerArray(count);
  }

  private static Histogram histogram() {
    return new ConcurrentHistogram(1, 3_600_000_000L, 3);
  }

  void start(long start, long period) {
    this.start = start;
    this.period = period;
  }

  long scheduled(int seq) {
    return start + seq * period;
  }

  void accepted(int seq, int recipients, long now) {
    accepted.incrementAndGet();
    expected.addAndGet(recipients);
    api.recordValue(Math.max(0, (now - scheduled(seq)) / 1000));
  }

  /** A send has been answered (accepted or failed). */
  void answered() {
    inFlight.decrementAndGet();
    check();
  }

  void sendFailed(String why) {
    if (sendErrors.incrementAndGet() == 1) {
      firstError = why;
      System.err.println("send failed: " + why);
    }
  }

  void delivered(int seq, long now) {
    int n = deliveredPerMessage.incrementAndGet(seq);
    if (n > threadOf[seq].recipients.length) {
      duplicates.incrementAndGet();
      return;
    }
    delivered.incrementAndGet();
    delivery.recordValue(Math.max(0, (now - scheduled(seq)) / 1000));
    check();
  }

  void readSent() {
    readsSent.incrementAndGet();
  }

  void readReceived(long nanos) {
    readsReceived.incrementAndGet();
    read.recordValue(Math.max(0, nanos / 1000));
    check();
  }

  void readFailed(String why) {
    if (finished) {
      // a read still under way when the step ended (the generator closing its clients): the step's
      // figures are taken, and it already counts the receipt as not received
      return;
    }
    int errors = (int) readErrors.incrementAndGet();
    check();
    if (errors == 1) {
      System.err.println("mark read failed: " + why);
      if (firstError == null) {
        firstError = why;
      }
    }
  }

  void sendWindowEnded(long now) {
    sendEnd = now;
    windowEnded = true;
    check();
  }

  /** Completes once every send is answered and every delivery and read receipt is in. */
  java.util.concurrent.CompletableFuture<Void> done() {
    return done;
  }

  private void check() {
    if (windowEnded && !done.isDone() && complete()) {
      done.complete(null);
    }
  }

  /** Every send answered, every delivery and read receipt in. */
  boolean complete() {
    return inFlight.get() == 0 && accepted.get() + sendErrors.get() == count && delivered.get() >= expected.get()
        && readsReceived.get() + readErrors.get() >= readsSent.get();
  }

  void finished(long now, Cpu.Sample cpu) {
    this.end = now;
    this.cpu = cpu;
    this.finished = true;
  }

  long acceptedCount() {
    return accepted.get();
  }

  long expected() {
    return expected.get();
  }

  long delivered() {
    return delivered.get();
  }

  long duplicates() {
    return duplicates.get();
  }

  long sendErrors() {
    return sendErrors.get();
  }

  long readsSent() {
    return readsSent.get();
  }

  long readsReceived() {
    return readsReceived.get();
  }

  long lost() {
    return Math.max(0, expected.get() - delivered.get()) + (count - accepted.get());
  }

  double p99Ms() {
    return ms(delivery.getValueAtPercentile(99));
  }

  boolean passed(long p99LimitMs) {
    return lost() == 0 && duplicates.get() == 0 && sendErrors.get() == 0 && readErrors.get() == 0
        && readsReceived.get() == readsSent.get() && delivery.getTotalCount() > 0 && p99Ms() < p99LimitMs;
  }

  private static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  private static JsonObject percentiles(Histogram h) {
    return new JsonObject()
        .put("count", h.getTotalCount())
        .put("p50", ms(h.getValueAtPercentile(50)))
        .put("p90", ms(h.getValueAtPercentile(90)))
        .put("p99", ms(h.getValueAtPercentile(99)))
        .put("p999", ms(h.getValueAtPercentile(99.9)))
        .put("max", ms(h.getMaxValue()));
  }

  JsonObject toJson(long p99LimitMs) {
    double sendSeconds = (sendEnd - start) / 1e9;
    JsonObject j = new JsonObject()
        .put("offeredRate", rate)
        .put("messages", count)
        .put("accepted", accepted.get())
        .put("achievedRate", sendSeconds > 0 ? Math.round(accepted.get() / sendSeconds) : 0)
        .put("sendErrors", sendErrors.get())
        .put("expectedDeliveries", expected.get())
        .put("delivered", delivered.get())
        .put("duplicates", duplicates.get())
        .put("lost", lost())
        .put("deliveryMs", percentiles(delivery))
        .put("apiSendMs", percentiles(api))
        .put("readsSent", readsSent.get())
        .put("readsReceived", readsReceived.get())
        .put("readErrors", readErrors.get())
        .put("readReceiptMs", percentiles(read))
        .put("drainMs", Math.round((end - sendEnd) / 1e6))
        .put("passed", passed(p99LimitMs));
    if (cpu != null) {
      j.put("cpu", cpu.toJson(accepted.get()));
    }
    if (firstError != null) {
      j.put("firstError", firstError);
    }
    return j;
  }
}
