package dev.parley.web;

import dev.parley.Platform;
import dev.parley.inbound.Ingest;
import dev.parley.notify.ReplyTokens;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A reply by email shows only its new text; the history it quoted is one "Show quoted text" away. */
class QuotedReplyInTheBrowserTest {

  static TestNode node;

  @BeforeAll
  static void start() {
    Browser.assumeUsable();
    node = TestNode.start(Map.of());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aReplyByEmailShowsItsNewTextAndItsQuotedHistoryBehindAToggle() {
    Platform platform = node.parley().platform();
    Fixtures.Company co = node.fixtures().company("Harbor Wealth");
    Fixtures.Person ada = co.admin("Ada Admin");
    Fixtures.Person alex = co.staff("Alex Morgan");
    Fixtures.Person blair = co.client("Blair Client", alex);
    Api.Response on = ada.login(node.api()).put("/api/settings/company", new JsonObject().put("convenienceMode", true));
    assertThat(on.status()).as(on.toString()).isEqualTo(200);
    String threadId = alex.login(node.api()).startThread("Your quarterly review", "<p>Your statements are ready.</p>", blair);
    String token = new ReplyTokens(platform.secrets().replyToken())
        .issue(platform.pool(), co.id, blair.id(), UUID.fromString(threadId)).await();
    String raw = "From: Blair Client <" + blair.email() + ">\r\n"
        + "To: " + ReplyTokens.address(token, platform.config().replyDomain()) + "\r\n"
        + "Subject: Re: Your quarterly review\r\nMessage-ID: <" + UUID.randomUUID() + "@mail.example.test>\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
        + "Thanks, Friday at ten works for me.\r\n\r\n"
        + "Sent from my iPhone\r\n\r\n"
        + "On Tue, 4 Mar 2025 at 09:58, Alex Morgan <alex@harbor.example> wrote:\r\n"
        + "> Your statements are ready.\r\n> Could we meet on Friday?\r\n";
    assertThat(new Ingest(platform).accept(raw.getBytes(StandardCharsets.UTF_8), Ingest.Channel.WEBHOOK).await().kind().wire())
        .isEqualTo("posted");

    try (Browser b = Browser.open("Alex", node.baseUrl())) {
      b.signIn(alex.email(), Fixtures.PASSWORD);
      b.go("#/thread/" + threadId);
      b.until(d -> d.findElements(By.cssSelector("main[data-loaded=true] .message")).size() == 2);
      WebElement reply = b.driver.findElements(By.cssSelector("main[data-loaded=true] .message")).get(1);
      assertThat(reply.findElement(By.cssSelector(".message-body")).getText())
          .isEqualTo("Thanks, Friday at ten works for me.");
      WebElement toggle = reply.findElement(By.cssSelector("button.quoted-toggle"));
      WebElement quoted = reply.findElement(By.cssSelector(".message-quoted"));
      assertThat(toggle.getText()).isEqualTo("Show quoted text");
      assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("false");
      assertThat(toggle.getAttribute("aria-controls")).isEqualTo(quoted.getAttribute("id"));
      assertThat(quoted.isDisplayed()).isFalse();
      b.js("arguments[0].scrollIntoView()", reply);
      b.screenshot("quoted-reply-collapsed.png");

      toggle.click();
      b.until(d -> quoted.isDisplayed());
      assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("true");
      assertThat(toggle.getText()).isEqualTo("Hide quoted text");
      assertThat(quoted.getText()).contains("Sent from my iPhone", "Alex Morgan", "wrote:",
          "Your statements are ready.", "Could we meet on Friday?");
      b.js("arguments[0].scrollIntoView()", reply);
      b.screenshot("quoted-reply-expanded.png");
      assertThat(b.accessibilityProblems()).as("axe-core on the thread with the quoted text open").isNullOrEmpty();

      toggle.click();
      b.until(d -> !quoted.isDisplayed());
      assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("false");
    }
  }
}
