package dev.parley.inbound;

import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.HtmlSanitizer;
import org.owasp.html.PolicyFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The text of an HTML email body without its quoted history: blockquotes and the quote containers of
 * the common mail clients (Gmail, Outlook, Yahoo, Thunderbird) are left out. The HTML is first made
 * well-formed by the OWASP sanitizer, then walked.
 */
final class HtmlText {

  private static final PolicyFactory STRUCTURE = new HtmlPolicyBuilder()
      .allowElements("p", "br", "div", "span", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
          "table", "tbody", "thead", "tr", "td", "th", "hr", "b", "strong", "i", "em", "u", "a", "font", "section", "article")
      .allowAttributes("class", "id", "type").globally()
      .toFactory();

  private static final Set<String> BLOCKS = Set.of("p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
      "pre", "hr", "table", "ul", "ol", "section", "article", "blockquote");
  private static final Set<String> VOID = Set.of("br", "hr");
  private static final List<String> QUOTE_CLASSES = List.of("gmail_quote", "gmail_extra", "yahoo_quoted", "moz-cite-prefix",
      "protonmail_quote", "zmail_extra");
  /** Outlook and others put the quoted history after (not inside) these: the text ends where they start. */
  private static final Set<String> HISTORY_IDS = Set.of("divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container",
      "origbody", "isforwardcontent", "zwchr");

  private HtmlText() {
  }

  static String of(String html) {
    String clean = STRUCTURE.sanitize(html);
    StringBuilder out = new StringBuilder();
    Deque<Boolean> skipping = new ArrayDeque<>();
    Deque<String> open = new ArrayDeque<>();
    boolean[] ended = {false};
    HtmlSanitizer.sanitize(clean, new HtmlSanitizer.Policy() {
      @Override
      public void openDocument() {
      }

      @Override
      public void closeDocument() {
      }

      @Override
      public void openTag(String name, List<String> attrs) {
        if (startsHistory(attrs)) {
          ended[0] = true;
        }
        boolean skip = !skipping.isEmpty() && skipping.peek();
        if (BLOCKS.contains(name) && !skip) {
          newline(out);
        }
        if (name.equals("li") && !skip) {
          out.append("- ");
        }
        if (VOID.contains(name)) {
          return;
        }
        open.push(name);
        skipping.push(skip || isQuote(name, attrs));
      }

      @Override
      public void closeTag(String name) {
        if (VOID.contains(name) || !open.contains(name)) {
          return;
        }
        String popped;
        do {
          popped = open.pop();
          skipping.pop();
        } while (!popped.equals(name));
        if (BLOCKS.contains(name) && (skipping.isEmpty() || !skipping.peek())) {
          newline(out);
        }
      }

      @Override
      public void text(String text) {
        if (!ended[0] && (skipping.isEmpty() || !skipping.peek())) {
          out.append(text.replace('\u00a0', ' '));
        }
      }
    });
    return out.toString();
  }

  private static boolean isQuote(String name, List<String> attrs) {
    if (name.equals("blockquote")) {
      return true;
    }
    for (int i = 0; i + 1 < attrs.size(); i += 2) {
      String attr = attrs.get(i);
      String value = attrs.get(i + 1).toLowerCase(Locale.ROOT);
      if (attr.equals("class")) {
        for (String c : QUOTE_CLASSES) {
          if (value.contains(c)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean startsHistory(List<String> attrs) {
    for (int i = 0; i + 1 < attrs.size(); i += 2) {
      if (attrs.get(i).equals("id") && HISTORY_IDS.contains(attrs.get(i + 1).trim().toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private static void newline(StringBuilder out) {
    if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
      out.append('\n');
    }
  }
}
