package dev.parley.inbound;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The new text of replies written in the common mail clients, without their quoted history. */
class QuotedHistoryTest {

  static String newText(String fixture) throws Malformed {
    InboundEmail mail = MimeReader.read(Mails.fixture(fixture, "chris@example.test", "reply+00@parley.localhost"));
    return Quotes.strip(mail.text());
  }

  @Test
  void gmailKeepsTheTextAboveItsWrappedAttributionLine() throws Malformed {
    assertThat(newText("gmail-reply.eml"))
        .isEqualTo("Thanks Sam, the statement looks right. I will sign the form tomorrow \u2014 can you confirm the fee?");
  }

  @Test
  void gmailHtmlLosesItsQuoteContainer() throws Malformed {
    assertThat(newText("gmail-html-only.eml")).isEqualTo("Fine by me.\nSee you Thursday & thanks!");
  }

  @Test
  void outlookStopsAtTheRuleAndHeaderBlock() throws Malformed {
    assertThat(newText("outlook-reply.eml")).isEqualTo("Hi Sam,\n\nPlease find my answers below.\nRegards, Chris");
  }

  @Test
  void outlookStopsAtOriginalMessage() throws Malformed {
    assertThat(newText("outlook-original-message.eml")).isEqualTo("Agreed \u2013 go ahead.");
  }

  @Test
  void outlookHtmlStopsAtTheReplyHeader() throws Malformed {
    assertThat(newText("outlook-html.eml")).isEqualTo("Yes, Friday works.");
  }

  @Test
  void appleMailUnwrapsFlowedTextAndDropsTheQuoteAndItsSentFromLine() throws Malformed {
    assertThat(newText("apple-mail-reply.eml"))
        .isEqualTo("Thank you, I have read it on my phone and everything is in order. Talk soon.");
  }

  @Test
  void thunderbirdBottomPostKeepsTheTextBelowTheQuoteAndDropsTheSignature() throws Malformed {
    assertThat(newText("thunderbird-reply.eml")).isEqualTo("Got them, thanks.");
  }

  @Test
  void inlineAnswersAreKeptWithTheQuestionsTheyAnswer() {
    String text = "On Tue, 4 Mar 2025, Sam wrote:\n> Can you come on Friday?\nYes.\n> And bring the form?\nI will.\n";
    assertThat(Quotes.strip(text)).isEqualTo(text.strip());
  }

  @Test
  void localizedAttributionsAreRecognised() {
    assertThat(Quotes.strip("Danke!\n\nAm 04.03.2025 um 09:58 schrieb Sam Staff <x@y>:\nHallo")).isEqualTo("Danke!");
    assertThat(Quotes.strip("Merci\n\nLe mar. 4 mars 2025 à 09:58, Sam a écrit :\nBonjour")).isEqualTo("Merci");
  }

  @Test
  void aLineThatMerelyStartsWithOnIsKept() {
    assertThat(Quotes.strip("On Friday I can come.\nSee you.")).isEqualTo("On Friday I can come.\nSee you.");
  }

  @Test
  void attachmentsAreCountedAndTheBodyTaken() throws Malformed {
    InboundEmail mail = MimeReader.read(Mails.fixture("reply-with-attachments.eml", "c@example.test", "r@parley.localhost"));
    assertThat(mail.attachments()).isEqualTo(2);
    assertThat(Quotes.strip(mail.text())).isEqualTo("Here are the signed forms.");
  }

