package dev.parley.web;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An admin chooses how long notification emails wait for their reader, in Company Settings. */
class NotificationDelayInTheBrowserTest {

  static TestNode node;

  @BeforeAll
  static void start() {
    Browser.assumeUsable();
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void anAdminChoosesTheNotificationDelayWithTheKeyboardAndItIsSaved() {
    Fixtures.Company co = node.fixtures().company("Harbor Wealth");
    Fixtures.Person ada = co.admin("Ada Admin");
    Api.Session api = ada.login(node.api());
    assertThat(api.put("/api/settings/company", new JsonObject().put("notificationDelaySeconds", 120)).status()).isEqualTo(200);

    try (Browser b = Browser.open("Ada", node.baseUrl())) {
      b.signIn(ada.email(), Fixtures.PASSWORD);
      b.go("#/settings/company");
      WebElement select = b.waitFor(By.id("notification-delay"));
      WebElement label = b.driver.findElement(By.cssSelector("label[for='notification-delay']"));
      assertThat(label.getText()).isEqualTo("Notification delay");
      assertThat(new Select(select).getFirstSelectedOption().getText()).isEqualTo("2 minutes (default)");
      assertThat(new Select(select).getOptions().stream().map(WebElement::getText).toList()).containsExactly(
          "Send at once", "1 minute", "2 minutes (default)", "5 minutes", "15 minutes", "30 minutes", "60 minutes");
      String hintId = select.getAttribute("aria-describedby").split(" ")[0];
      assertThat(b.driver.findElement(By.id(hintId)).getText()).contains("read the message in Parley");

      List<String> problems = new ArrayList<>();
      b.js("document.getElementById('notification-delay').scrollIntoView({block: 'center'})");
      b.screenshot("notification-delay.png");
      problems.addAll(UndeliveredEmailInTheBrowserTest.axe(b, "notification delay"));

      // by keyboard: one step down is 5 minutes
      b.js("arguments[0].focus()", select);
      b.driver.switchTo().activeElement().sendKeys(Keys.ARROW_DOWN);
      await().atMost(Duration.ofSeconds(20)).until(() ->
          api.get("/api/settings/company").json().getInteger("notificationDelaySeconds") == 300);
      b.until(d -> d.findElement(By.id("toasts")).getText().contains("Notification emails wait 5 minutes"));
      b.until(d -> select.isEnabled() && select.equals(d.switchTo().activeElement()));

      // a value set through the API that is not one of the choices is shown as it is
      assertThat(api.put("/api/settings/company", new JsonObject().put("notificationDelaySeconds", 45)).status()).isEqualTo(200);
      b.go("#/inbox");
      b.go("#/settings/company");
      b.until(d -> new Select(d.findElement(By.id("notification-delay"))).getFirstSelectedOption().getText().equals("45 seconds"));

      b.resize(390, 844);
      b.js("document.getElementById('notification-delay').scrollIntoView({block: 'center'})");
      b.screenshot("notification-delay-390.png");
      assertThat(b.js("return document.documentElement.scrollWidth <= document.documentElement.clientWidth"))
          .as("Company Settings fit 390 px without scrolling sideways").isEqualTo(true);
      problems.addAll(UndeliveredEmailInTheBrowserTest.axe(b, "notification delay at 390 px"));
      assertThat(problems).isEmpty();
      assertThat(b.consoleErrors()).as("no errors but the sign-in page's check for a session")
          .allMatch(e -> e.contains("/api/me") && e.contains("401"));
    }
  }
}
