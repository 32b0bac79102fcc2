package dev.parley.inbound;

/** Plain text as simple HTML: a paragraph per blank-line-separated block, line breaks kept. */
final class Paragraphs {

  private Paragraphs() {
  }

  static String html(String text) {
    StringBuilder out = new StringBuilder(text.length() + 64);
    for (String block : text.split("\n\\s*\n")) {
      if (block.isBlank()) {
        continue;
      }
      out.append("<p>");
      String[] lines = block.split("\n");
      for (int i = 0; i < lines.length; i++) {
        if (i > 0) {
          out.append("<br>");
        }
        escape(lines[i], out);
      }
      out.append("</p>");
    }
    return out.toString();
  }

  private static void escape(String s, StringBuilder out) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&#34;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
  }
}
