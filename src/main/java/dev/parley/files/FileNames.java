package dev.parley.files;

import dev.parley.Problem;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A file's name as the client gave it, made safe to store and to show: no path, no control or format
 * characters (which include the bidirectional overrides U+202A-202E and U+2066-2069 that make
 * {@code invoice‮fdp.exe} read as a PDF), at most {@value #MAX} characters, never empty.
 */
public final class FileNames {

  public static final int MAX = 200;
  private static final String FALLBACK = "file";

  private FileNames() {
  }

  /** The name sent percent-encoded in a header; 400 when it is not valid percent-encoding. */
  public static String fromHeader(String encoded) {
    if (encoded == null) {
      return FALLBACK;
    }
    try {
      // '+' is a plus in a file name, not a space
      return clean(URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("invalid_filename", "X-Parley-Filename must be the file's name, percent-encoded as UTF-8");
    }
  }

  public static String clean(String raw) {
    if (raw == null) {
      return FALLBACK;
    }
    String name = raw.substring(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1);
    StringBuilder out = new StringBuilder();
    name.codePoints().forEach(c -> {
      int type = Character.getType(c);
      boolean hidden = type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
          || type == Character.PRIVATE_USE || type == Character.UNASSIGNED || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR;
      if (!hidden) {
        out.appendCodePoint(c);
      }
    });
    String cleaned = out.toString().strip();
    while (cleaned.startsWith(".")) {
      cleaned = cleaned.substring(1);
    }
    if (cleaned.codePointCount(0, cleaned.length()) > MAX) {
      cleaned = shorten(cleaned);
    }
    return cleaned.isBlank() ? FALLBACK : cleaned;
  }

  /** Keeps the extension, cuts the stem. */
  private static String shorten(String name) {
    int dot = name.lastIndexOf('.');
    String ext = dot > 0 && name.length() - dot <= 10 ? name.substring(dot) : "";
    String stem = name.substring(0, name.length() - ext.length());
    int keep = MAX - ext.length();
    return stem.substring(0, stem.offsetByCodePoints(0, keep)) + ext;
  }
}
