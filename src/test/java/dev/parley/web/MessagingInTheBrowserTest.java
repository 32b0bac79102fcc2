package dev.parley.web;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web app in a real headless Chromium against a real node: people in separate browser sessions
 * see each other's messages and read receipts arrive live, without reloading.
 */
class MessagingInTheBrowserTest {

  static TestNode node;
  static Api api;
  final List<Browser> browsers = new ArrayList<>();

  @BeforeAll
  static void start() {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    if (!ci) {
      assumeTrue(Browser.available(), "Debian's chromium and chromium-driver are not installed");
    }
    assumeTrue(Browser.bundled() || ci,
        "the browser app was not bundled (the Maven build bundles it unless -DskipWebBuild=true)");
    node = TestNode.start();
    api = node.api();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @AfterEach
  void closeBrowsers(org.junit.jupiter.api.TestInfo test) {
    Browser.closeAll(browsers, test.getTestMethod().map(m -> m.getName()).orElse("test"));
  }

  Browser browser(String name) {
    Browser b = Browser.open(name, node.baseUrl());
    browsers.add(b);
    return b;
  }

  Browser signedIn(String name, Fixtures.Person person) {
    Browser b = browser(name).signIn(person.email(), Fixtures.PASSWORD);
    b.waitLive();
    return b;
  }

  @Test
  void aMessageAndItsReadReceiptTravelLiveBetweenStaffAndClient() {
    Fixtures.Company co = node.fixtures().company("Harbor Wealth");
    Fixtures.Person alex = co.staff("Alex Morgan");
    Fixtures.Person casey = co.staff("Casey Quinn");
    Fixtures.Person blair = co.client("Blair Client", alex);

    // Earlier conversations Blair has already read.
    Api.Session caseyApi = casey.login(api);
    Api.Session blairApi = blair.login(api);
    for (String[] earlier : new String[][] {
        {"Welcome to Harbor Wealth", "<p>Welcome aboard! This is where we will keep in touch securely.</p>"},
        {"Documents for your account", "<p>Please upload your <strong>ID</strong> and a recent statement when you can.</p>"}}) {
      Api.Response sent = caseyApi.post("/api/threads", new JsonObject().put("to", new JsonArray().add(blair.sid()))
          .put("subject", earlier[0]).put("bodyHtml", earlier[1]).put("readReceipt", false));
      assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
      String threadId = sent.json().getJsonObject("thread").getString("id");
      assertThat(blairApi.post("/api/threads/" + threadId + "/read", new JsonObject()).status()).isEqualTo(204);
    }

    Browser a = signedIn("Alex", alex);
    Browser b = signedIn("Blair", blair);
    Browser c = signedIn("Casey", casey);
    b.markPage();

    // Alex writes with the editor: "c" opens New Message.
    a.driver.findElement(By.tagName("body")).sendKeys("c");
    a.waitFor(By.cssSelector("#compose-form"));
    pick(a, "to", "Blair");
    pick(a, "cc", "Casey");
    a.driver.findElement(By.cssSelector("#compose-form input[name=subject]")).sendKeys("Your quarterly review");
    WebElement editor = a.driver.findElement(By.cssSelector("#compose-form .ql-editor"));
    editor.click();
    editor.sendKeys("Hello Blair, the review is ");
    editor.sendKeys(Keys.chord(Keys.CONTROL, "b"));
    editor.sendKeys("ready");
    editor.sendKeys(Keys.chord(Keys.CONTROL, "b"));
    editor.sendKeys(". Please take a look.");
    a.driver.findElement(By.cssSelector("#compose-form input[name=readReceipt]")).click();
    a.until(d -> d.findElements(By.cssSelector("#compose-form .ql-editor strong")).size() == 1);
    a.resize(1280, 1120);
    a.js("window.scrollTo(0, 0)");
    a.screenshot("composer.png");
    a.resize(1280, 900);
    editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));

