package dev.parley.notify;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The email templates, all under {@code templates/email/}: for each name a {@code .txt} whose first
 * line is {@code Subject: ...} and whose rest is the plain-text part, and a {@code .html} fragment
 * set inside {@code layout.html}. {@code {{key}}} is replaced by the value (HTML-escaped in HTML),
 * {@code {{{key}}}} by the value as it is (only for HTML that is already sanitized or built here).
 */
final class Templates {

  private static final String DIR = "templates/email/";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\{?)([a-zA-Z]+)\\}?\\}\\}");
  private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

  private Templates() {
  }

  /** A rendered email body: subject line, plain text and HTML. */
  record Rendered(String subject, String text, String html) {
  }

  static Rendered render(String name, Map<String, String> values) {
    String txt = fill(load(name + ".txt"), values, false);
    int nl = txt.indexOf('\n');
    String first = txt.substring(0, nl);
    if (!first.startsWith("Subject: ")) {
      throw new IllegalStateException(name + ".txt must start with a Subject line");
    }
    String text = txt.substring(nl + 1).stripLeading() + fill(load("layout.txt"), values, false);
    String content = fill(load(name + ".html"), values, true);
    Map<String, String> page = new java.util.HashMap<>(values);
    page.put("content", content);
    page.put("title", first.substring("Subject: ".length()));
    String html = fill(load("layout.html"), page, true);
    return new Rendered(HeaderGuard.text(first.substring("Subject: ".length())), text, html);
  }

  /** A repeated piece of an email ({@code file} with its extension), filled for one item. */
  static String fragment(String file, Map<String, String> values, boolean html) {
    return fill(load(file), values, html);
  }

  /** The sentence for a reason code of a refused reply; the generic one for an unknown code. */
  static String reason(String code) {
    Properties p = new Properties();
    try {
      p.load(new java.io.StringReader(load("reply-refused-reasons.properties")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String s = code == null ? null : p.getProperty(code);
    return s != null ? s : p.getProperty("default");
  }

  private static String fill(String template, Map<String, String> values, boolean html) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String key = m.group(2);
      String v = values.get(key);
      if (v == null) {
        throw new IllegalStateException("template value '" + key + "' missing");
      }
      boolean raw = !m.group(1).isEmpty();
      m.appendReplacement(out, Matcher.quoteReplacement(html && !raw ? escape(v) : v));
    }
    m.appendTail(out);
    return out.toString();
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static String load(String file) {
    return CACHE.computeIfAbsent(file, f -> {
      try (InputStream in = Templates.class.getClassLoader().getResourceAsStream(DIR + f)) {
        if (in == null) {
          throw new IllegalStateException("missing template " + DIR + f);
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
