package dev.parley.web;

import com.icegreen.greenmail.util.GreenMail;
import dev.parley.ParleyConfig;
import dev.parley.auth.Totp;
import dev.parley.notify.Mailboxes;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Sql;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A practice set up and used end to end in Chromium, at desktop width: an admin adds people and a
 * Team, a client sets a password from the emailed link and may write only to whom the settings allow;
 * a forgotten password reset from the email signs out a browser still open; two-factor sign-in with
 * codes that work once; and the audit log shows all of it. Screenshots go to target/screenshots/practice/.
 */
class PracticeSetupInTheBrowserTest {

  private static final Pattern LINK = Pattern.compile("/#/reset/([A-Za-z0-9_-]{40,})");
  private static final Totp APP = new Totp(Clock.systemUTC());

  static TestNode node;
  static GreenMail mail;

  @BeforeAll
  static void start() {
    Browser.assumeUsable();
    // every test signs in several times: the per-account limit is not what is tested here
    node = TestNode.start(Map.of(ParleyConfig.OUTBOX_POLL_MS, "200", ParleyConfig.LOGIN_LIMIT_ACCOUNT, "50"));
    mail = Mailboxes.of(node);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void anAdminSetsUpAPracticeAndTheNewClientMayWriteOnlyToWhomTheSettingsAllow() {
    Fixtures.Company co = node.fixtures().company("Willow Family Practice");
    Fixtures.Person ada = co.admin("Ada Admin");
    co.staff("Olly Owens");
    co.staff("Tess Taylor");
    String cleoEmail = "cleo.client@willow.test";
    List<String> problems = new ArrayList<>();
    try (Browser admin = Browser.open("Ada", node.baseUrl()); Browser client = Browser.open("Cleo", node.baseUrl())) {
      admin.signIn(ada.email(), Fixtures.PASSWORD);
      addPerson(admin, "Sol Staff", "sol.staff@willow.test", "Staff", null);
      look(admin, "person-staff", "a new staff member's page", problems);
      addPerson(admin, "Cleo Client", cleoEmail, "Client", "Sol Staff");
      assertThat(admin.waitFor(By.id("person-coordinator")).getText()).contains("Sol Staff");
      admin.driver.findElement(By.id("send-password-link")).click();
      admin.until(d -> d.findElement(By.id("toasts")).getText().contains("A password-set link was emailed to " + cleoEmail));

      admin.go("#/admin/groups");
      admin.waitFor(By.cssSelector("main[data-loaded=true] #new-team")).click();
      admin.waitFor(By.cssSelector(".group-form input[name=name]")).sendKeys("Front Desk");
      WebElement members = admin.driver.findElement(By.cssSelector(".group-form .picker-input"));
      AdminScreensInTheBrowserTest.choose(admin, members, "Olly");
      AdminScreensInTheBrowserTest.choose(admin, members, "Tess");
      admin.driver.findElement(By.cssSelector(".group-form button[type=submit]")).click();
      WebElement team = admin.until(d -> d.findElements(By.cssSelector("#team-list .group-item")).stream()
          .filter(e -> e.getText().contains("Front Desk")).findFirst().orElse(null));
      assertThat(team.getText()).contains("2 members");
      look(admin, "teams", "Circles and Teams with a Team", problems);

      // the client's email carries the link; the client opens it in their own browser
      await().atMost(Duration.ofSeconds(20)).until(() -> Mailboxes.to(mail, cleoEmail).size() == 1);
      choosePassword(client, linkIn(cleoEmail, 0), "cleos-own-password", problems);
      client.signIn(cleoEmail, "cleos-own-password");

      // only the Team may be written to: the picker offers its two members
      Api.Session adminApi = ada.login(node.api());
      String teamId = adminApi.get("/api/admin/groups").array("groups").stream().map(JsonObject.class::cast)
          .filter(g -> "Front Desk".equals(g.getString("name"))).findFirst().orElseThrow().getString("id");
      Api.Response designated = adminApi.put("/api/settings/messaging", new JsonObject().put("restrictContactsToCoordinator", false)
          .put("designated", new JsonObject().put("userIds", new JsonArray()).put("circleIds", new JsonArray()).put("teamIds", new JsonArray().add(teamId)))
          .put("notifyOnReadUserIds", new JsonArray()));
      assertThat(designated.status()).as(designated.toString()).isEqualTo(200);
      assertThat(offeredRecipients(client)).containsExactlyInAnyOrder("Olly Owens", "Tess Taylor");
      look(client, "new-message-team", "New Message offering the Team", problems);

      // the admin restricts contacts to their Coordinator on the Settings screen: only Sol is offered
      admin.go("#/settings/messaging");
      WebElement restrict = admin.waitFor(By.cssSelector("main[data-loaded=true] #messaging-settings"))
          .findElement(By.cssSelector("input[name=restrictContactsToCoordinator]"));
      admin.js("arguments[0].click()", restrict);
      admin.driver.findElement(By.cssSelector("#messaging-settings .form-actions button[type=submit]")).click();
      admin.until(d -> d.findElement(By.id("toasts")).getText().contains("Messaging settings saved"));
      client.go("#/inbox");
      client.waitFor(By.cssSelector("main#main[data-loaded=true] #thread-list"));
      assertThat(offeredRecipients(client)).containsExactly("Sol Staff");
      look(client, "new-message-coordinator", "New Message offering only the Coordinator", problems);

      awaitAudit(co, "directory.user_created", "auth.password_link_sent", "directory.group_changed", "settings.changed",
          "auth.password_reset_used", "auth.sign_in");
      auditFor(admin, "Ada Admin (" + ada.email() + ")", "audit-admin", problems,
          "Person added", "Password-set link sent", "Circle or Team changed", "Settings changed", "Signed in");
      assertThat(auditRowWith(admin, "Person added")).anyMatch(t -> t.contains("on Cleo Client"));
      assertThat(auditRowWith(admin, "Password-set link sent")).anyMatch(t -> t.contains("on Cleo Client"));
      auditFor(admin, "Cleo Client (" + cleoEmail + ")", "audit-client", problems, "Password set with a link", "Signed in");
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void aPasswordResetByEmailReturnsABrowserStillSignedInWithTheOldPasswordToSignIn() {
    Fixtures.Company co = node.fixtures().company("Aspen Dental");
    Fixtures.Person ada = co.admin("Ada Admin");
    Fixtures.Person rita = co.client("Rita Reset");
    List<String> problems = new ArrayList<>();
    try (Browser old = Browser.open("Rita at work", node.baseUrl()); Browser fresh = Browser.open("Rita at home", node.baseUrl())) {
      old.signIn(rita.email(), Fixtures.PASSWORD);
      old.waitLive();
      old.markPage();

      fresh.driver.get(node.baseUrl() + "/#/inbox");
      fresh.waitFor(By.cssSelector(".signin-form input[name=email]")).sendKeys(rita.email());
      fresh.driver.findElement(By.xpath("//button[normalize-space()='Forgot password?']")).click();
      fresh.waitFor(By.cssSelector("#forgot-form button[type=submit]")).click();
      fresh.until(d -> d.findElement(By.cssSelector(".signin-form .banner-info")).getText().contains("emailed it a link"));
      await().atMost(Duration.ofSeconds(20)).until(() -> Mailboxes.to(mail, rita.email()).size() == 1);
      choosePassword(fresh, linkIn(rita.email(), 0), "ritas-new-password", problems);

      // the old browser's socket is closed and it shows the sign-in page by itself, never reloaded
      WebElement notice = old.waitFor(By.cssSelector(".signin-form .banner-info"));
      assertThat(notice.getText()).contains("Your session has ended");
      assertThat(old.pageKept()).as("the sign-in page came without a reload").isTrue();
      assertThat(old.js("return document.documentElement.dataset.live")).isEqualTo("idle");
      look(old, "signed-out-by-reset", "the sign-in page after a reset elsewhere", problems);
      old.signIn(rita.email(), "ritas-new-password");

      try (Browser admin = Browser.open("Ada", node.baseUrl())) {
        admin.signIn(ada.email(), Fixtures.PASSWORD);
        awaitAudit(co, "auth.password_reset_requested", "auth.password_reset_used");
        auditFor(admin, "Rita Reset (" + rita.email() + ")", "audit-reset", problems,
            "Password link asked for", "Password set with a link", "Signed in");
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void aPersonTurnsOnTwoFactorSignInAndEachCodeAndRecoveryCodeWorksOnce() {
    Fixtures.Company co = node.fixtures().company("Birch Physiotherapy");
    Fixtures.Person ada = co.admin("Ada Admin");
    Fixtures.Person tom = co.staff("Tom Twofactor");
    List<String> problems = new ArrayList<>();
    String secret;
    String recovery;
    try (Browser b = Browser.open("Tom", node.baseUrl())) {
      b.signIn(tom.email(), Fixtures.PASSWORD);
      b.go("#/account");
      b.waitFor(By.cssSelector("main#main[data-loaded=true] #profile-form"));
      b.driver.findElement(By.id("totp-start")).click();
      secret = b.waitFor(By.id("totp-secret")).getText().replace(" ", "");
      b.js("document.getElementById('totp-confirm').scrollIntoView({block: 'start'})");
      look(b, "totp-enrol", "two-factor enrolment", problems);
      b.driver.findElement(By.cssSelector("#totp-confirm input[name=code]")).sendKeys(APP.generate(secret, APP.currentStep()));
      b.driver.findElement(By.cssSelector("#totp-confirm button[type=submit]")).click();
      b.until(d -> d.findElements(By.cssSelector(".recovery-codes li")).size() == 10);
      recovery = b.driver.findElement(By.cssSelector(".recovery-codes li")).getText().trim();
      look(b, "totp-recovery-codes", "recovery codes", problems);
      b.driver.findElement(By.id("totp-done")).click();
      b.until(d -> d.findElement(By.cssSelector(".totp-state.on")).isDisplayed());

      signOut(b);
      // a code of the step after the one enrolment used: the app shows it at the latest 30 s later
      long step = Math.max(lastStep(tom) + 1, APP.currentStep());
      String code = APP.generate(secret, step);
      typePassword(b, tom.email());
      enterCode(b, code);
      b.waitFor(By.cssSelector("main#main[data-loaded=true] #thread-list"));

      signOut(b);
      typePassword(b, tom.email());
      enterCode(b, code);
      WebElement refused = b.waitFor(By.cssSelector("#totp-form .banner-error"));
      assertThat(refused.getText()).contains("That code is not right");
      look(b, "totp-code-refused", "a code used twice", problems);
      enterCode(b, recovery);
      b.waitFor(By.cssSelector("main#main[data-loaded=true] #thread-list"));

      signOut(b);
      typePassword(b, tom.email());
      enterCode(b, recovery);
      assertThat(b.waitFor(By.cssSelector("#totp-form .banner-error")).getText()).contains("That code is not right");
      assertThat(b.driver.findElements(By.id("thread-list"))).isEmpty();
    }

    try (Browser admin = Browser.open("Ada", node.baseUrl())) {
      admin.signIn(ada.email(), Fixtures.PASSWORD);
      awaitAudit(co, "auth.totp_enrolled", "auth.recovery_code_used", "auth.totp_failed");
      auditFor(admin, "Tom Twofactor (" + tom.email() + ")", "audit-totp", problems,
          "Two-factor sign-in turned on", "Signed in", "Signed out", "Recovery code used", "Wrong two-factor code");
      new Select(admin.driver.findElement(By.id("audit-action"))).selectByVisibleText("Two-factor sign-in turned on");
      admin.until(d -> actions(admin).equals(List.of("Two-factor sign-in turned on")));
    }
    assertThat(problems).isEmpty();
  }

  /** Adds a person on the People screen, without a password, and waits for their page. */
  private static void addPerson(Browser b, String name, String email, String role, String coordinator) {
    b.go("#/admin/people/new");
    b.waitFor(By.cssSelector("main[data-loaded=true] #person-form input[name=name]")).sendKeys(name);
    b.driver.findElement(By.cssSelector("#person-form input[name=email]")).sendKeys(email);
    new Select(b.driver.findElement(By.cssSelector("#person-form select[name=role]"))).selectByVisibleText(role);
    if (coordinator != null) {
      new Select(b.driver.findElement(By.cssSelector("#person-form select[name=coordinatorId]"))).selectByVisibleText(coordinator);
    }
    b.driver.findElement(By.cssSelector("#person-form button[type=submit]")).click();
    b.until(d -> name.equals(b.js("return document.querySelector('main[data-loaded=true] h1')?.textContent || ''")));
  }

  /** Opens New Message and answers the names its To picker offers before anything is typed. */
  private static List<String> offeredRecipients(Browser b) {
    b.go("#/compose");
    WebElement to = b.waitFor(By.cssSelector("[data-picker=to] .picker-input"));
    to.click();
    String listId = to.getAttribute("aria-controls");
    b.until(d -> {
      WebElement list = d.findElement(By.id(listId));
      return list.isDisplayed() && "".equals(list.getAttribute("data-query")) && "false".equals(list.getAttribute("aria-busy"));
    });
    return b.driver.findElements(By.cssSelector("#" + listId + " [role=option] .option-name")).stream().map(WebElement::getText).toList();
  }

  /** The email's password link, pointed at the node under test. */
  private static String linkIn(String address, int index) {
    Matcher m = LINK.matcher(Mailboxes.part(Mailboxes.to(mail, address).get(index), "text/plain"));
    assertThat(m.find()).as("a password link in the email").isTrue();
    return node.baseUrl() + "/#/reset/" + m.group(1);
  }

  /** Opens a password link and chooses the password on its page, which then says to sign in with it. */
  private static void choosePassword(Browser b, String link, String password, List<String> problems) {
    b.driver.get(link);
    b.waitFor(By.cssSelector("#reset-form input[name=password]")).sendKeys(password);
    b.driver.findElement(By.cssSelector("#reset-form input[name=again]")).sendKeys(password);
    look(b, "set-password-" + b.name.split(" ")[0].toLowerCase(java.util.Locale.ROOT), "the password link's page", problems);
    b.driver.findElement(By.cssSelector("#reset-form button[type=submit]")).click();
    b.until(d -> d.findElement(By.cssSelector(".signin-form .banner-info")).getText().contains("new password is set"));
  }

  private static void signOut(Browser b) {
    b.driver.findElement(By.cssSelector(".user-button")).click();
    b.waitFor(By.xpath("//div[@id='user-menu']//button[normalize-space()='Sign out']")).click();
    b.waitFor(By.cssSelector(".signin-form input[name=email]"));
  }

  private static void typePassword(Browser b, String email) {
    WebElement field = b.waitFor(By.cssSelector(".signin-form input[name=email]"));
    field.clear();
    field.sendKeys(email);
    b.driver.findElement(By.cssSelector(".signin-form input[name=password]")).sendKeys(Fixtures.PASSWORD);
    b.driver.findElement(By.cssSelector(".signin-form button[type=submit]")).click();
  }

  private static void enterCode(Browser b, String code) {
    WebElement field = b.waitFor(By.cssSelector("#totp-form input[name=code]"));
    field.clear();
    field.sendKeys(code);
    b.driver.findElement(By.cssSelector("#totp-form button[type=submit]")).click();
  }

  private static long lastStep(Fixtures.Person p) {
    return Sql.count(node.dbUrl(), "select totp_last_step from users where id = '" + p.id() + "'");
  }

  /** Waits until the company's audit log holds each action (rows of a request may be written just after its answer). */
  private static void awaitAudit(Fixtures.Company co, String... actions) {
    for (String action : actions) {
      await().atMost(Duration.ofSeconds(20)).until(() -> Sql.count(node.dbUrl(),
          "select count(*) from audit_log where company_id = '" + co.id + "' and action = '" + action + "'") > 0);
    }
  }

  /** Opens the Audit log filtered by one person and checks that rows with each action label are listed. */
  private static void auditFor(Browser admin, String person, String shot, List<String> problems, String... labels) {
    admin.go("#/admin/audit");
    admin.waitFor(By.cssSelector("main[data-loaded=true] #audit-list[aria-busy=false]"));
    admin.until(d -> d.findElements(By.cssSelector("#audit-person option")).size() > 1);
    new Select(admin.driver.findElement(By.id("audit-person"))).selectByVisibleText(person);
    String name = person.substring(0, person.indexOf(" ("));
    admin.until(d -> !d.findElements(By.cssSelector("#audit-list[aria-busy=false] .audit-entry")).isEmpty()
        && d.findElements(By.cssSelector("#audit-list .audit-entry strong")).stream().allMatch(e -> e.getText().equals(name)));
    assertThat(actions(admin)).contains(labels);
    look(admin, shot, "the audit log of " + name, problems);
  }

  private static List<String> actions(Browser admin) {
    return admin.driver.findElements(By.cssSelector("#audit-list[aria-busy=false] .audit-entry .audit-action")).stream()
        .map(WebElement::getText).toList();
  }

  private static List<String> auditRowWith(Browser admin, String label) {
    return admin.driver.findElements(By.cssSelector("#audit-list .audit-entry")).stream()
        .map(WebElement::getText).filter(t -> t.contains(label)).toList();
  }

  /** A screenshot at desktop width into target/screenshots/practice/, and axe-core's findings on it. */
  private static void look(Browser b, String file, String screen, List<String> problems) {
    b.screenshot("practice/" + file + ".png");
    problems.addAll(UndeliveredEmailInTheBrowserTest.axe(b, screen));
  }
}
