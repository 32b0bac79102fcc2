package dev.parley.messaging;

import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.HtmlSanitizer;
import org.owasp.html.PolicyFactory;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Cleans HTML from the editor (OWASP Java HTML Sanitizer) before it is stored, and derives the plain
 * text used for search, snippets and emails. Only formatting survives: no script, style, svg, iframe,
 * form, event handler or image; links only to https and mailto, with rel="noopener noreferrer".
 */
public final class Sanitizer {

  private static final Pattern EDITOR_CLASSES = Pattern.compile("(?:ql-[a-z0-9-]{1,30})(?:\\s+ql-[a-z0-9-]{1,30}){0,5}");

  private static final PolicyFactory POLICY = new HtmlPolicyBuilder()
      .allowElements("p", "br", "b", "strong", "i", "em", "u", "s", "strike", "sub", "sup", "blockquote", "pre",
          "code", "ul", "ol", "li", "h1", "h2", "h3", "span", "a", "hr")
      .allowUrlProtocols("https", "mailto")
      .allowAttributes("href").onElements("a")
      .requireRelsOnLinks("noopener", "noreferrer")
      .allowAttributes("class").matching(EDITOR_CLASSES)
      .onElements("p", "li", "span", "pre", "ol", "ul", "h1", "h2", "h3", "blockquote")
      .toFactory();

  /** Runs of blanks within a line; compiled once (String.replaceAll compiles its pattern on every call, once per line). */
  private static final Pattern SPACES = Pattern.compile("[ \\t\\x0B\\f\\r]+");

  private static final Set<String> BLOCKS = Set.of("p", "br", "li", "h1", "h2", "h3", "blockquote", "pre", "hr", "div", "ul", "ol");

  private Sanitizer() {
  }

  /** The HTML with everything dangerous removed. */
  public static String html(String untrusted) {
    return POLICY.sanitize(untrusted == null ? "" : untrusted);
  }

  /** Plain text of (already sanitized) HTML: one line per block, entities decoded, spaces collapsed. */
  public static String text(String html) {
    StringBuilder out = new StringBuilder();
    HtmlSanitizer.sanitize(html == null ? "" : html, new HtmlSanitizer.Policy() {
      @Override
      public void openDocument() {
      }

      @Override
      public void closeDocument() {
      }

      @Override
      public void openTag(String name, List<String> attrs) {
        if (BLOCKS.contains(name)) {
          newline(out);
        }
        if (name.equals("li")) {
          out.append("- ");
        }
      }

      @Override
      public void closeTag(String name) {
        if (BLOCKS.contains(name)) {
          newline(out);
        }
      }

      @Override
      public void text(String text) {
        out.append(text.replace('\u00a0', ' '));
      }
    });
    return tidy(out.toString());
  }

  private static void newline(StringBuilder out) {
    if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
      out.append('\n');
    }
  }

  private static String tidy(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (String line : s.split("\n", -1)) {
      String t = SPACES.matcher(line).replaceAll(" ").strip();
      if (!t.isEmpty()) {
        if (b.length() > 0) {
          b.append('\n');
        }
        b.append(t);
      }
    }
    return b.toString();
  }

  /** The first characters of the text, on one line, for inbox rows. */
  public static String snippet(String text, int max) {
    String oneLine = text.replace('\n', ' ');
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 1).stripTrailing() + "…";
  }
}