    // Alex lands on the new thread; Blair has not read it yet.
    a.waitFor(By.cssSelector("main[data-loaded=true] .message"));
    assertThat(a.driver.findElement(By.cssSelector(".thread-title")).getText()).isEqualTo("Your quarterly review");
    String blairReceipt = ".message [data-recipient-id='" + blair.sid() + "'] .receipt";
    assertThat(a.waitFor(By.cssSelector(blairReceipt)).getText()).isEqualTo("Not read");

    // Blair's inbox shows it without a reload, unread, with the count in the title.
    WebElement row = b.waitFor(By.xpath("//li[contains(@class,'thread-row') and contains(@class,'unread')]"
        + "[.//div[@class='thread-subject' and text()='Your quarterly review']]"));
    assertThat(row.findElement(By.className("thread-sender")).getText()).isEqualTo("Alex Morgan");
    assertThat(row.findElement(By.className("thread-snippet")).getText()).contains("the review is ready");
    assertThat(row.findElement(By.className("unread-badge")).getText()).isEqualTo("1");
    b.until(d -> d.getTitle().startsWith("(1) Inbox"));
    assertThat(b.pageKept()).isTrue();
    b.screenshot("inbox.png");

    // Casey, a second staff member on the thread, opens it too.
    c.waitFor(By.xpath("//div[@class='thread-subject' and text()='Your quarterly review']")).click();
    c.waitFor(By.cssSelector("main[data-loaded=true] .message"));
    c.markPage();
    assertThat(c.waitFor(By.cssSelector(blairReceipt)).getText()).isEqualTo("Not read");
    a.markPage();

    // Blair opens it: sanitized rich text, sender and recipients as a client may see them.
    row.findElement(By.className("thread-link")).click();
    WebElement message = b.waitFor(By.cssSelector("main[data-loaded=true] .message"));
    assertThat(message.findElement(By.cssSelector(".message-body strong")).getText()).isEqualTo("ready");
    assertThat(message.findElement(By.cssSelector(".message-from")).getText()).contains("Alex Morgan");
    b.until(d -> d.getTitle().equals("Your quarterly review · Parley"));

    // Both staff see "Read hh:mm" for Blair without reloading.
    a.until(d -> d.findElement(By.cssSelector(blairReceipt)).getText().startsWith("Read "));
    c.until(d -> d.findElement(By.cssSelector(blairReceipt)).getText().startsWith("Read "));
    assertThat(a.pageKept()).isTrue();
    assertThat(c.pageKept()).isTrue();
    a.screenshot("thread.png");
    b.screenshot("thread-client.png");

    // Blair replies with Ctrl+Enter from the reply box; Alex sees the reply arrive.
    b.driver.findElement(By.tagName("body")).sendKeys("r");
    WebElement reply = b.waitFor(By.cssSelector("#reply-form .ql-editor"));
    b.until(d -> reply.equals(d.switchTo().activeElement()));
    reply.sendKeys("Thank you, I will read it tonight.");
    reply.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    a.until(d -> d.findElements(By.cssSelector(".message")).size() == 2);
    assertThat(a.driver.findElements(By.cssSelector(".message .message-body")).get(1).getText())
        .isEqualTo("Thank you, I will read it tonight.");

