package dev.parley.web;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.parley.ParleyConfig;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** An admin finds the emails Parley could not deliver in Company Settings, and sends them again. */
class UndeliveredEmailInTheBrowserTest {

  static TestNode node;
  static int smtpPort;
  GreenMail smtp;

  @BeforeAll
  static void start() {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    if (!ci) {
      assumeTrue(Browser.available(), "Debian's chromium and chromium-driver are not installed");
    }
    assumeTrue(Browser.bundled() || ci,
        "the browser app was not bundled (the Maven build bundles it unless -DskipWebBuild=true)");
    smtpPort = TestNode.freePort();
    node = TestNode.start(Map.of(
        ParleyConfig.SMTP_HOST, "127.0.0.1",
        ParleyConfig.SMTP_PORT, Integer.toString(smtpPort),
        ParleyConfig.OUTBOX_POLL_MS, "100",
        ParleyConfig.OUTBOX_RETRY_BASE_MS, "50",
        ParleyConfig.OUTBOX_RETRY_MAX_MS, "200"));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void anAdminSeesUndeliveredEmailInCompanySettingsAndSendsItAgain() {
    Fixtures.Company co = node.fixtures().company("Harbor Wealth");
    Fixtures.Person ada = co.admin("Ada Admin");
    Fixtures.Person alex = co.staff("Alex Morgan");
    Fixtures.Person blair = co.client("Blair Client", alex);
    Fixtures.Person drew = co.client("Drew Client", alex);
    alex.login(node.api()).startThread("Your quarterly review", "<p>x</p>", blair, drew);
    // SMTP has been down for longer than the give-up age
    await().atMost(Duration.ofSeconds(20)).until(() -> count("attempts >= 1") == 2);
    node.parley().platform().pool().preparedQuery("update outbox set queued_at = now() - interval '4 days' where company_id = $1")
        .execute(Tuple.of(co.id)).await();
    await().atMost(Duration.ofSeconds(20)).until(() -> count("status = 'failed'") == 2);

    try (Browser b = Browser.open("Ada", node.baseUrl())) {
      b.signIn(ada.email(), Fixtures.PASSWORD);
      b.go("#/settings/company");
      WebElement section = b.waitFor(By.cssSelector("#undelivered-email[data-loaded=true]"));
      b.until(d -> d.findElements(By.cssSelector("#undelivered-list .undelivered-item")).size() == 2);
      assertThat(section.findElement(By.tagName("h2")).getText()).isEqualTo("Undelivered email");
      assertThat(section.getText()).contains("Blair Client", blair.email(), "Drew Client", "New message notice", "gave up after 3 days")
          .doesNotContain("Your quarterly review");
      assertThat(b.driver.findElement(By.id("undelivered-send-all")).isDisplayed()).isTrue();
      List<String> problems = new ArrayList<>();
      b.js("document.getElementById('undelivered-email').scrollIntoView()");
      b.screenshot("undelivered-email.png");
      problems.addAll(axe(b, "undelivered email"));
      b.resize(390, 844);
      b.js("document.getElementById('undelivered-email').scrollIntoView()");
      b.screenshot("undelivered-email-390.png");
      assertThat(b.js("return document.documentElement.scrollWidth <= document.documentElement.clientWidth"))
          .as("the section fits 390 px without scrolling sideways").isEqualTo(true);
      problems.addAll(axe(b, "undelivered email at 390 px"));
      assertThat(problems).isEmpty();

      smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
      smtp.start();
      // by keyboard: Blair's "Send again"
      WebElement blairAgain = b.driver.findElement(By.cssSelector("button[aria-label='Send again to Blair Client']"));
      b.js("arguments[0].focus()", blairAgain);
      b.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
      b.until(d -> d.findElements(By.cssSelector("#undelivered-list .undelivered-item")).size() == 1);
      assertThat(b.driver.findElement(By.id("undelivered-title")).equals(b.driver.switchTo().activeElement()))
          .as("focus stays in the section").isTrue();
      assertThat(b.driver.findElement(By.id("undelivered-send-all")).isDisplayed()).isFalse();
      b.driver.findElement(By.cssSelector("button[aria-label='Send again to Drew Client']")).click();
      b.waitFor(By.id("undelivered-none"));
      assertThat(b.driver.findElement(By.id("undelivered-list")).isDisplayed()).isFalse();
      await().atMost(Duration.ofSeconds(20)).until(() -> count("status = 'sent'") == 2);
      assertThat(smtp.getReceivedMessages()).hasSize(2);
      b.resize(1280, 900);
      b.js("document.getElementById('undelivered-email').scrollIntoView()");
      b.screenshot("undelivered-email-none.png");
      assertThat(b.consoleErrors()).as("no errors but the sign-in page's check for a session")
          .allMatch(e -> e.contains("/api/me") && e.contains("401"));
    } finally {
      if (smtp != null) {
        smtp.stop();
      }
    }
  }

  static List<String> axe(Browser b, String screen) {
    List<String> found = b.accessibilityProblems();
    assumeTrue(found != null, "axe-core is installed by npm ci in webroot");
    return found.stream().map(p -> screen + ": " + p).toList();
  }

  /** Emails in the outbox (a message's job, which becomes them, is not one). */
  long count(String where) {
    return node.parley().platform().pool().query("select count(*) from outbox where kind <> 'message' and " + where).execute().await()
        .iterator().next().getLong(0);
  }
}
