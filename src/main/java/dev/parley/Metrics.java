package dev.parley;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import java.time.Duration;
import java.util.function.ToDoubleFunction;

/**
 * The node's meters, for every feature, whether or not metrics are on. With metrics off the registry
 * is an empty composite: the meters it hands out keep nothing, and updating one costs a call that
 * returns. A feature builds its meters once (in a field) and updates them on its path; it never looks
 * a meter up by name per message.
 *
 * <p>Names are dotted ({@code parley.messages.sent}); Prometheus shows them with underscores and its
 * suffixes ({@code parley_messages_sent_total}, {@code parley_send_duration_seconds_bucket}). Labels
 * take a small fixed set of values each: never a person, an address or anything a client chose.
 */
public final class Metrics {

  /** The range latency histograms cover: below is one bucket, above is {@code +Inf}. */
  private static final Duration FASTEST = Duration.ofMillis(1);
  private static final Duration SLOWEST = Duration.ofSeconds(30);

  private final MeterRegistry registry;

  private Metrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The meters of a node whose figures go to {@code registry}. */
  public static Metrics of(MeterRegistry registry) {
    return new Metrics(registry);
  }

  /**
   * Meters that keep nothing: metrics are off. A fresh registry each time, so that what a node's gauges
   * read is let go with the node.
   */
  public static Metrics off() {
    return new Metrics(new CompositeMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A counter; {@code tags} are label name and value pairs. */
  public Counter counter(String name, String description, String... tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  /**
   * A latency histogram (in seconds) from 1 ms to 30 s, so that Prometheus can work out any percentile
   * across nodes ({@code histogram_quantile}).
   */
  public Timer latency(String name, String description, String... tags) {
    return Timer.builder(name).description(description).tags(tags)
        .publishPercentileHistogram()
        .minimumExpectedValue(FASTEST)
        .maximumExpectedValue(SLOWEST)
        .register(registry);
  }

  /** A distribution of counts (a batch's size, say) in {@code unit}, with a bucket at each of {@code buckets}. */
  public DistributionSummary sizes(String name, String description, String unit, double... buckets) {
    return DistributionSummary.builder(name).description(description).baseUnit(unit)
        .serviceLevelObjectives(buckets)
        .register(registry);
  }

  /** A gauge that reads {@code f} of {@code owner} when scraped. */
  public <T> void gauge(String name, String description, T owner, ToDoubleFunction<T> f) {
    Gauge.builder(name, owner, f).description(description).strongReference(true).register(registry);
  }
}
