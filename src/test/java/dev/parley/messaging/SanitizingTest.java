package dev.parley.messaging;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** XSS and mXSS payloads come back inert; formatting from the editor survives. */
class SanitizingTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "<script>alert(1)</script>",
      "<img src=x onerror=alert(1)>",
      "<svg onload=alert(1)><circle/></svg>",
      "<a href=\"javascript:alert(1)\">x</a>",
      "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
      "<a href=\"&#106;avascript:alert(1)\">x</a>",
      "<a href=\"java\tscript:alert(1)\">x</a>",
      "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
      "<iframe src=\"https://evil.example\"></iframe>",
      "<form action=\"https://evil.example\"><input name=a></form>",
      "<style>body{background:url(javascript:alert(1))}</style>",
      "<p style=\"background:url(javascript:alert(1))\">x</p>",
      "<div onclick=\"alert(1)\">x</div>",
      "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
      "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
      "<svg><p><style><img src=x onerror=alert(1)></style></p></svg>",
      "<img src=\"https://tracker.example/pixel.gif\">",
      "<object data=\"https://evil.example/x.swf\"></object>",
      "<embed src=\"javascript:alert(1)\">",
      "<base href=\"https://evil.example/\">",
      "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
      "<a href=\"https://ok.example\" onmouseover=\"alert(1)\">x</a>",
      "<<script>script>alert(1)<</script>/script>",
      "<scr<script>ipt>alert(1)</scr</script>ipt>",
      "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
      "<textarea><script>alert(1)</script></textarea>",
      "<template><script>alert(1)</script></template>",
      "<details open ontoggle=alert(1)>",
      "<video><source onerror=alert(1)></video>",
      "<a href=\"vbscript:msgbox(1)\">x</a>",
  })
  void payloadComesBackInert(String payload) {
    String clean = Sanitizer.html(payload).toLowerCase();
    assertThat(clean).doesNotContain("<script", "<svg", "<iframe", "<form", "<style", "<img", "<object", "<embed", "<base",
        "<meta", "<math", "<textarea", "<template", "<video", "<details", "<input");
    assertThat(clean).doesNotContain("javascript:", "vbscript:", "data:", "onerror", "onload", "onclick", "onmouseover",
        "ontoggle", "style=");
    // Re-sanitizing is a fixed point: what we store parses back to itself (no mutation on re-parse).
    assertThat(Sanitizer.html(Sanitizer.html(payload))).isEqualTo(Sanitizer.html(payload));
  }

  @Test
  void editorFormattingAndSafeLinksSurvive() {
    String html = "<p class=\"ql-align-center\"><strong>Bold</strong> <em>it</em> <u>u</u></p>"
        + "<ol><li>one</li><li>two</li></ol><blockquote>quote</blockquote>"
        + "<p><a href=\"https://example.com/x\">link</a> <a href=\"mailto:a@example.com\">mail</a></p>";
    String clean = Sanitizer.html(html);
    assertThat(clean).contains("<strong>Bold</strong>", "<em>it</em>", "<ol><li>one</li>", "<blockquote>quote</blockquote>",
        "class=\"ql-align-center\"", "href=\"https://example.com/x\"", "href=\"mailto:a&#64;example.com\"");
    assertThat(clean).contains("rel=\"noopener noreferrer\"");
  }

  @Test
  void plainTextKeepsLinesAndDecodesEntities() {
    String text = Sanitizer.text(Sanitizer.html("<p>Fees &amp; charges</p><ul><li>one</li><li>two</li></ul><p>Bye<br>Sam</p>"));
    assertThat(text).isEqualTo("Fees & charges\n- one\n- two\nBye\nSam");
  }

  @Test
  void plainTextTurnsEachRunOfBlanksIntoOneSpaceAndDropsEmptyLines() {
    String text = Sanitizer.text(Sanitizer.html("<p>  Dear \t Sam,&nbsp;&nbsp;</p><p> \t </p><pre>due \t  Friday</pre><p>Ω  ≈ …</p>"));
    assertThat(text).isEqualTo("Dear Sam,\ndue Friday\nΩ ≈ …");
  }
}
