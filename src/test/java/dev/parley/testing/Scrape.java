package dev.parley.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** One scrape of a node's {@code /metrics}, in the Prometheus text format, read series by series. */
public record Scrape(String text, List<Series> series) {

  private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)(?: \\S+)?$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One sample: its name, labels and value. */
  public record Series(String name, Map<String, String> labels, double value) {
  }

  /** Scrapes {@code metrics} (an {@link Api} on the metrics port). */
  public static Scrape of(Api metrics) {
    Api.Response r = metrics.get("/metrics");
    assertThat(r.status()).as("GET /metrics").isEqualTo(200);
    return parse(r.body());
  }

  public static Scrape parse(String text) {
    List<Series> all = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("not a Prometheus sample line: " + line);
      }
      Map<String, String> labels = new java.util.HashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      all.add(new Series(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return new Scrape(text, all);
  }

  /** The sum of the samples of {@code name} that carry every label given as name and value pairs (0 when none). */
  public double value(String name, String... labels) {
    double sum = 0;
    for (Series s : series) {
      if (s.name().equals(name) && carries(s, labels)) {
        sum += s.value();
      }
    }
    return sum;
  }

  /** Whether a sample of {@code name} is on the scrape at all. */
  public boolean has(String name) {
    return series.stream().anyMatch(s -> s.name().equals(name));
  }

  public Set<String> names() {
    Set<String> names = new HashSet<>();
    series.forEach(s -> names.add(s.name()));
    return names;
  }

  private static boolean carries(Series s, String... labels) {
    for (int i = 0; i + 1 < labels.length; i += 2) {
      if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
        return false;
      }
    }
    return true;
  }
}
