package dev.parley.inbound;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What mail clients write around a reply, read from one table per language ({@code /replies/<code>.txt}, see
 * the README beside them) and compiled into the patterns {@link Quotes} uses. Adding a language or a phrase
 * is a change of data, not of code.
 */
final class ReplyRules {

  private static final String DIR = "/replies/";
  static final ReplyRules ALL = load();

  /** "On ... wrote:" and its translations, possibly starting within a line (new text before it is kept). */
  final Pattern attribution;
  /** "On <date or address> ... wrote" without its colon. */
  final Pattern attributionWithoutColon;
  /** A line that may start a (wrapped) attribution: an "on" word, a date or an address. */
  final Pattern attributionStart;
  /** The usual first words of an attribution: an "on" word or a date. */
  final Pattern attributionHead;
  /** A date (ISO, numeric or East Asian) or an address, then a colon: Gmail's attribution in some locales. */
  final Pattern datedAttribution;
  /** A date then an address, without a colon: an attribution only when a quote follows it. */
  final Pattern datedAddress;
  final Pattern separator;
  final Pattern forward;
  final Pattern fromField;
  final Pattern headerField;
  /** A header field within a line: "Date: ... From: ... To: ..." written on one line. */
  final Pattern inlineField;
  final Pattern footer;
  private final List<String> signatures;

  private ReplyRules(Map<String, Set<String>> kinds) {
    String on = alternation(kinds.get("on"));
    String wrote = alternation(kinds.get("wrote"));
    String colon = "\\s*[:：]";
    attribution = Pattern.compile("(?iu)(?:^|(?<=[\\s\\-]))(?:" + on + ")\\s.{0,400}?(?:" + wrote + ")[^:：\\n]{0,60}?"
        + "(?:" + colon + "\\s*-*|\\s*-{2,})\\s*$");
    attributionWithoutColon = Pattern.compile("(?iu)^(?:" + on + ")\\s.{0,400}?(?:\\d{1,2}:\\d{2}|@).{0,300}?(?:" + wrote + ")\\s*$");
    String head = "(?:" + on + ")\\s|\\d{1,4}\\s*[-./年]|\\d{1,2}\\.?\\s+\\p{L}|\\p{L}+,?\\s+\\d{1,2}[.,\\s]";
    attributionHead = Pattern.compile("(?iu)^-*\\s*(?:" + head + ").*");
    attributionStart = Pattern.compile("(?iu)^-*\\s*(?:[^@]{0,80}@|" + head + ").*");
    datedAttribution = Pattern.compile("(?iu)^(?:"
        + "(?:\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{2,4}|\\d{4}\\s*[年년]\\s*\\d{1,2}\\s*[月월]"
        + "|\\d{1,2}\\.?\\s+\\p{L}{3,}\\.?\\s+\\d{4}|\\p{L}{2,}[.,]?\\s+\\d{1,2}\\.?\\s+\\p{L}{3,}\\.?\\s+\\d{4}).{0,300}?"
        + "(?:(?:" + wrote + ")[^:：\\n]{0,60}?|<?[^\\s<>@]+@[^\\s<>@]+>?[^:：\\n]{0,20}?)" + colon + "\\s*$"
        + "|.{0,200}?@.{0,200}?(?:" + wrote + ")[^\\n]{0,40}?" + colon + "\\s*$"
        + "|(?=.{0,120}\\b(?:19|20)\\d{2}\\b).{0,250}?<?[^\\s<>@]+@[^\\s<>@]+>?[)\\]]?" + colon + "\\s*$)");
    datedAddress = Pattern.compile("(?iu)^(?:\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{2,4}).{0,200}@.*");
    separator = Pattern.compile("(?iu)^\\s*[-=_*]{2,}\\s*(?:" + alternation(kinds.get("separator")) + ")\\s*[-=_*]{2,}\\s*$");
    forward = Pattern.compile("(?iu)^\\s*-*\\s*(?:" + alternation(kinds.get("forward")) + ")\\s*[:：]?\\s*-*\\s*$");
    fromField = Pattern.compile("(?iu)^\\s*[*>]?\\s*\\*?(?:" + alternation(kinds.get("from")) + ")\\s*\\*?\\s*[:：].*");
    headerField = Pattern.compile("(?iu)^\\s*[*>]?\\s*\\*?(?:" + alternation(kinds.get("header")) + "|"
        + alternation(kinds.get("from")) + ")\\s*\\*?\\s*[:：].*");
    inlineField = Pattern.compile("(?iu)\\s\\*?(?:" + alternation(kinds.get("header")) + "|" + alternation(kinds.get("from"))
        + ")\\s*\\*?\\s*[:：]");
    footer = Pattern.compile("(?iu)^\\s*(?:" + alternation(kinds.get("footer")) + ").*");
    signatures = kinds.get("signature").stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
  }

  /** A line a mail app adds below the text ("Sent from my iPhone" and its translations). */
  boolean isSignature(String line) {
    String t = line.strip().toLowerCase(Locale.ROOT);
    if (t.isEmpty() || t.length() > 80) {
      return false;
    }
    for (String s : signatures) {
      if (t.startsWith(s) || t.endsWith(s)) {
        return true;
      }
    }
    return false;
  }

  private static ReplyRules load() {
    Map<String, Set<String>> kinds = new LinkedHashMap<>();
    for (String kind : List.of("on", "wrote", "from", "header", "separator", "forward", "signature", "footer")) {
      kinds.put(kind, new LinkedHashSet<>());
    }
    for (String language : lines(DIR + "languages.txt")) {
      for (String line : lines(DIR + language + ".txt")) {
        int colon = line.indexOf(':');
        String kind = colon < 0 ? "" : line.substring(0, colon).strip();
        Set<String> into = kinds.get(kind);
        if (into == null) {
          throw new IllegalStateException("reply rules " + language + ": unknown line '" + line + "'");
        }
        into.add(line.substring(colon + 1).strip());
      }
    }
    return new ReplyRules(kinds);
  }

  /** The non-blank, non-comment lines of a resource. */
  private static List<String> lines(String resource) {
    List<String> out = new ArrayList<>();
    try (InputStream in = ReplyRules.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing " + resource);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line.strip());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Longest phrase first, so that "napisał(a)" wins over "napisał"; spaces match any run of white space. */
  private static String alternation(Set<String> phrases) {
    List<String> sorted = new ArrayList<>(phrases);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    List<String> quoted = new ArrayList<>();
    for (String p : sorted) {
      List<String> words = new ArrayList<>();
      for (String w : p.split("\\s+")) {
        words.add(Pattern.quote(w));
      }
      quoted.add(String.join("\\s+", words));
    }
    return quoted.isEmpty() ? "(?!)" : String.join("|", quoted);
  }
}
