package dev.parley.web;

import com.icegreen.greenmail.util.GreenMail;
import dev.parley.ParleyConfig;
import dev.parley.auth.Totp;
import dev.parley.notify.Mailboxes;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Sql;
import dev.parley.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** "Forgot password?", the account screen, two-factor enrolment and the two-factor sign-in step, in Chromium. */
class AccountInTheBrowserTest {

  private static final Pattern LINK = Pattern.compile("(http\\S+/#/reset/[A-Za-z0-9_-]+)");
  private static final Totp APP = new Totp(Clock.systemUTC());

  static TestNode node;

  @BeforeAll
  static void start() {
    Browser.assumeUsable();
    node = TestNode.start(Map.of(ParleyConfig.OUTBOX_POLL_MS, "200"));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aPersonWhoForgotTheirPasswordAsksForALinkChoosesANewPasswordAndSignsInWithIt() {
    Fixtures.Person fay = node.fixtures().company("Harbor Wealth").client("Fay Forgetful");
    GreenMail mail = Mailboxes.of(node);
    List<String> problems = new ArrayList<>();
    try (Browser b = Browser.open("Fay", node.baseUrl())) {
      b.driver.get(node.baseUrl() + "/#/inbox");
      b.waitFor(By.cssSelector(".signin-form input[name=email]")).sendKeys(fay.email());
      b.driver.findElement(By.xpath("//button[normalize-space()='Forgot password?']")).click();
      WebElement email = b.waitFor(By.cssSelector("#forgot-form input[name=email]"));
      assertThat(email.getAttribute("value")).isEqualTo(fay.email());
      look(b, "forgot-password", "forgot password", problems);
      b.driver.findElement(By.cssSelector("#forgot-form button[type=submit]")).click();
      b.until(d -> d.findElement(By.cssSelector(".signin-form .banner-info")).getText().contains("emailed it a link"));

      await().atMost(Duration.ofSeconds(20)).until(() -> Mailboxes.to(mail, fay.email()).size() == 1);
      Matcher m = LINK.matcher(Mailboxes.part(Mailboxes.to(mail, fay.email()).get(0), "text/plain"));
      assertThat(m.find()).isTrue();
      String link = m.group(1).replace("http://localhost:8080", node.baseUrl());
      b.driver.get(link);
      WebElement password = b.waitFor(By.cssSelector("#reset-form input[name=password]"));
      assertThat((String) b.js("return location.hash")).isEqualTo("#/signin");
      look(b, "reset-password", "reset password", problems);
      password.sendKeys("fays-new-password");
      b.driver.findElement(By.cssSelector("#reset-form input[name=again]")).sendKeys("fays-new-password");
      b.driver.findElement(By.cssSelector("#reset-form button[type=submit]")).click();
      b.until(d -> d.findElement(By.cssSelector(".signin-form .banner-info")).getText().contains("new password is set"));

      b.signIn(fay.email(), "fays-new-password");
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void aPersonSetsUpTwoFactorOnTheAccountScreenAndThenSignsInWithACode() {
    Fixtures.Person tom = node.fixtures().company("Birch Legal").staff("Tom Twofactor");
    List<String> problems = new ArrayList<>();
    String secret;
    try (Browser b = Browser.open("Tom", node.baseUrl())) {
      b.signIn(tom.email(), Fixtures.PASSWORD);
      b.go("#/account");
      b.waitFor(By.cssSelector("main#main[data-loaded=true] #profile-form"));
      assertThat(b.driver.findElements(By.cssSelector("#profile-form select[name=timeZone] option")).size()).isGreaterThan(100);
      look(b, "account", "account", problems);

      b.driver.findElement(By.id("totp-start")).click();
      WebElement shown = b.waitFor(By.id("totp-secret"));
      secret = shown.getText().replace(" ", "");
      assertThat(b.driver.findElement(By.cssSelector(".totp-qr")).getAttribute("src")).startsWith("data:image/png;base64,");
      b.js("document.getElementById('totp-confirm').scrollIntoView({block: 'start'})");
      look(b, "totp-enrol", "totp enrol", problems);
      confirmWithTheApp(b, secret);
      b.until(d -> d.findElements(By.cssSelector(".recovery-codes li")).size() == 10);
      b.screenshot("totp-recovery-codes.png");
      problems.addAll(UndeliveredEmailInTheBrowserTest.axe(b, "recovery codes"));
      b.driver.findElement(By.id("totp-done")).click();
      b.until(d -> d.findElement(By.cssSelector(".totp-state.on")).isDisplayed());
    }

    try (Browser b = Browser.open("Tom again", node.baseUrl())) {
      typePassword(b, tom.email());
      WebElement code = b.waitFor(By.cssSelector("#totp-form input[name=code]"));
      assertThat(code).isEqualTo(b.driver.switchTo().activeElement());
      look(b, "totp-sign-in", "totp sign-in", problems);
      long last = Sql.count(node.dbUrl(), "select totp_last_step from users where id = '" + tom.id() + "'");
      code.sendKeys(APP.generate(secret, last + 1));
      b.driver.findElement(By.cssSelector("#totp-form button[type=submit]")).click();
      b.waitFor(By.cssSelector("main#main[data-loaded=true] #thread-list"));
      // the one 401 is the first "who am I" of a browser not signed in yet
      assertThat(b.consoleErrors()).allMatch(e -> e.contains("/api/me") && e.contains("401"));
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void anAdminRequiresTwoFactorForStaffAndAStaffMemberIsAskedToSetItUpRightAfterSigningIn() {
    Fixtures.Company co = node.fixtures().company("Cedar Partners");
    Fixtures.Person ada = co.admin("Ada Admin");
    Fixtures.Person sid = co.staff("Sid Staff");
    List<String> problems = new ArrayList<>();
    try (Browser b = Browser.open("Ada", node.baseUrl())) {
      b.signIn(ada.email(), Fixtures.PASSWORD);
      b.go("#/settings/company");
      b.until(d -> d.findElement(By.cssSelector("[data-toggle=requireTotpForStaff]")).isDisplayed());
      WebElement required = b.driver.findElement(By.cssSelector("input[name=requireTotpForStaff]"));
      b.js("arguments[0].scrollIntoView({block: 'center'})", required);
      b.js("arguments[0].click()", required);
      b.until(d -> d.findElement(By.id("toasts")).getText().contains("Staff must now sign in with two factors"));
    }

    try (Browser b = Browser.open("Sid", node.baseUrl())) {
      typePassword(b, sid.email());
      b.waitFor(By.id("totp-start"));
      assertThat(b.driver.findElement(By.tagName("h1")).getText()).isEqualTo("Set up two-factor sign-in");
      assertThat(b.driver.findElements(By.id("thread-list"))).isEmpty();
      look(b, "totp-required", "totp required", problems);

      b.driver.findElement(By.id("totp-start")).click();
      confirmWithTheApp(b, b.waitFor(By.id("totp-secret")).getText().replace(" ", ""));
      b.waitFor(By.id("totp-done")).click();
      b.waitFor(By.cssSelector("main#main[data-loaded=true] #thread-list"));
    }
    assertThat(problems).isEmpty();
  }

  /** Screenshots at desktop size and at 390 px, and axe-core's findings, of what the browser shows. */
  private static void look(Browser b, String file, String screen, List<String> problems) {
    b.screenshot(file + ".png");
    problems.addAll(UndeliveredEmailInTheBrowserTest.axe(b, screen));
    b.resize(390, 844);
    b.screenshot(file + "-390.png");
    b.resize(1280, 900);
  }

  /** The sign-in page's first step, with the fixtures' password. */
  private static void typePassword(Browser b, String email) {
    b.driver.get(node.baseUrl() + "/#/inbox");
    b.waitFor(By.cssSelector(".signin-form input[name=email]")).sendKeys(email);
    b.driver.findElement(By.cssSelector(".signin-form input[name=password]")).sendKeys(Fixtures.PASSWORD);
    b.driver.findElement(By.cssSelector(".signin-form button[type=submit]")).click();
  }

  /** Types the code the authenticator app shows now into the enrolment form. */
  private static void confirmWithTheApp(Browser b, String secret) {
    b.driver.findElement(By.cssSelector("#totp-confirm input[name=code]")).sendKeys(APP.generate(secret, APP.currentStep()));
    b.driver.findElement(By.cssSelector("#totp-confirm button[type=submit]")).click();
  }
}
