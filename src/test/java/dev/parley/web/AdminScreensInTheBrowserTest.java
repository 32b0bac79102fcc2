package dev.parley.web;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An admin manages people, Circles and Teams and reads the audit log in the browser; nobody else sees those screens. */
class AdminScreensInTheBrowserTest {

  static TestNode node;
  static Fixtures.Company co;
  static Fixtures.Person ada;
  static Fixtures.Person casey;
  static Fixtures.Person olly;

  @BeforeAll
  static void start() {
    Browser.assumeUsable();
    node = TestNode.start();
    co = node.fixtures().company("Harbor Wealth");
    ada = co.admin("Ada Admin");
    casey = co.staff("Casey Coordinator");
    olly = co.staff("Olly Owens");
    co.client("Cleo Client", casey);
    co.prospect("Pat Prospect", olly);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void anAdminAddsAPersonChangesTheirCoordinatorAndDeactivatesThem() {
    List<String> problems = new ArrayList<>();
    try (Browser b = Browser.open("Ada", node.baseUrl())) {
      b.signIn(ada.email(), Fixtures.PASSWORD);
      b.driver.findElement(By.cssSelector("a.nav-link[href='#/admin/people']")).click();
      b.waitFor(By.cssSelector("main#main[data-loaded=true] #people-list[aria-busy=false] .person-row"));
      assertThat(b.driver.findElement(By.id("people-list")).getText()).contains("Casey Coordinator", "Cleo Client", "Pat Prospect");
      problems.addAll(bothWidths(b, "people"));

      // search and a filter
      b.driver.findElement(By.id("people-search")).sendKeys("cleo");
      b.until(d -> rows(b).equals(List.of("Cleo Client")));
      b.driver.findElement(By.id("people-search")).clear();
      b.driver.findElement(By.id("people-search")).sendKeys(Keys.BACK_SPACE);
      new Select(b.driver.findElement(By.id("people-coordinator"))).selectByVisibleText("Olly Owens");
      b.until(d -> rows(b).equals(List.of("Pat Prospect")));

      // add a person, a client of Casey
      b.driver.findElement(By.id("add-person")).click();
      WebElement name = b.waitFor(By.cssSelector("#person-form input[name=name]"));
      problems.addAll(bothWidths(b, "add-person"));
      name.sendKeys("Nia Newman");
      b.driver.findElement(By.cssSelector("#person-form input[name=email]")).sendKeys("nia.newman@example.test");
      new Select(b.driver.findElement(By.cssSelector("#person-form select[name=role]"))).selectByVisibleText("Client");
      new Select(b.driver.findElement(By.cssSelector("#person-form select[name=coordinatorId]"))).selectByVisibleText("Casey Coordinator");
      b.driver.findElement(By.cssSelector("#person-form input[name=password]")).sendKeys("a-long-enough-password");
      b.driver.findElement(By.cssSelector("#person-form button[type=submit]")).click();
      b.until(d -> "Nia Newman".equals(b.js("return document.querySelector('main[data-loaded=true] h1')?.textContent || ''")));
      assertThat(b.waitFor(By.id("person-coordinator")).getText()).contains("Casey Coordinator");
      problems.addAll(bothWidths(b, "person"));

      // a bad email is refused by the field, nothing stored
      WebElement email = b.driver.findElement(By.cssSelector("#person-form input[name=email]"));
      email.clear();
      email.sendKeys("not an email");
      b.driver.findElement(By.id("save-person")).click();
      WebElement emailError = b.waitFor(By.cssSelector("[data-error-for=email]"));
      assertThat(emailError.getText()).contains("not an email address");
      email.clear();
      email.sendKeys("nia.newman@example.test");

      // her Coordinator becomes Olly, whose page then lists her
      new Select(b.driver.findElement(By.cssSelector("#person-form select[name=coordinatorId]"))).selectByVisibleText("Olly Owens");
      b.driver.findElement(By.id("save-person")).click();
      b.until(d -> d.findElement(By.id("person-coordinator")).getText().contains("Olly Owens"));
      assertThat(coordinatorOf("nia.newman@example.test")).isEqualTo(olly.id().toString());
      b.driver.findElement(By.cssSelector("#person-coordinator a")).click();
      b.until(d -> d.findElements(By.cssSelector("#person-clients li")).size() == 2);
      assertThat(b.driver.findElement(By.id("person-clients")).getText()).contains("Nia Newman", "Pat Prospect");
      b.driver.findElement(By.xpath("//ul[@id='person-clients']//a[text()='Nia Newman']")).click();
      b.until(d -> "Nia Newman".equals(b.js("return document.querySelector('main[data-loaded=true] h1')?.textContent || ''")));

      // deactivating her ends the session she has open
      Api.Session nia = node.api().login("nia.newman@example.test", "a-long-enough-password");
      assertThat(nia.get("/api/me").status()).isEqualTo(200);
      b.driver.findElement(By.id("toggle-active")).click();
      b.waitFor(By.cssSelector("dialog.dialog [data-action=true]")).click();
      b.until(d -> d.findElement(By.id("person-status")).getText().contains("Deactivated"));
      assertThat(nia.get("/api/me").status()).isEqualTo(401);
      assertThat(node.api().post("/api/auth/login", new JsonObject().put("email", "nia.newman@example.test")
          .put("password", "a-long-enough-password")).status()).isEqualTo(401);
      b.driver.findElement(By.id("toggle-active")).click();
      b.until(d -> d.findElement(By.id("person-status")).getText().contains("Active"));
      assertThat(node.api().login("nia.newman@example.test", "a-long-enough-password").get("/api/me").status()).isEqualTo(200);

      // a password-set link is on its way to her
      b.driver.findElement(By.id("send-password-link")).click();
      b.until(d -> d.findElement(By.id("toasts")).getText().contains("A password-set link was emailed to nia.newman@example.test"));

      // import: a preview with a wrong row, then all of them
      b.go("#/admin/people/import");
      WebElement csv = b.waitFor(By.cssSelector("main[data-loaded=true] #import-form textarea"));
      csv.sendKeys("Ivo Import,ivo@example.test,client," + casey.email() + "\nWrong Role,wrong@example.test,boss");
      b.driver.findElement(By.cssSelector("#import-form button[type=submit]")).click();
      b.until(d -> d.findElements(By.cssSelector("#import-preview tbody tr")).size() == 2);
      assertThat(b.driver.findElement(By.id("import-preview")).getText()).contains("1 of 2 rows need fixing", "'boss' is not one of");
      assertThat(b.driver.findElement(By.id("import-all")).isEnabled()).isFalse();
      problems.addAll(bothWidths(b, "import-preview"));
      csv.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
      csv.sendKeys("Ivo Import,ivo@example.test,client," + casey.email() + "\nWren Right,wren@example.test,prospect");
      b.driver.findElement(By.cssSelector("#import-form button[type=submit]")).click();
      b.until(d -> d.findElement(By.id("import-all")).isEnabled());
      b.driver.findElement(By.id("import-all")).click();
      b.waitFor(By.cssSelector("main[data-loaded=true] #people-list[aria-busy=false] .person-row"));
      assertThat(coordinatorOf("ivo@example.test")).isEqualTo(casey.id().toString());
      assertThat(coordinatorOf("wren@example.test")).isNull();

      assertThat(b.consoleErrors()).as("no errors but the sign-in page's check for a session")
          .allMatch(e -> e.contains("/api/me") && e.contains("401") || e.contains("/api/admin/users") && e.contains("400"));
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void anAdminMakesACircleWithMembersWhoseNamesShowWhereCirclesArePicked() {
    List<String> problems = new ArrayList<>();
    try (Browser b = Browser.open("Ada", node.baseUrl())) {
      b.signIn(ada.email(), Fixtures.PASSWORD);
      b.go("#/admin/groups");
      b.waitFor(By.cssSelector("main[data-loaded=true] #new-circle")).click();
      WebElement name = b.waitFor(By.cssSelector(".group-form input[name=name]"));
      name.sendKeys("Advisors");
      WebElement picker = b.driver.findElement(By.cssSelector(".group-form .picker-input"));
      choose(b, picker, "Casey");
      choose(b, picker, "Olly");
      b.driver.findElement(By.cssSelector(".group-form button[type=submit]")).click();
      WebElement circle = b.until(d -> d.findElements(By.cssSelector("#circle-list .group-item")).stream()
          .filter(e -> e.getText().contains("Advisors")).findFirst().orElse(null));
      assertThat(circle.getText()).contains("2 members");
      circle.findElement(By.tagName("summary")).click();
      b.until(d -> circle.findElement(By.className("member-names")).isDisplayed());
      assertThat(circle.findElement(By.className("member-names")).getText()).contains("Casey Coordinator", "Olly Owens");
      problems.addAll(bothWidths(b, "groups"));

      // rename it and take Olly out
      circle.findElement(By.cssSelector("button[aria-label='Edit Advisors']")).click();
      WebElement rename = b.waitFor(By.cssSelector("#circle-list .group-form input[name=name]"));
      rename.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Senior Advisors");
      b.driver.findElement(By.cssSelector("#circle-list .group-form .chip-remove[aria-label='Remove Olly Owens']")).click();
      // the picker offers more people once a chip is removed; Escape closes the offer
      b.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
      b.until(d -> d.findElement(By.cssSelector("#circle-list .group-form .picker-list")).getAttribute("hidden") != null);
      b.driver.findElement(By.cssSelector("#circle-list .group-form button[type=submit]")).click();
      b.until(d -> d.findElement(By.id("circle-list")).getText().contains("Senior Advisors")
          && d.findElement(By.id("circle-list")).getText().contains("1 member"));

      // Messaging Settings: the Circle chosen shows its members
      b.go("#/settings/messaging");
      b.waitFor(By.cssSelector("main[data-loaded=true] #messaging-settings"));
      WebElement designate = b.driver.findElement(By.cssSelector("input[name=designate]"));
      if (!designate.isSelected()) {
        b.js("arguments[0].click()", designate);
      }
      // turning it on puts the keyboard in the staff picker, whose offer Escape closes
      b.until(d -> d.switchTo().activeElement().getAttribute("id").startsWith("designated-users"));
      b.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
      b.until(d -> d.findElement(By.cssSelector("[data-picker=designated-users] .picker-list")).getAttribute("hidden") != null);
      WebElement circles = b.waitFor(By.cssSelector("[data-picker=designated-circles] .picker-input"));
      circles.click();
      b.until(d -> d.findElement(By.cssSelector("[data-picker=designated-circles] .picker-list")).getText().contains("Casey Coordinator"));
      choose(b, circles, "Senior");
      WebElement chosen = b.until(d -> d.findElements(By.cssSelector(".chosen-group")).stream().findFirst().orElse(null));
      chosen.findElement(By.tagName("summary")).click();
      b.until(d -> chosen.getText().contains("Casey Coordinator"));
      assertThat(chosen.getText()).contains("Senior Advisors", "1 member").doesNotContain("Olly");
      b.js("document.getElementById('designated-box').scrollIntoView()");
      b.screenshot("admin-settings-circle-members.png");
      problems.addAll(axe(b, "messaging settings with a Circle"));
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void anAdminFiltersTheAuditLogAndExportsIt() {
    Api.Session admin = ada.login(node.api());
    admin.patch("/api/admin/users/" + olly.sid(), new JsonObject().put("name", "Olly Owens"));
    List<String> problems = new ArrayList<>();
    try (Browser b = Browser.open("Ada", node.baseUrl())) {
      b.signIn(ada.email(), Fixtures.PASSWORD);
      b.driver.findElement(By.cssSelector("a.nav-link[href='#/admin/audit']")).click();
      b.waitFor(By.cssSelector("main[data-loaded=true] #audit-list[aria-busy=false] .audit-entry"));
      problems.addAll(bothWidths(b, "audit"));

      new Select(b.driver.findElement(By.id("audit-action"))).selectByVisibleText("Signed in");
      b.until(d -> !d.findElements(By.cssSelector("#audit-list[aria-busy=false] .audit-entry")).isEmpty()
          && d.findElements(By.cssSelector("#audit-list .audit-entry")).stream()
          .allMatch(e -> "auth.sign_in".equals(e.getAttribute("data-action"))));
      b.until(d -> d.findElements(By.cssSelector("#audit-person option")).size() > 1);
      new Select(b.driver.findElement(By.id("audit-person"))).selectByVisibleText("Ada Admin (" + ada.email() + ")");
      b.until(d -> d.findElements(By.cssSelector("#audit-list[aria-busy=false] .audit-entry")).stream()
          .allMatch(e -> e.getText().contains("Ada Admin") && e.getText().contains("Signed in")));
      String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
      b.js("const f = document.getElementById('audit-from'); f.value = arguments[0]; f.dispatchEvent(new Event('change'))", today);
      b.until(d -> String.valueOf(d.findElement(By.id("audit-export")).getAttribute("href")).contains("from=" + today));
      b.screenshot("admin-audit-filtered.png");

      String href = b.driver.findElement(By.id("audit-export")).getAttribute("href");
      assertThat(href).contains("action=auth.sign_in", "userId=" + ada.sid(), "from=" + today);
      Object csv = ((org.openqa.selenium.JavascriptExecutor) b.driver).executeAsyncScript(
          "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then((r) => r.text()).then(done, (e) => done('failed ' + e))", href);
      assertThat(String.valueOf(csv)).startsWith("at,action,actor_id,actor_name,target,target_name,address,detail")
          .contains("auth.sign_in", "Ada Admin").doesNotContain("directory.user_updated");
      long exports = node.parley().platform().pool()
          .preparedQuery("select count(*) from audit_log where company_id = $1 and action = 'audit.exported' and actor_id = $2")
          .execute(Tuple.of(co.id, ada.id())).await().iterator().next().getLong(0);
      assertThat(exports).isEqualTo(1);
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void staffSeeNoAdministrationAndItsAddressesLeadToTheInbox() {
    try (Browser b = Browser.open("Casey", node.baseUrl())) {
      b.signIn(casey.email(), Fixtures.PASSWORD);
      assertThat(b.driver.findElements(By.cssSelector("a.nav-link[href^='#/admin']"))).isEmpty();
      for (String hash : List.of("#/admin/people", "#/admin/groups", "#/admin/audit", "#/admin/people/" + olly.sid())) {
        b.go(hash);
        b.until(d -> "#/inbox".equals(b.js("return location.hash")));
      }
      assertThat(b.driver.findElement(By.tagName("body")).getText()).doesNotContain("Audit log", "Import people");
    }
  }

  static void choose(Browser b, WebElement pickerInput, String text) {
    pickerInput.sendKeys(text);
    String listId = pickerInput.getAttribute("aria-controls");
    b.until(d -> {
      WebElement list = d.findElement(By.id(listId));
      return text.equals(list.getAttribute("data-query")) && "false".equals(list.getAttribute("aria-busy"))
          && !list.findElements(By.cssSelector("[role=option]")).isEmpty();
    });
    pickerInput.sendKeys(Keys.ENTER);
  }

  private static List<String> rows(Browser b) {
    return b.driver.findElements(By.cssSelector("#people-list[aria-busy=false] .person-name")).stream().map(WebElement::getText).toList();
  }

  private static String coordinatorOf(String email) {
    var row = node.parley().platform().pool().preparedQuery("select coordinator_id from users where email = $1")
        .execute(Tuple.of(email)).await().iterator().next();
    return row.getUUID(0) == null ? null : row.getUUID(0).toString();
  }

  /** Screenshots at desktop size and at 390 px, with axe-core's findings at both and no sideways scrolling at 390 px. */
  private static List<String> bothWidths(Browser b, String screen) {
    List<String> found = new ArrayList<>();
    b.screenshot("admin-" + screen + ".png");
    found.addAll(axe(b, screen));
    b.resize(390, 844);
    b.screenshot("admin-" + screen + "-390.png");
    if (!Boolean.TRUE.equals(b.js("return document.documentElement.scrollWidth <= document.documentElement.clientWidth"))) {
      found.add(screen + " at 390 px scrolls sideways");
    }
    found.addAll(axe(b, screen + " at 390 px"));
    b.resize(1280, 900);
    return found;
  }

  private static List<String> axe(Browser b, String screen) {
    List<String> found = b.accessibilityProblems();
    return found == null ? List.of() : found.stream().map(p -> screen + ": " + p).toList();
  }
}
