package dev.parley.inbound;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a reply into the new text and what was left out of it: ">" quoted lines, everything from the quoted
 * history on (attribution lines such as "On ... wrote:" also wrapped or in another language, dated
 * attributions, header blocks, "Original Message" separators, forward markers), the "-- " signature and
 * what follows it, mailing-list footers, and the mail app's own last line ("Sent from my iPhone"). The
 * phrases come from {@link ReplyRules}, one table per language. When unsure the text is kept: a reply
 * that would come out empty is kept whole, so that nothing a person wrote is refused or lost.
 */
final class Quotes {

  /** The new text of a reply and the part left out of it (quoted history, signature), both possibly empty. */
  record Reply(String text, String quoted) {
  }

  private static final ReplyRules RULES = ReplyRules.ALL;
  private static final Pattern UNDERSCORES = Pattern.compile("^\\s*_{10,}\\s*$");
  private static final Pattern DASHES = Pattern.compile("^\\s*[-—–_=]{2,}\\s*$");
  private static final Pattern SIGNATURE_DELIMITER = Pattern.compile("^(-- ?|--|—|__)$");
  private static final Pattern QUOTE_MARKS = Pattern.compile("^\\s*(>\\s?)+");
  /** Gmail's tracking mark and similar invisible leftovers on a line of their own. */
  private static final Pattern INVISIBLE = Pattern.compile("^[\\sᐧ\\u200b\\u200c\\u200d\\ufeff]*$");
  private static final Pattern SENTENCE_END = Pattern.compile("[.!?]$");
  private static final Pattern URL_PIECE = Pattern.compile("[=/&?]");
  private static final Pattern ADDRESS = Pattern.compile("[^\\s<>@]+@[^\\s<>@]+\\.[^\\s<>@]+");
  private static final int MAX_JOINED = 4;
  /** No attribution is longer; longer lines are text, and are not searched (that would cost time on every line). */
  private static final int MAX_ATTRIBUTION_CHARS = 1000;
  private static final int MAX_SIGNATURE_LINES = 6;
  private static final int MAX_HEADER_LINES = 8;

  private Quotes() {
  }

  /** The new text of a reply, with no leading or trailing blank lines and at most one blank line in a row. */
  static String strip(String text) {
    return split(text).text();
  }

  static Reply split(String text) {
    if (text == null) {
      return new Reply("", "");
    }
    String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
    List<String> kept = new ArrayList<>();
    List<String> left = new ArrayList<>();
    int i = ownHeaders(lines, left);
    boolean attributed = false;
    int firstAttribution = firstAttribution(lines);
    for (; i < lines.length; i++) {
      String line = lines[i];
      String t = line.strip();
      if (startsSignature(lines, i)) {
        break;
      }
      if (t.startsWith(">") && !isContent(lines, i)) {
        // quoted above the attribution of the history: a quotation the person made (code, a passage)
        (attributed || firstAttribution < i ? left : kept).add(line);
        continue;
      }
      int attribution = attributionLength(lines, i);
      if (attribution > 1 && RULES.attributionHead.matcher(lines[i + 1].strip()).matches()
          && attributionLength(lines, i + 1) == attribution - 1) {
        attribution = 0; // the attribution starts on the next line: this one is text
      }
      if (attribution > 0) {
        String before = textBefore(lines[i]);
        if (!before.isEmpty()) {
          kept.add(before);
        }
        int next = nextNonBlank(lines, i + attribution);
        if (next >= 0 && lines[next].strip().startsWith(">")) {
          for (int n = 0; n < attribution; n++) {
            left.add(lines[i + n]);
          }
          attributed = true;
          i += attribution - 1;
          continue;
        }
        break;
      }
      if (RULES.forward.matcher(line).matches()) {
        // a forwarded message is what the person sends: kept with its headers
        for (; i < lines.length; i++) {
          kept.add(lines[i].stripTrailing());
        }
        break;
      }
      if (startsHistory(lines, i) || RULES.isSignature(line)) {
        // a mail app writes its line ("Sent from my iPhone") right below the text: what follows is not new
        break;
      }
      if (isWrappedQuote(lines, i)) {
        left.add(line);
        continue;
      }
      kept.add(line.stripTrailing());
    }
    for (; i < lines.length; i++) {
      left.add(lines[i]);
    }
    if (answersInline(lines)) {
      // answers between quoted questions mean nothing without them: the reply is kept whole, down to its signature
      int end = signatureStart(lines);
      return new Reply(tidy(List.of(lines).subList(0, end)), tidy(List.of(lines).subList(end, lines.length)));
    }
    dropTrailingSignature(kept, left);
    String newText = tidy(kept);
    if (newText.isEmpty()) {
      // nothing recognisably new: keep the whole reply, quote marks removed, rather than refuse or lose it
      List<String> whole = new ArrayList<>();
      for (String line : lines) {
        whole.add(QUOTE_MARKS.matcher(line).replaceFirst("").stripTrailing());
      }
      return new Reply(tidy(whole), "");
    }
    return new Reply(newText, tidy(left));
  }