  @Test
  void automaticMailIsRecognised() throws Malformed {
    assertThat(MimeReader.read(Mails.fixture("auto-reply-vacation.eml", "c@example.test", "r@x")).automatic()).isEqualTo("auto_submitted");
    assertThat(MimeReader.read(Mails.fixture("auto-reply-x-autoreply.eml", "c@example.test", "r@x")).automatic()).isEqualTo("auto_reply");
    assertThat(MimeReader.read(Mails.fixture("auto-reply-x-autorespond.eml", "c@example.test", "r@x")).automatic()).isEqualTo("auto_reply");
    assertThat(MimeReader.read(Mails.fixture("precedence-bulk.eml", "c@example.test", "r@x")).automatic()).isEqualTo("precedence");
    assertThat(MimeReader.read(Mails.fixture("bounce-dsn.eml", "c@example.test", "r@x")).automatic()).isNotNull();
    assertThat(MimeReader.read(Mails.fixture("bounce-bare-report.eml", "c@example.test", "r@x")).automatic()).isEqualTo("report");
    assertThat(MimeReader.read(Mails.fixture("bounce-null-return-path.eml", "c@example.test", "r@x")).automatic())
        .isEqualTo("null_return_path");
    assertThat(MimeReader.read(Mails.fixture("gmail-reply.eml", "c@example.test", "r@x")).automatic()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      English    | On Tue, 4 Mar 2025 at 09:58, Sam Staff <sam@example.test> wrote:
      ISO date   | 2014-03-20 8:48 GMT+01:00 Sam Staff <sam@example.test>:
      Dashes     | ---- On Tue, 4 Mar 2025, Sam Staff wrote ----
      German     | Am Di., 4. März 2025 um 09:58 Uhr schrieb Sam Staff <sam@example.test>:
      French     | Le mar. 4 mars 2025 à 09:58, Sam Staff <sam@example.test> a écrit :
      Spanish    | El mar, 4 mar 2025 a las 09:58, Sam Staff (<sam@example.test>) escribió:
      Italian    | Il giorno mar 4 mar 2025 alle ore 09:58 Sam Staff <sam@example.test> ha scritto:
      Portuguese | Em ter., 4 de mar. de 2025 às 09:58, Sam Staff <sam@example.test> escreveu:
      Dutch      | Op di 4 mrt 2025 om 09:58 schreef Sam Staff <sam@example.test>:
      Danish     | Den tir. 4. mar. 2025 kl. 09.58 skrev Sam Staff <sam@example.test>:
      Swedish    | Den tis 4 mars 2025 kl 09:58 skrev Sam Staff <sam@example.test>:
      Norwegian  | tir. 4. mar. 2025 kl. 09:58 skrev Sam Staff <sam@example.test>:
      Polish     | W dniu wt., 4.03.2025 o 09:58 Sam Staff <sam@example.test> napisał(a):
      Russian    | вт, 4 мар. 2025 г. в 09:58, Sam Staff <sam@example.test>:
      Russian 2  | 4 марта 2025 г., в 09:58, Sam Staff <sam@example.test> написал:
      Chinese    | Sam Staff <sam@example.test> 于2025年3月4日周二 09:58写道：
      Japanese   | 2025年3月4日(火) 9:58 Sam Staff <sam@example.test>:
      Korean     | 2025년 3월 4일 (화) 오전 9:58, Sam Staff <sam@example.test>님이 작성:
      """)
  void attributionLinesOfFifteenLanguagesEndTheNewText(String language, String attribution) {
    String text = "Friday at ten works for me.\n\n" + attribution + "\n\nCan we meet on Friday?\n\nSam";
    assertThat(Quotes.strip(text)).as(language).isEqualTo("Friday at ten works for me.");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      French    | De : Sam Staff [mailto:sam@example.test]\\nEnvoyé : mardi 4 mars 2025 09:58\\nÀ : Chris\\nObjet : Review
      Italian   | Da: Sam Staff\\nInviato: martedì 4 marzo 2025 09:58\\nA: Chris\\nOggetto: Review
      Norwegian | Fra: Sam Staff\\nSendt: 4. mars 2025 09:58\\nTil: Chris\\nEmne: Review
      Swedish   | Från: Sam Staff\\nSkickat: den 4 mars 2025 09:58\\nTill: Chris\\nÄmne: Review
      Chinese   | 发件人: Sam Staff\\n发送时间: 2025年3月4日 9:58\\n收件人: Chris\\n主题: Review
      Date      | Date: Tue, 4 Mar 2025 09:58:00 +0100\\nTo: chris@example.test
      """)
  void headerBlocksInOtherLanguagesEndTheNewText(String language, String block) {
    String text = "Friday at ten works for me.\n\n" + block.replace("\\n", "\n") + "\n\nCan we meet on Friday?";
    assertThat(Quotes.strip(text)).as(language).isEqualTo("Friday at ten works for me.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Sent from my iPhone", "Von meinem iPhone gesendet", "Envoyé de mon iPhone", "Enviado desde mi iPhone",
      "Inviato da iPhone", "Enviado do meu iPhone", "Verstuurd vanaf mijn iPhone", "Sendt fra min iPhone",
      "Skickat från min iPhone", "Wysłane z mojego iPhone'a", "Отправлено с iPhone", "发自我的 iPhone", "iPhoneから送信",
      "iPhone에서 보냄", "Get Outlook for Android", "ᐧ"})
  void theMailAppsOwnLastLineIsLeftOut(String line) {
    assertThat(Quotes.strip("Friday at ten works for me.\n\n" + line + "\n")).isEqualTo("Friday at ten works for me.");
  }

  @Test
  void mailingListFootersAndTheOutlookDashLineAreLeftOut() {
    assertThat(Quotes.strip("Agreed.\n\n--\nYou received this message because you are subscribed to the Google Groups \"x\" group.\n"
        + "To unsubscribe from this group, send email to x+unsubscribe@googlegroups.com.")).isEqualTo("Agreed.");
    assertThat(Quotes.strip("Agreed.\n\n------\nSam Staff\nHarbor Wealth\n+1 555 0100")).isEqualTo("Agreed.");
  }

  @Test
  void newTextBelowAnUnquotedAttributionIsKeptRatherThanRefusedAsEmpty() {
    assertThat(Quotes.strip("On Tue, 4 Mar 2025 at 09:58, Sam Staff <sam@example.test> wrote:\nFriday at ten works for me."))
        .contains("Friday at ten works for me.");
  }

  @Test
  void aReplyWrittenEntirelyInsideOneBlockquoteIsKept() throws Malformed {
    assertThat(Quotes.strip(HtmlText.of("<html><body><blockquote><div>Friday at ten works for me.</div></blockquote></body></html>")))
        .isEqualTo("Friday at ten works for me.");
  }

  @Test
  void linesOfAPythonPromptAreContentNotQuotes() {
    assertThat(Quotes.strip("Try this:\n\n>>> import parley\n>>> parley.version()\n'1.0'\n\nThanks"))
        .isEqualTo("Try this:\n\n>>> import parley\n>>> parley.version()\n'1.0'\n\nThanks");
  }

  @Test
  void outlook2003HtmlStopsAtTheBorderedHeaderBlock() {
    String html = "<div>Friday works.</div><div style='border:none;border-top:solid #B5C4DF 1.0pt;padding:3.0pt 0in 0in 0in'>"
        + "<p><b>From:</b> Sam Staff<br><b>Sent:</b> Tuesday<br><b>To:</b> Chris<br><b>Subject:</b> Review</p></div>"
        + "<p>Can we meet?</p>";
    assertThat(Quotes.strip(HtmlText.of(html))).isEqualTo("Friday works.");
  }

  @Test
  void textDeclaredBig5ThatIsUtf8IsReadAsUtf8() throws Malformed {
    byte[] head = ("From: chris@example.test\r\nTo: reply+00@parley.localhost\r\nSubject: Re\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=Big5\r\nContent-Transfer-Encoding: 8bit\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] body = "星期五十點可以，謝謝！".getBytes(StandardCharsets.UTF_8);
    byte[] raw = new byte[head.length + body.length];
    System.arraycopy(head, 0, raw, 0, head.length);
    System.arraycopy(body, 0, raw, head.length, body.length);
    assertThat(MimeReader.read(raw).text()).isEqualTo("星期五十點可以，謝謝！");
  }

  @Test
  void trueBig5TextIsStillReadAsBig5() throws Malformed {
    byte[] head = ("From: chris@example.test\r\nTo: reply+00@parley.localhost\r\nSubject: Re\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=Big5\r\nContent-Transfer-Encoding: 8bit\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] body = "星期五十點可以，謝謝！".getBytes(java.nio.charset.Charset.forName("Big5"));
    byte[] raw = new byte[head.length + body.length];
    System.arraycopy(head, 0, raw, 0, head.length);
    System.arraycopy(body, 0, raw, head.length, body.length);
    assertThat(MimeReader.read(raw).text()).isEqualTo("星期五十點可以，謝謝！");
  }
}
