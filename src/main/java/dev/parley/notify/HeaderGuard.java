package dev.parley.notify;

import java.util.regex.Pattern;

/**
 * Everything that reaches a mail header passes here first. vertx-mail-client copies a subject or a
 * header value as it is, so a CR or LF would start a new header (a second Subject, a Bcc): text
 * loses its control characters, addresses and ids that carry any are refused.
 */
final class HeaderGuard {

  private static final Pattern CONTROLS = Pattern.compile("[\\p{Cntrl}\\u0085\\u2028\\u2029]+");
  private static final Pattern SPACES = Pattern.compile("\\s{2,}");
  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");
  private static final Pattern MESSAGE_ID = Pattern.compile("<[A-Za-z0-9._+-]{1,200}@[A-Za-z0-9.-]{1,200}>");
  private static final int MAX_TEXT = 200;

  private HeaderGuard() {
  }

  /** Header text (a subject, a name): control characters become spaces, runs of spaces one. */
  static String text(String s) {
    if (s == null) {
      return "";
    }
    String clean = SPACES.matcher(CONTROLS.matcher(s).replaceAll(" ")).replaceAll(" ").trim();
    return clean.length() > MAX_TEXT ? clean.substring(0, MAX_TEXT - 1) + "\u2026" : clean;
  }

  /** A display name: header text without the characters that end or quote a name. */
  static String name(String s) {
    return text(s == null ? "" : s.replaceAll("[\"\\\\<>,;:()\\[\\]@]", " "));
  }

  /** A bare address, or {@link Unsafe} when it is not a plain single address. */
  static String address(String s) {
    if (s == null || !ADDRESS.matcher(s).matches()) {
      throw new Unsafe("not a plain email address");
    }
    return s;
  }

  /** {@code Name <address>}, or the bare address when the name is empty after cleaning. */
  static String mailbox(String name, String address) {
    String n = name(name);
    String a = address(address);
    return n.isEmpty() ? a : n + " <" + a + ">";
  }

  /** A Message-ID of our own making, or {@link Unsafe}. */
  static String messageId(String s) {
    if (s == null || !MESSAGE_ID.matcher(s).matches()) {
      throw new Unsafe("not a valid Message-ID");
    }
    return s;
  }

  /** The address inside a configured {@code Name <address>} (or a bare address). */
  static String addressOf(String mailbox) {
    int lt = mailbox.lastIndexOf('<');
    int gt = mailbox.lastIndexOf('>');
    return address(lt >= 0 && gt > lt ? mailbox.substring(lt + 1, gt).trim() : mailbox.trim());
  }

  /** A value that must not reach a header; the mail is not built. */
  static final class Unsafe extends RuntimeException {
    Unsafe(String message) {
      super(message, null, false, false);
    }
  }
}
