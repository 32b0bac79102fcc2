package dev.parley.inbound;

import org.junit.jupiter.api.Test;

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
}
