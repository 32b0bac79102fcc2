package dev.parley.inbound;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real replies from the test fixtures of public reply-parsing projects (see replies/README.md), each with
 * the text its person wrote, run through the real MimeReader and the extractor. A case is a raw message
 * ({@code .eml}), or a plain-text ({@code .txt}) or HTML ({@code .html}) body sent as such, beside its
 * {@code .expected} text.
 */
class ReplyCorpusTest {

  /** The corpus as it stands; a case taken out must be replaced. */
  private static final int MIN_CASES = 182;

  record Result(String name, String expected, String actual) {
    boolean exact() {
      return normal(actual).equals(normal(expected));
    }

    boolean lost() {
      return !normal(actual).contains(normal(expected));
    }
  }

  @Test
  void atLeastNineteenOfTwentyRepliesComeOutExactlyAndNoneLosesTextThePersonWrote() throws Exception {
    List<Result> results = new ArrayList<>();
    for (Path expected : cases()) {
      String name = expected.getFileName().toString().replaceFirst("\\.expected$", "");
      Path body = sibling(expected, name);
      InboundEmail mail = MimeReader.read(message(body));
      String actual = Quotes.split(mail.text()).text();
      results.add(new Result(expected.getParent().getFileName() + "/" + name,
          Files.readString(expected, StandardCharsets.UTF_8), actual));
    }
    long exact = results.stream().filter(Result::exact).count();
    List<Result> lost = results.stream().filter(Result::lost).toList();
    long kept = results.size() - exact - lost.size();
    StringBuilder report = new StringBuilder();
    report.append(String.format("reply corpus: %d cases, %d exact (%.1f %%), %d kept quoted text or a signature, %d lost text%n",
        results.size(), exact, 100.0 * exact / results.size(), kept, lost.size()));
    for (Result r : results) {
      if (!r.exact()) {
        report.append(r.lost() ? "LOST  " : "KEPT  ").append(r.name()).append('\n')
            .append("  expected: ").append(normal(r.expected())).append('\n')
            .append("  actual:   ").append(normal(r.actual())).append('\n');
      }
    }
    System.out.println(report);
    assertThat(results.size()).as("cases in the corpus (it only grows)").isGreaterThanOrEqualTo(MIN_CASES);
    assertThat(lost).as(report.toString()).isEmpty();
    assertThat(100.0 * exact / results.size()).as(report.toString()).isGreaterThanOrEqualTo(95.0);
  }

  static List<Path> cases() throws IOException, URISyntaxException {
    Path root = Path.of(ReplyCorpusTest.class.getResource("/replies").toURI());
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> p.toString().endsWith(".expected")).sorted().toList();
    }
  }

  private static Path sibling(Path expected, String name) {
    for (String ext : List.of(".eml", ".txt", ".html")) {
      Path p = expected.resolveSibling(name + ext);
      if (Files.exists(p)) {
        return p;
      }
    }
    throw new IllegalStateException("no message beside " + expected);
  }

  /** The case as a raw message: an .eml as it is, a body wrapped in a UTF-8 message of its type. */
  static byte[] message(Path body) throws IOException {
    byte[] bytes = Files.readAllBytes(body);
    String file = body.getFileName().toString();
    if (file.endsWith(".eml")) {
      return bytes;
    }
    String type = file.endsWith(".html") ? "text/html" : "text/plain";
    String head = "From: person@example.test\r\nTo: reply+00@parley.localhost\r\nSubject: Re: corpus\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: " + type + "; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[h.length + bytes.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(bytes, 0, out, h.length, bytes.length);
    return out;
  }

  static String normal(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").strip();
  }
}
