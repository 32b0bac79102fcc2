package dev.parley.inbound;

import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.HtmlSanitizer;
import org.owasp.html.PolicyFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The text of an HTML email body, with its quoted history marked as a plain-text reply marks it: what
 * is inside a blockquote or the quote container of a common mail client (Gmail, Yahoo, Thunderbird,
 * Apple Mail), and everything after the reply header of Outlook, Hotmail or Outlook 2003, comes out as
 * "> " lines, so that {@link Quotes} separates it the same way for HTML and plain text. A horizontal rule
 * becomes a line of underscores (Outlook puts the quoted headers after one). The HTML is first made
 * well-formed by the OWASP sanitizer, then walked.
 */
final class HtmlText {

  private static final PolicyFactory STRUCTURE = new HtmlPolicyBuilder()
      .allowElements("p", "br", "div", "span", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
          "table", "tbody", "thead", "tr", "td", "th", "hr", "b", "strong", "i", "em", "u", "a", "font", "section", "article")
      .allowAttributes("class", "id", "type").globally()
      .allowAttributes("style").onElements("div")
      .allowStyling()
      .toFactory();

  private static final Set<String> BLOCKS = Set.of("p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
      "pre", "hr", "table", "ul", "ol", "section", "article", "blockquote");
  private static final Set<String> VOID = Set.of("br", "hr");
  private static final List<String> QUOTE_CLASSES = List.of("gmail_quote", "gmail_extra", "yahoo_quoted", "moz-cite-prefix",
      "protonmail_quote", "zmail_extra");
  /** Outlook and others put the quoted history after (not inside) these: all that follows is quoted. */
  private static final Set<String> HISTORY_IDS = Set.of("divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container",
      "origbody", "isforwardcontent", "zwchr", "reply-intro", "stopspelling");
  /** Outlook 2003 and Windows Mail open the quoted headers with a div that has only a top border. */
  private static final Pattern TOP_BORDER = Pattern.compile("(?i)border-top(-style)?\\s*:\\s*[^;]*solid");

  private HtmlText() {
  }

  static String of(String html) {
    String clean = STRUCTURE.sanitize(html);
    Walk walk = new Walk();
    HtmlSanitizer.sanitize(clean, walk);
    return walk.out.toString();
  }

  private static final class Walk implements HtmlSanitizer.Policy {
    final StringBuilder out = new StringBuilder();
    final Deque<Boolean> quoting = new ArrayDeque<>();
    final Deque<String> open = new ArrayDeque<>();
    boolean history;
    boolean wrote;

    boolean quoted() {
      return history || (!quoting.isEmpty() && quoting.peek());
    }

    @Override
    public void openDocument() {
    }

    @Override
    public void closeDocument() {
    }

    @Override
    public void openTag(String name, List<String> attrs) {
      if (!history && wrote && startsHistory(name, attrs)) {
        // a reply header above any text opens a forward (the message's own headers), not the history
        newline();
        history = true;
      }
      if (BLOCKS.contains(name)) {
        newline();
      }
      if (name.equals("hr")) {
        append("______________________________");
        newline();
      }
      if (name.equals("li")) {
        append("- ");
      }
      if (VOID.contains(name)) {
        return;
      }
      open.push(name);
      quoting.push(quoted() || isQuote(name, attrs));
    }

    @Override
    public void closeTag(String name) {
      if (VOID.contains(name) || !open.contains(name)) {
        return;
      }
      String popped;
      do {
        popped = open.pop();
        quoting.pop();
      } while (!popped.equals(name));
      if (BLOCKS.contains(name)) {
        newline();
      }
    }

    @Override
    public void text(String text) {
      String t = text.replace('\u00a0', ' ').replace("\r\n", "\n");
      boolean pre = open.contains("pre");
      String[] parts = t.split("\n", -1);
      for (int i = 0; i < parts.length; i++) {
        if (i > 0) {
          if (pre) {
            newline();
          } else {
            append(" ");
          }
        }
        append(parts[i]);
      }
    }

    /** Appends text, opening the line with "> " when it is quoted. */
    void append(String s) {
      if (s.isEmpty()) {
        return;
      }
      boolean lineStart = out.length() == 0 || out.charAt(out.length() - 1) == '\n';
      if (lineStart) {
        if (s.isBlank()) {
          return;
        }
        if (quoted()) {
          out.append("> ");
        }
        s = s.stripLeading();
      }
      wrote |= !s.isBlank();
      out.append(s);
    }

    void newline() {
      if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
        out.append('\n');
      }
    }
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

  private static boolean startsHistory(String name, List<String> attrs) {
    for (int i = 0; i + 1 < attrs.size(); i += 2) {
      String attr = attrs.get(i);
      String value = attrs.get(i + 1);
      if (attr.equals("id") && HISTORY_IDS.contains(value.trim().toLowerCase(Locale.ROOT))) {
        return true;
      }
      if (attr.equals("style") && name.equals("div") && TOP_BORDER.matcher(value).find()
          && !value.toLowerCase(Locale.ROOT).contains("border-bottom")) {
        return true;
      }
    }
    return false;
  }
}