    // Back in her inbox, a note from Casey changes the conversation's row and the unread count in
    // place: the event carries the row, so the inbox is not fetched again.
    b.go("#/inbox");
    b.waitFor(By.cssSelector("main[data-loaded=true] .thread-row"));
    String review = caseyApi.get("/api/inbox").json().getJsonArray("threads").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("subject").equals("Your quarterly review")).findFirst().orElseThrow().getString("id");
    String inboxFetches = "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/inbox')).length";
    Object fetched = b.js(inboxFetches);
    assertThat(caseyApi.post("/api/threads/" + review + "/messages", new JsonObject()
        .put("bodyHtml", "<p>One more thing: bring your ID.</p>")).status()).isEqualTo(201);
    String reviewRow = "//li[contains(@class,'thread-row') and contains(@class,'unread')][@data-thread-id='" + review + "']";
    b.until(d -> d.findElements(By.xpath(reviewRow + "[.//div[@class='thread-snippet' and text()='One more thing: bring your ID.']]"))
        .size() == 1);
    assertThat(b.driver.findElement(By.xpath(reviewRow + "//span[contains(@class,'unread-badge')]")).getText()).isEqualTo("1");
    assertThat(b.driver.findElement(By.xpath(reviewRow + "//span[@class='thread-sender']")).getText()).isEqualTo("Casey Quinn");
    b.until(d -> "1".equals(d.findElement(By.id("nav-unread")).getText()));
    assertThat(b.js(inboxFetches)).isEqualTo(fetched);

    b.resize(360, 780);
    b.screenshot("inbox-360.png");
    a.resize(360, 780);
    a.screenshot("thread-360.png");
    assertFitsNarrowScreen(a);
    assertFitsNarrowScreen(b);
  }

  @Test
  void ctrlSlashOpensTheShortcutReferenceAndShortcutsNeverFireWhileTyping() {
    Fixtures.Company co = node.fixtures().company("Shortcut Partners");
    Fixtures.Person sam = co.staff("Sam Keys");
    Fixtures.Person cleo = co.client("Cleo Client", sam);
    Api.Session s = sam.login(api);
    for (String subject : List.of("First topic", "Second topic", "Third topic")) {
      assertThat(s.post("/api/threads", new JsonObject().put("to", new JsonArray().add(cleo.sid()))
          .put("subject", subject).put("bodyHtml", "<p>About the " + subject.toLowerCase() + ".</p>")
          .put("readReceipt", false)).status()).isEqualTo(201);
    }
    Browser b = browser("Sam").signIn(sam.email(), Fixtures.PASSWORD);
    b.waitFor(By.cssSelector(".thread-row"));

    WebElement body = b.driver.findElement(By.tagName("body"));
    new Actions(b.driver).keyDown(Keys.CONTROL).sendKeys("/").keyUp(Keys.CONTROL).perform();
    WebElement help = b.waitFor(By.id("shortcut-help"));
    assertThat(help.getText()).contains("New message", "Next conversation", "Back to the list", "Search the list");
    b.screenshot("shortcuts.png");
    new Actions(b.driver).sendKeys(Keys.ESCAPE).perform();
    b.until(d -> d.findElements(By.id("shortcut-help")).isEmpty());

    // The icon opens it too.
    b.driver.findElement(By.id("shortcuts-button")).click();
    b.waitFor(By.id("shortcut-help"));
    new Actions(b.driver).sendKeys(Keys.ESCAPE).perform();
    b.until(d -> d.findElements(By.id("shortcut-help")).isEmpty());

    // j/k move through the inbox, o opens, u goes back.
    body.sendKeys("j");
    b.until(d -> d.findElement(By.cssSelector(".thread-link[aria-current=true] .thread-subject")).getText().equals("Second topic"));
    body = b.driver.switchTo().activeElement();
    body.sendKeys("k");
    b.until(d -> d.findElement(By.cssSelector(".thread-link[aria-current=true] .thread-subject")).getText().equals("Third topic"));
    b.driver.switchTo().activeElement().sendKeys("o");
    b.until(d -> d.findElements(By.cssSelector(".thread-title")).stream().anyMatch(t -> t.getText().equals("Third topic")));
    b.driver.findElement(By.tagName("body")).sendKeys("u");
    b.waitFor(By.id("inbox-search"));

    // "/" focuses search; typing "c" and "j" there searches instead of composing or moving.
    b.driver.findElement(By.tagName("body")).sendKeys("/");
    b.until(d -> "inbox-search".equals(d.switchTo().activeElement().getAttribute("id")));
    b.driver.switchTo().activeElement().sendKeys("cj");
    assertThat(b.driver.getCurrentUrl()).endsWith("#/inbox");
    assertThat(b.driver.findElement(By.id("inbox-search")).getAttribute("value")).isEqualTo("cj");
  }

  @Test
  void turningOnConvenienceModeShowsTheHipaaWarningAndNeedsConfirmation() {
    Fixtures.Company co = node.fixtures().company("Convenient Advisors");
    Fixtures.Person ada = co.admin("Ada Admin");
    Api.Session admin = ada.login(api);
    Browser b = browser("Ada").signIn(ada.email(), Fixtures.PASSWORD);

    b.go("#/settings/company");
    WebElement toggle = b.waitFor(By.cssSelector("#company-settings [data-toggle=convenienceMode] label"));
    WebElement state = b.driver.findElement(By.cssSelector("#company-settings input[name=convenienceMode]"));
    assertThat(state.isSelected()).isFalse();
    assertThat(b.driver.findElement(By.id("mode-pill")).getText()).isEqualTo("Secure Mode is on");

    // Turning it on asks first, with the warning; cancelling leaves Secure Mode on.
    toggle.click();
    WebElement dialog = b.waitFor(By.cssSelector("dialog.convenience-dialog"));
    assertThat(dialog.getText()).contains("HIPAA compliance cannot be guaranteed", "you should NOT enable this setting");
    WebElement confirm = dialog.findElement(By.cssSelector("[data-action=true]"));
    assertThat(confirm.isEnabled()).isFalse();
    b.screenshot("settings-convenience-confirm.png");
    dialog.findElement(By.cssSelector("[data-action=false]")).click();
    b.until(d -> d.findElements(By.cssSelector("dialog.convenience-dialog")).isEmpty());
    assertThat(state.isSelected()).isFalse();
    assertThat(admin.get("/api/settings/company").json().getBoolean("convenienceMode")).isFalse();

    // Confirming (after acknowledging the warning) turns it on, and the warning stays in view.
    toggle.click();
    dialog = b.waitFor(By.cssSelector("dialog.convenience-dialog"));
    dialog.findElement(By.id("hipaa-ack")).click();
    WebElement turnOn = dialog.findElement(By.cssSelector("[data-action=true]"));
    b.until(d -> turnOn.isEnabled());
    turnOn.click();
    b.until(d -> d.findElement(By.id("mode-pill")).getText().equals("Convenience Mode is on"));
    assertThat(b.waitFor(By.id("hipaa-warning")).getText()).contains("HIPAA compliance cannot be guaranteed");
    assertThat(admin.get("/api/settings/company").json().getBoolean("convenienceMode")).isTrue();
    b.screenshot("settings-company.png");
    b.resize(360, 780);
    b.screenshot("settings-company-360.png");
    assertFitsNarrowScreen(b);
    b.resize(1280, 900);

    // Turning it off needs no confirmation.
    toggle.click();
    b.until(d -> d.findElement(By.id("mode-pill")).getText().equals("Secure Mode is on"));
    assertThat(admin.get("/api/settings/company").json().getBoolean("convenienceMode")).isFalse();
  }

  @Test
  void aContactsComposeOffersOnlyTheStaffTheAdminDesignated() {
    Fixtures.Company co = node.fixtures().company("Designated Partners");
    Fixtures.Person ada = co.admin("Ada Admin");
    Fixtures.Person dora = co.staff("Dora Designated");
    Fixtures.Person olly = co.staff("Olly Other");
    Fixtures.Person cleo = co.client("Cleo Client", olly);
    co.client("Carl Client", olly);

    // Before any restriction Cleo starts a message to Olly, her coordinator.
    Browser b = browser("Cleo").signIn(cleo.email(), Fixtures.PASSWORD);
    b.go("#/compose");
    pick(b, "to", "Olly");
    b.driver.findElement(By.cssSelector("#compose-form input[name=subject]")).sendKeys("A question");
    WebElement body = b.driver.findElement(By.cssSelector("#compose-form .ql-editor"));
    body.click();
    body.sendKeys("Can we talk on Friday?");

    // Meanwhile the admin designates Dora alone in Messaging Settings.
    Browser admin = browser("Ada").signIn(ada.email(), Fixtures.PASSWORD);
    admin.go("#/settings/messaging");
    WebElement designate = admin.waitFor(By.cssSelector("#messaging-settings [data-toggle=designate] label"));
    designate.click();
    pick(admin, "designated-users", "Dora");
    admin.screenshot("settings-messaging.png");
    admin.driver.findElement(By.cssSelector("#messaging-settings button[type=submit]")).click();
    admin.waitFor(By.xpath("//div[contains(@class,'toast')]//span[text()='Messaging settings saved']"));
    JsonObject saved = ada.login(api).get("/api/settings/messaging").json();
    assertThat(saved.getJsonObject("designated").getJsonArray("userIds").getList()).containsExactly(dora.sid());

    // The server refuses Olly now, and says so next to the To field.
    b.driver.findElement(By.id("send-message")).click();
    assertThat(b.waitFor(By.cssSelector("[data-field=to] .field-error")).getText())
        .isEqualTo("You cannot message Olly Other. Remove them and try again.");
    b.screenshot("composer-error.png");
    b.driver.findElement(By.cssSelector("[data-picker=to] .chip-remove")).click();

    // Cleo's To picker offers Dora and no one else: not Olly, not the admin, not another client.
    WebElement to = b.driver.findElement(By.cssSelector("[data-picker=to] input"));
    b.until(d -> settled(b, "to") && optionNames(b, "to").equals(List.of("Dora Designated")));
    to.sendKeys("o");
    b.until(d -> settled(b, "to") && optionNames(b, "to").equals(List.of("Dora Designated")));
    b.screenshot("composer-contact.png");
    b.resize(360, 780);
    b.screenshot("composer-360.png");
    assertFitsNarrowScreen(b);
    b.resize(1280, 900);

    // Typing Olly's name finds no one.
    to.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Olly");
    b.until(d -> settled(b, "to") && d.findElement(By.cssSelector("[data-picker=to] .picker-list")).getText().contains("No one matches"));
    assertThat(optionNames(b, "to")).isEmpty();

    // Choosing Dora sends.
    to.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
    pick(b, "to", "Dora");
    b.driver.findElement(By.id("send-message")).click();
    b.until(d -> d.findElements(By.cssSelector(".thread-title")).stream().anyMatch(t -> t.getText().equals("A question")));
  }

  @Test
  void aCannedResponseSavedInTheManagerIsInsertedIntoANewMessage() {
    Fixtures.Company co = node.fixtures().company("Canned Counsel");
    Fixtures.Person sam = co.staff("Sam Saver");
    Browser b = browser("Sam");

    // A wrong password is answered on the sign-in page itself.
    b.driver.get(node.baseUrl() + "/");
    b.waitFor(By.cssSelector(".signin-form input[name=email]")).sendKeys(sam.email());
    b.driver.findElement(By.cssSelector(".signin-form input[name=password]")).sendKeys("not-the-password");
    b.driver.findElement(By.cssSelector(".signin-form button[type=submit]")).click();
    assertThat(b.waitFor(By.cssSelector(".signin-form .banner-error")).getText())
        .isEqualTo("That email and password do not match an account.");
    b.screenshot("signin.png");
    b.signIn(sam.email(), Fixtures.PASSWORD);

    b.go("#/canned");
    b.waitFor(By.id("new-canned")).click();
    b.waitFor(By.cssSelector(".canned-form input[name=title]")).sendKeys("Office hours");
    WebElement body = b.driver.findElement(By.cssSelector(".canned-form .ql-editor"));
    body.click();
    body.sendKeys("We are open Monday to Friday, 9 to 5.");
    b.driver.findElement(By.cssSelector(".canned-form [data-toggle=shared] label")).click();
    b.driver.findElement(By.cssSelector(".canned-form button[type=submit]")).click();
    WebElement item = b.waitFor(By.cssSelector("#canned-list .canned-item"));
    assertThat(item.getText()).contains("Office hours", "Shared", "We are open Monday to Friday, 9 to 5.");
    b.screenshot("canned-responses.png");

    b.go("#/compose");
    WebElement canned = b.waitFor(By.id("canned-select"));
    b.until(d -> canned.isEnabled());
    new org.openqa.selenium.support.ui.Select(canned).selectByVisibleText("Office hours (shared)");
    b.until(d -> d.findElement(By.cssSelector("#compose-form .ql-editor")).getText()
        .contains("We are open Monday to Friday, 9 to 5."));
    assertThat(b.driver.findElement(By.cssSelector("#compose-form input[name=subject]")).getAttribute("value"))
        .isEqualTo("Office hours");

    // Sending without a recipient is refused next to the To field.
    b.driver.findElement(By.id("send-message")).click();
    assertThat(b.waitFor(By.cssSelector("[data-field=to] .field-error")).getText()).isEqualTo("Choose at least one recipient.");
  }

  @Test
  void afterTheConnectionDropsTheInboxCatchesUpWithoutAReload() {
    TestNode own = TestNode.start();
    TestNode restarted = null;
    boolean ownClosed = false;
    try {
      Fixtures.Company co = own.fixtures().company("Reconnect Advisors");
      Fixtures.Person rae = co.staff("Rae Staff");
      Fixtures.Person cole = co.client("Cole Client", rae);
      Browser b = Browser.open("Cole", own.baseUrl());
      browsers.add(b);
      b.signIn(cole.email(), Fixtures.PASSWORD);
      b.waitLive();
      b.markPage();

      // The node goes away: the page says so, quietly, and keeps its place.
      b.driver.executeCdpCommand("Network.enable", java.util.Map.of());
      b.driver.executeCdpCommand("Network.setBlockedURLs", java.util.Map.of("urls", List.of("*/eventbus/*")));
      own.close();
      ownClosed = true;
      b.until(d -> d.findElement(By.id("live-indicator")).isDisplayed());
      assertThat(b.driver.findElement(By.id("live-indicator")).getText()).isEqualTo("Reconnecting…");

      // It comes back; a message is sent while this browser is not subscribed.
      restarted = TestNode.startWith(own.env());
      Api.Session s = rae.login(restarted.api());
      assertThat(s.post("/api/threads", new JsonObject().put("to", new JsonArray().add(cole.sid()))
          .put("subject", "Sent while you were away").put("bodyHtml", "<p>Catch-up works.</p>")
          .put("readReceipt", false)).status()).isEqualTo(201);
      b.driver.executeCdpCommand("Network.setBlockedURLs", java.util.Map.of("urls", List.of()));

      java.time.Duration reconnect = java.time.Duration.ofSeconds(40);
      b.until(reconnect, d -> "open".equals(b.js("return document.documentElement.dataset.live")));
      b.until(reconnect, d -> !d.findElements(By.xpath("//div[@class='thread-subject' and text()='Sent while you were away']")).isEmpty());
      b.until(d -> !d.findElement(By.id("live-indicator")).isDisplayed());
      assertThat(b.pageKept()).isTrue();
    } finally {
      if (!ownClosed) {
        own.close();
      }
      if (restarted != null) {
        restarted.close();
      }
    }
  }

  @Test
  void deactivatingSomeoneSendsTheirOpenBrowserBackToSignIn() {
    Fixtures.Company co = node.fixtures().company("Offboarding Partners");
    Fixtures.Person ada = co.admin("Ada Admin");
    Fixtures.Person dee = co.client("Dee Departing", ada);
    Browser b = signedIn("Dee", dee);

    Api.Response off = ada.login(api).patch("/api/admin/users/" + dee.sid(), new JsonObject().put("active", false));
    assertThat(off.status()).as(off.toString()).isEqualTo(200);

    // The server closes the live socket; the page notices without any click and asks to sign in again.
    assertThat(b.waitFor(By.cssSelector(".signin-form .banner-info")).getText())
        .isEqualTo("Your session has ended. Sign in again to continue.");
    assertThat(b.driver.findElements(By.cssSelector(".topbar"))).isEmpty();
  }

  @Test
  void leavingAConversationTakesItOutOfTheInboxAndRepliesNoLongerReachIt() {
    Fixtures.Company co = node.fixtures().company("Quiet Harbour");
    Fixtures.Person alex = co.staff("Alex Morgan");
    Fixtures.Person casey = co.staff("Casey Quinn");
    Fixtures.Person blair = co.client("Blair Client", alex);
    Api.Session alexApi = alex.login(api);
    String leaving = alexApi.startThread("Old paperwork", "<p>Old paperwork</p>", blair, casey);
    String staying = alexApi.startThread("Your renewal", "<p>Your renewal</p>", blair);

    Browser b = signedIn("Blair", blair);
    Browser other = signedIn("Blair elsewhere", blair);
    other.waitFor(By.cssSelector("li.thread-row[data-thread-id='" + leaving + "']"));
    b.waitFor(By.cssSelector("li.thread-row[data-thread-id='" + leaving + "'] a.thread-link")).click();
    b.waitFor(By.cssSelector("main[data-loaded=true] .message"));

    // Cancelling keeps the conversation.
    b.waitFor(By.id("leave-thread")).click();
    WebElement dialog = b.waitFor(By.cssSelector("dialog.dialog-danger"));
    assertThat(dialog.getText()).contains("Leave this conversation?", "replies in it no longer reach you");
    b.screenshot("thread-leave-confirm.png");
    dialog.findElement(By.cssSelector("[data-action=false]")).click();
    b.until(d -> d.findElements(By.cssSelector("dialog")).isEmpty());
    assertThat(inboxIds(blair.login(api))).contains(leaving);

    // Confirming leaves it: back to the inbox, where it is gone, here and in Blair's other browser.
    b.waitFor(By.id("leave-thread")).click();
    b.waitFor(By.cssSelector("dialog.dialog-danger [data-action=true]")).click();
    b.until(d -> d.getCurrentUrl().endsWith("#/inbox"));
    b.waitFor(By.cssSelector("main[data-loaded=true] li.thread-row[data-thread-id='" + staying + "']"));
    assertThat(b.driver.findElements(By.cssSelector("li.thread-row[data-thread-id='" + leaving + "']"))).isEmpty();
    other.until(d -> d.findElements(By.cssSelector("li.thread-row[data-thread-id='" + leaving + "']")).isEmpty());

    // Alex's reply there reaches Casey but no longer Blair; the other conversation still does.
    Api.Response reply = alexApi.post("/api/threads/" + leaving + "/messages", new JsonObject().put("bodyHtml", "<p>Anyone?</p>"));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    Api.Response other2 = alexApi.post("/api/threads/" + staying + "/messages", new JsonObject().put("bodyHtml", "<p>Signed copy attached.</p>"));
    assertThat(other2.status()).as(other2.toString()).isEqualTo(201);
    b.waitFor(By.xpath("//li[@data-thread-id='" + staying + "']//*[contains(@class,'thread-snippet')][contains(., 'Signed copy')]"));
    assertThat(inboxIds(blair.login(api))).containsExactly(staying);
    assertThat(inboxIds(casey.login(api))).containsExactly(leaving);
  }

  static List<String> inboxIds(Api.Session session) {
    return session.get("/api/inbox").json().getJsonArray("threads").stream()
        .map(t -> ((JsonObject) t).getString("id")).toList();
  }

  @Test
  void everyScreenPassesAnAutomatedAccessibilityCheck() {
    Fixtures.Company co = node.fixtures().company("Accessible Advisors");
    Fixtures.Person ada = co.admin("Ada Admin");
    Fixtures.Person cleo = co.client("Cleo Client", ada);
    Api.Response sent = ada.login(api).post("/api/threads", new JsonObject().put("to", new JsonArray().add(cleo.sid()))
        .put("subject", "Checking in").put("bodyHtml", "<p>How are <em>you</em>?</p>").put("readReceipt", true));
    assertThat(sent.status()).isEqualTo(201);
    String threadId = sent.json().getJsonObject("thread").getString("id");

    Browser b = browser("Ada");
    b.driver.get(node.baseUrl() + "/");
    b.waitFor(By.cssSelector(".signin-form input[name=email]"));
    List<String> problems = new ArrayList<>();
    record("sign-in", b, problems);
    b.signIn(ada.email(), Fixtures.PASSWORD);
    b.waitFor(By.cssSelector(".thread-row"));
    record("inbox", b, problems);
    b.go("#/thread/" + threadId);
    b.waitFor(By.cssSelector("main[data-loaded=true] .message"));
    record("thread", b, problems);
    b.go("#/compose");
    b.waitFor(By.id("compose-form"));
    record("composer", b, problems);
    b.go("#/settings/messaging");
    b.waitFor(By.id("messaging-settings"));
    record("messaging settings", b, problems);
    b.go("#/settings/company");
    b.waitFor(By.id("company-settings"));
    record("company settings", b, problems);
    b.go("#/canned");
    b.waitFor(By.id("new-canned")).click();
    b.waitFor(By.cssSelector(".canned-form"));
    record("canned responses", b, problems);
    b.driver.findElement(By.id("shortcuts-button")).click();
    b.waitFor(By.id("shortcut-help"));
    record("shortcut reference", b, problems);
    b.resize(360, 780);
    new Actions(b.driver).sendKeys(Keys.ESCAPE).perform();
    b.go("#/inbox");
    b.waitFor(By.cssSelector("main[data-loaded=true] .thread-row"));
    record("inbox at 360 px", b, problems);
    assertThat(problems).isEmpty();
  }

  static void record(String screen, Browser b, List<String> problems) {
    List<String> found = b.accessibilityProblems();
    assumeTrue(found != null, "axe-core is installed by npm ci in webroot");
    found.forEach(p -> problems.add(screen + ": " + p));
  }

  static void assertFitsNarrowScreen(Browser b) {
    assertThat(b.js("return document.documentElement.scrollWidth <= document.documentElement.clientWidth"))
        .as("%s's page fits 360 px without scrolling sideways", b.name).isEqualTo(true);
  }

  /**
   * The names a picker's open list shows, read in one script so that a list re-rendered meanwhile
   * cannot leave the test holding elements that no longer exist.
   */
  @SuppressWarnings("unchecked")
  static List<String> optionNames(Browser b, String picker) {
    return (List<String>) b.js("return Array.from(document.querySelectorAll("
        + "'[data-picker=' + arguments[0] + '] .picker-list:not([hidden]) .option-name')).map(e => e.textContent)", picker);
  }

  /** The picker shows the answer to what its input holds now, and no newer answer is on its way. */
  static boolean settled(Browser b, String picker) {
    return Boolean.TRUE.equals(b.js("const p = document.querySelector('[data-picker=' + arguments[0] + ']');"
        + "const list = p.querySelector('.picker-list');"
        + "return list.getAttribute('aria-busy') === 'false' && list.dataset.query === p.querySelector('input').value.trim();",
        picker));
  }

  /** Types part of a name into a picker and chooses the matching option. */
  static void pick(Browser b, String picker, String name) {
    WebElement input = b.waitFor(By.cssSelector("[data-picker=" + picker + "] input"));
    input.click();
    input.sendKeys(name);
    // Wait for the answer to all that was typed: until then each keystroke's answer replaces the list.
    b.until(d -> settled(b, picker) && optionNames(b, picker).stream().anyMatch(n -> n.startsWith(name)));
    By option = By.xpath("//*[@data-picker='" + picker + "']//li[@role='option'][.//span[@class='option-name' and starts-with(text(),'"
        + name + "')]]");
    b.waitFor(option).click();
    b.until(d -> !d.findElements(By.xpath("//*[@data-picker='" + picker + "']//li[contains(@class,'chip')]"
        + "[.//span[@class='chip-name' and starts-with(text(),'" + name + "')]]")).isEmpty());
  }
}