  /**
   * A ">" line that is content rather than a quote: a run of lines that all start with ">>> " (a Python
   * prompt, a chat log) with no line of one or two quote marks around it.
   */
  private static boolean isContent(String[] lines, int i) {
    int start = i;
    while (start > 0 && lines[start - 1].strip().startsWith(">")) {
      start--;
    }
    int end = i;
    while (end + 1 < lines.length && lines[end + 1].strip().startsWith(">")) {
      end++;
    }
    for (int n = start; n <= end; n++) {
      if (!lines[n].strip().startsWith(">>> ")) {
        return false;
      }
    }
    return true;
  }

  /**
   * Two or more quoted blocks with new text between them, before any quoted history without marks: the
   * person answered inline.
   */
  private static boolean answersInline(String[] lines) {
    int quoteBlocks = 0;
    boolean inQuote = false;
    boolean textSinceQuote = false;
    for (int i = 0; i < lines.length; i++) {
      String t = lines[i].strip();
      if (SIGNATURE_DELIMITER.matcher(lines[i]).matches()
          || (!t.startsWith(">") && (startsHistory(lines, i) || (quoteBlocks > 0 && attributionLength(lines, i) > 0)))) {
        break;
      }
      if (t.startsWith(">") && !isContent(lines, i)) {
        if (!inQuote) {
          if (quoteBlocks > 0 && textSinceQuote) {
            return true;
          }
          quoteBlocks++;
          textSinceQuote = false;
        }
        inQuote = true;
      } else if (!t.isEmpty() && !isWrappedQuote(lines, i)) {
        inQuote = false;
        textSinceQuote |= quoteBlocks > 0;
      }
    }
    return false;
  }

