package dev.parley.inbound;

/** Undoes format=flowed (RFC 3676): a line ending in a space continues on the next one. */
final class Flowed {

  private Flowed() {
  }

  static String unwrap(String text) {
    String[] lines = text.split("\r?\n", -1);
    StringBuilder out = new StringBuilder(text.length());
    boolean continuing = false;
    for (String raw : lines) {
      String line = raw.startsWith(" ") ? raw.substring(1) : raw;
      boolean quoted = line.startsWith(">");
      if (continuing && !quoted) {
        out.append(line);
      } else {
        if (out.length() > 0) {
          out.append('\n');
        }
        out.append(line);
      }
      continuing = line.endsWith(" ") && !line.equals("-- ") && !quoted;
    }
    return out.toString();
  }
}
