package dev.parley.inbound;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Takes the new text of a reply: drops ">" quoted lines and everything from the quoted history or the
 * signature on. Recognises the attribution lines of Gmail, Apple Mail and Thunderbird ("On ... wrote:",
 * also wrapped over a few lines and in a few languages), Outlook's "-----Original Message-----", its
 * underscore rule and "From: / Sent:" header block, forward markers and the "-- " signature delimiter.
 */
final class Quotes {

  private static final Pattern ATTRIBUTION_START = Pattern.compile("(?i)^(on|am|le|el|il|op|em|den)\\s.*");
  private static final Pattern ATTRIBUTION = Pattern.compile(
      "(?is)^(on|am|le|el|il|op|em|den)\\s.{0,400}(wrote|schrieb|a écrit|escribió|ha scritto|schreef|escreveu|skrev)(\\s.{0,200})?\\s*:\\s*$");
  private static final Pattern SEPARATOR = Pattern.compile(
      "(?i)^\\s*-{2,}\\s*(original message|forwarded message|ursprüngliche nachricht|message d'origine|mensaje original)\\s*-{2,}\\s*$");
  private static final Pattern FORWARD = Pattern.compile("(?i)^\\s*begin forwarded message:\\s*$");
  private static final Pattern UNDERSCORES = Pattern.compile("^\\s*_{10,}\\s*$");
  private static final Pattern HEADER_FROM = Pattern.compile("(?i)^\\s*\\*?(from|von|de|van)\\s*:\\*?\\s.*");
  private static final Pattern HEADER_OTHER = Pattern.compile("(?i)^\\s*\\*?(sent|date|to|cc|subject|gesendet|datum|an|betreff|envoyé|objet|à)\\s*:\\*?.*");

  private Quotes() {
  }

  /** The new text of a reply, with no leading or trailing blank lines and at most one blank line in a row. */
  static String strip(String text) {
    if (text == null) {
      return "";
    }
    String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String t = line.strip();
      if (line.equals("-- ") || line.equals("--") || line.equals("—")) {
        break;
      }
      if (t.startsWith(">")) {
        continue;
      }
      int attribution = attributionLength(lines, i);
      if (attribution > 0) {
        int next = nextNonBlank(lines, i + attribution);
        if (next >= 0 && lines[next].strip().startsWith(">")) {
          i += attribution - 1;
          continue;
        }
        break;
      }
      if (SEPARATOR.matcher(line).matches() || FORWARD.matcher(line).matches() || isHeaderBlock(lines, i)) {
        break;
      }
      if (UNDERSCORES.matcher(line).matches()) {
        int next = nextNonBlank(lines, i + 1);
        if (next >= 0 && HEADER_FROM.matcher(lines[next]).matches()) {
          break;
        }
      }
      kept.add(line.stripTrailing());
    }
    return tidy(kept);
  }

  /** How many lines (1 to 3) form an "On ... wrote:" attribution starting here, or 0. */
  private static int attributionLength(String[] lines, int i) {
    if (!ATTRIBUTION_START.matcher(lines[i].strip()).matches()) {
      return 0;
    }
    StringBuilder joined = new StringBuilder();
    for (int n = 0; n < 3 && i + n < lines.length; n++) {
      String part = lines[i + n].strip();
      if (part.isEmpty()) {
        return 0;
      }
      if (n > 0) {
        joined.append(' ');
      }
      joined.append(part);
      if (ATTRIBUTION.matcher(joined).matches()) {
        return n + 1;
      }
    }
    return 0;
  }

  /** An Outlook-style header block: "From:" followed within a few lines by at least two of Sent/Date/To/Subject. */
  private static boolean isHeaderBlock(String[] lines, int i) {
    if (!HEADER_FROM.matcher(lines[i]).matches()) {
      return false;
    }
    int others = 0;
    for (int n = i + 1; n < lines.length && n <= i + 5; n++) {
      if (HEADER_OTHER.matcher(lines[n]).matches()) {
        others++;
      }
    }
    return others >= 2;
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
      if (line.isBlank()) {
        blank = out.length() > 0;
        continue;
      }
      if (blank) {
        out.append("\n\n");
      } else if (out.length() > 0) {
        out.append('\n');
      }
      out.append(line);
      blank = false;
    }
    return out.toString();
  }
}