  /** The first unquoted attribution line, or -1. */
  private static int firstAttribution(String[] lines) {
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].strip().startsWith(">") && attributionLength(lines, i) > 0) {
        return i;
      }
    }
    return -1;
  }

  /** The first line of the signature or footer below unquoted text, or the end. */
  private static int signatureStart(String[] lines) {
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].strip().startsWith(">") && startsSignature(lines, i)) {
        return i;
      }
    }
    return lines.length;
  }

  /** A line broken out of a quoted block by wrapping: between quoted lines, ending in ">" or a bare piece of a link. */
  private static boolean isWrappedQuote(String[] lines, int i) {
    String t = lines[i].strip();
    if (i == 0 || i + 1 >= lines.length || !lines[i - 1].strip().startsWith(">") || !lines[i + 1].strip().startsWith(">")) {
      return false;
    }
    return t.endsWith(">") || (!t.contains(" ") && URL_PIECE.matcher(t).find());
  }

  /**
   * A header block that opens the text is the message's own (pasted or written by the mail app), not
   * quoted history: it is left out and the text below it read. Returns the first line after it.
   */
  private static int ownHeaders(String[] lines, List<String> left) {
    int first = nextNonBlank(lines, 0);
    if (first < 0 || !isHeaderBlock(lines, first)) {
      return 0;
    }
    int end = first;
    while (end < lines.length && (RULES.headerField.matcher(lines[end]).matches() || lines[end].strip().startsWith("<"))) {
      end++;
    }
    for (int n = 0; n < end; n++) {
      left.add(lines[n]);
    }
    return end;
  }

  /** The "-- " delimiter, a mailing-list footer or a dash rule above a short signature. */
  private static boolean startsSignature(String[] lines, int i) {
    return SIGNATURE_DELIMITER.matcher(lines[i]).matches() || RULES.footer.matcher(lines[i]).matches() || isSignatureRule(lines, i);
  }

  /** A rule of dashes (Outlook's "------", "—————") with only a few short lines below it before any history: a signature. */
  private static boolean isSignatureRule(String[] lines, int i) {
    if (!DASHES.matcher(lines[i]).matches()) {
      return false;
    }
    int below = 0;
    for (int n = i + 1; n < lines.length; n++) {
      if (lines[n].strip().startsWith(">") || attributionLength(lines, n) > 0 || startsHistory(lines, n)) {
        break;
      }
      if (!lines[n].isBlank() && (++below > MAX_SIGNATURE_LINES || !signatureLike(lines[n]))) {
        return false;
      }
    }
    return below > 0;
  }

  /** A line a signature may have: short, and not a sentence of more than a few words, nor another rule. */
  private static boolean signatureLike(String line) {
    String t = line.strip();
    return t.length() <= 80 && !DASHES.matcher(t).matches()
        && !(t.split("\\s+").length > 6 && SENTENCE_END.matcher(t).find());
  }

  /** Where the quoted history starts without an attribution: a separator, a forward marker or a header block. */
  private static boolean startsHistory(String[] lines, int i) {
    String line = lines[i];
    if (RULES.separator.matcher(line).matches() || RULES.forward.matcher(line).matches() || isHeaderBlock(lines, i)) {
      return true;
    }
    if (UNDERSCORES.matcher(line).matches() || DASHES.matcher(line).matches()) {
      int next = nextNonBlank(lines, i + 1);
      return next >= 0 && isHeaderBlock(lines, next);
    }
    return false;
  }

  /** How many lines (1 to {@value #MAX_JOINED}) form an attribution starting here, or 0. */
  private static int attributionLength(String[] lines, int i) {
    String first = lines[i].strip();
    if (first.isEmpty() || first.startsWith(">") || first.length() > MAX_ATTRIBUTION_CHARS) {
      return 0;
    }
    if (endsLikeAttribution(first)) {
      Matcher one = RULES.attribution.matcher(first);
      if ((one.find() && (one.start() == 0 || Character.isUpperCase(first.charAt(one.start()))))
          || RULES.datedAttribution.matcher(stripDashes(first)).matches()) {
        return 1;
      }
    }
    if (RULES.attributionWithoutColon.matcher(first).matches()) {
      return 1;
    }
    int next = nextNonBlank(lines, i + 1);
    if (next > i && lines[next].strip().startsWith(">") && RULES.datedAddress.matcher(first).matches()) {
      return 1;
    }
    if (!RULES.attributionStart.matcher(first).matches()) {
      return 0;
    }
    StringBuilder joined = new StringBuilder(first);
    for (int n = 1; n < MAX_JOINED && i + n < lines.length; n++) {
      String part = lines[i + n].strip();
      if (part.isEmpty() || part.startsWith(">") || part.length() > MAX_ATTRIBUTION_CHARS) {
        return 0;
      }
      joined.append(' ').append(part);
      if (!endsLikeAttribution(part)) {
        continue;
      }
      Matcher m = RULES.attribution.matcher(joined);
      if ((m.find() && m.start() == 0) || RULES.datedAttribution.matcher(stripDashes(joined.toString())).matches()) {
        return n + 1;
      }
    }
    return 0;
  }

  /**
   * New text written on the same line before an attribution ("Thanks! On Tue, Sam wrote:"): only when the
   * attribution's first word is capitalised there.
   */
  private static String textBefore(String line) {
    String t = line.strip();
    Matcher m = RULES.attribution.matcher(t);
    if (!m.find() || m.start() == 0 || !Character.isUpperCase(t.charAt(m.start()))) {
      return "";
    }
    return t.substring(0, m.start()).replaceAll("[\\s\\-]+$", "");
  }

  /** An attribution ends with a colon or dashes: a cheap test before the costly patterns. */
  private static boolean endsLikeAttribution(String line) {
    char last = line.charAt(line.length() - 1);
    return last == ':' || last == '：' || last == '-';
  }

  private static String stripDashes(String s) {
    return s.replaceAll("^[-\\s]+", "").replaceAll("[-\\s]+$", "");
  }

  /**
   * A header block of quoted mail: a From field with at least one other field in the lines below it (up to a
   * blank line), a From field with an address below some text, a line of three fields, or two or more
   * adjacent fields (a block that starts with Date:).
   */
  private static boolean isHeaderBlock(String[] lines, int i) {
    if (!RULES.headerField.matcher(lines[i]).matches()) {
      return false;
    }
    boolean from = RULES.fromField.matcher(lines[i]).matches();
    if ((from && i > 0 && ADDRESS.matcher(lines[i]).find()) || RULES.inlineField.matcher(lines[i]).results().count() >= 2) {
      return true;
    }
    int fields = 1;
    boolean adjacent = i + 1 < lines.length && RULES.headerField.matcher(lines[i + 1]).matches();
    for (int n = i + 1; n < lines.length && n <= i + MAX_HEADER_LINES && !lines[n].isBlank(); n++) {
      if (RULES.headerField.matcher(lines[n]).matches()) {
        fields++;
        from |= RULES.fromField.matcher(lines[n]).matches();
      }
    }
    return (from && fields >= 2) || (adjacent && i > 0) || fields >= 4;
  }

  /** Moves the mail app's last lines ("Sent from my iPhone", Gmail's mark) from the text to what was left out. */
  private static void dropTrailingSignature(List<String> kept, List<String> left) {
    List<String> moved = new ArrayList<>();
    while (!kept.isEmpty()) {
      String last = kept.get(kept.size() - 1);
      if (INVISIBLE.matcher(last).matches() || DASHES.matcher(last).matches() || RULES.isSignature(last)) {
        moved.add(0, kept.remove(kept.size() - 1));
      } else {
        break;
      }
    }
    left.addAll(0, moved);
  }

  private static int nextNonBlank(String[] lines, int from) {
    for (int n = from; n < lines.length; n++) {
      if (!lines[n].isBlank()) {
        return n;
      }
    }
    return -1;
  }

  private static String tidy(List<String> lines) {
    StringBuilder out = new StringBuilder();
    boolean blank = false;
    for (String line : lines) {
      if (INVISIBLE.matcher(line).matches()) {
        blank = out.length() > 0;
        continue;
      }
      if (blank) {
        out.append("\n\n");
      } else if (out.length() > 0) {
        out.append('\n');
      }
      out.append(line.stripTrailing());
      blank = false;
    }
    return out.toString();
  }
}
