package dev.parley.messaging;

import dev.parley.Problem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Messaging's commands build and validate themselves from a JSON object, with no HTTP request behind them. */
class CommandsTest {

  @Test
  void aNewThreadIsBuiltFromItsJsonWithTheSubjectTrimmedAndTheBodySanitized() {
    UUID to = UUID.randomUUID();
    Commands.NewThread cmd = Commands.NewThread.from(new JsonObject()
        .put("to", new JsonArray().add(to.toString()))
        .put("subject", "  Quarterly review  ")
        .put("bodyHtml", "<p>See you<script>alert(1)</script> soon</p>"));

    assertThat(cmd.to()).containsExactly(to);
    assertThat(cmd.cc()).isEmpty();
    assertThat(cmd.subject()).isEqualTo("Quarterly review");
    assertThat(cmd.content().html()).contains("See you").doesNotContain("script");
    assertThat(cmd.readReceipt()).isFalse();
  }

  @Test
  void anUnknownFieldAnswers400NamingItAndTheFieldsAllowed() {
    assertThatThrownBy(() -> Commands.Reply.from(new JsonObject().put("bodyHtml", "<p>Hi</p>").put("subject", "Re: hi")))
        .isInstanceOfSatisfying(Problem.class, p -> {
          assertThat(p.status()).isEqualTo(400);
          assertThat(p.getMessage()).isEqualTo("unknown field 'subject'; allowed: bodyHtml, readReceipt, to, cc, draftId");
        });
  }

  @Test
  void aFieldOfTheWrongTypeAnswers400NamingTheField() {
    assertThatThrownBy(() -> Commands.MarkRead.from(new JsonObject().put("messageIds", "all")))
        .isInstanceOfSatisfying(Problem.class, p -> {
          assertThat(p.status()).isEqualTo(400);
          assertThat(p.getMessage()).isEqualTo("'messageIds' must be a list of ids");
        });
  }

  @Test
  void aSubjectSplitOverTwoLinesAnswers400BeforeItCanReachAMailHeader() {
    assertThatThrownBy(() -> Commands.NewThread.from(new JsonObject()
        .put("to", new JsonArray().add(UUID.randomUUID().toString()))
        .put("subject", "Hello\r\nBcc: someone@example.test")
        .put("bodyHtml", "<p>Hi</p>")))
        .isInstanceOfSatisfying(Problem.class, p -> {
          assertThat(p.status()).isEqualTo(400);
          assertThat(p.getMessage()).isEqualTo("'subject' must be a single line");
        });
  }
}
