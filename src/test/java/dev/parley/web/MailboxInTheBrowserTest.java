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
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.parley.web.MessagingInTheBrowserTest.assertFitsNarrowScreen;
import static dev.parley.web.MessagingInTheBrowserTest.pick;
import static dev.parley.web.MessagingInTheBrowserTest.record;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mailbox in a real headless Chromium against a real node: the views, drafts kept on the server
 * as one types, archive and mark unread followed live by the same person's other browser, the
 * keyboard, and the print layout.
 */
class MailboxInTheBrowserTest {

  static TestNode node;
  static Api api;
  final List<Browser> browsers = new ArrayList<>();

  @BeforeAll
  static void start() {
    Browser.assumeUsable();
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
  void closeBrowsers(TestInfo test) {
    Browser.closeAll(browsers, test.getTestMethod().map(m -> m.getName()).orElse("test"));
  }

  Browser signedIn(String name, Fixtures.Person person) {
    Browser b = Browser.open(name, node.baseUrl());
    browsers.add(b);
    b.signIn(person.email(), Fixtures.PASSWORD);
    b.waitLive();
    return b;
  }

  @Test
  void aDraftSurvivesAReloadLeavingTheScreenAndSigningOutAndSendingItRemovesIt() {
    Fixtures.Company co = node.fixtures().company("Draft Advisors");
    Fixtures.Person sam = co.staff("Sam Drafter");
    Fixtures.Person cleo = co.client("Cleo Client", sam);
    Api.Session samApi = sam.login(api);
    String thread = samApi.startThread("Your documents", "<p>Please send your documents.</p>", cleo);
    Browser b = signedIn("Sam", sam);

    // New Message saves itself as Sam types: "Saved", and the address names the draft.
    b.go("#/compose");
    pick(b, "to", "Cleo");
    b.driver.findElement(By.cssSelector("#compose-form input[name=subject]")).sendKeys("Plan for March");
    WebElement editor = b.driver.findElement(By.cssSelector("#compose-form .ql-editor"));
    editor.click();
    editor.sendKeys("A draft that must survive");
    b.until(d -> d.findElement(By.cssSelector("#compose-form .draft-status")).getText().equals("Saved"));
    b.until(d -> d.getCurrentUrl().matches(".*#/compose/[0-9a-f-]{36}$"));
    assertThat(drafts(samApi)).hasSize(1);

    // A reload opens the same draft, recipients, subject and text.
    b.driver.navigate().refresh();
    b.until(d -> d.findElements(By.cssSelector("[data-picker=to] .chip-name")).stream().anyMatch(c -> c.getText().equals("Cleo Client")));
    assertThat(b.driver.findElement(By.cssSelector("#compose-form input[name=subject]")).getAttribute("value")).isEqualTo("Plan for March");
    editor = b.waitFor(By.cssSelector("#compose-form .ql-editor"));
    assertThat(editor.getText()).isEqualTo("A draft that must survive");

    // Typing and leaving at once (before the pause that saves) still keeps the text.
    editor.click();
    editor.sendKeys(Keys.END, ", even when left at once");
    b.driver.findElement(By.cssSelector(".sidebar a[data-nav='#/inbox']")).click();
    b.waitFor(By.cssSelector("#thread-list[data-view=inbox][data-loaded=true]"));
    b.until(d -> drafts(samApi).size() == 1
        && drafts(samApi).getJsonObject(0).getString("bodyHtml").contains("even when left at once"));

    // Drafts lists it with its count; a reply typed in the thread joins it.
    b.go("#/drafts");
    WebElement row = b.waitFor(By.cssSelector("li.draft-row"));
    assertThat(row.findElement(By.className("thread-subject")).getText()).isEqualTo("Plan for March");
    assertThat(row.findElement(By.className("thread-sender")).getText()).contains("Cleo Client");
    assertThat(row.findElement(By.className("thread-snippet")).getText()).isEqualTo("A draft that must survive, even when left at once");
    b.until(d -> d.findElement(By.id("nav-count-drafts")).getText().equals("1"));

    b.go("#/thread/" + thread);
    WebElement reply = b.waitFor(By.cssSelector("#reply-form .ql-editor"));
    b.waitFor(By.cssSelector("main[data-loaded=true] .message"));
    reply.click();
    reply.sendKeys("Reply in progress");
    b.until(d -> d.findElement(By.cssSelector("#reply-form .draft-status")).getText().equals("Saved"));

    // Signing out and in again (another sign-in, like another device) finds the reply waiting.
    b.driver.findElement(By.cssSelector(".user-button")).click();
    b.waitFor(By.xpath("//*[@id='user-menu']//button[contains(., 'Sign out')]")).click();
    b.waitFor(By.cssSelector(".signin-form input[name=email]"));
    b.signIn(sam.email(), Fixtures.PASSWORD);
    b.go("#/drafts");
    b.until(d -> d.findElements(By.cssSelector("li.draft-row")).size() == 2);
    b.waitFor(By.cssSelector("li.draft-row[data-thread-id='" + thread + "'] a.thread-link")).click();
    b.until(d -> d.findElement(By.cssSelector("#reply-form .ql-editor")).getText().equals("Reply in progress"));

    // Sending the reply removes its draft; so does sending the new message from Drafts.
    b.driver.findElement(By.cssSelector("#reply-form .ql-editor")).sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    b.until(d -> d.findElements(By.cssSelector(".message")).size() == 2);
    b.until(d -> drafts(samApi).size() == 1);
    b.go("#/drafts");
    b.waitFor(By.cssSelector("li.draft-row a.thread-link")).click();
    b.until(d -> d.findElement(By.cssSelector("#compose-form .ql-editor")).getText().startsWith("A draft that must survive"));
    b.driver.findElement(By.id("send-message")).click();
    b.waitFor(By.cssSelector("main[data-loaded=true] .thread-title"));
    assertThat(b.driver.findElement(By.cssSelector(".thread-title")).getText()).isEqualTo("Plan for March");
    b.until(d -> drafts(samApi).isEmpty());
    b.go("#/drafts");
    b.waitFor(By.xpath("//li[contains(@class,'list-empty')]//*[text()='No drafts']"));
    b.until(d -> !d.findElement(By.id("nav-count-drafts")).isDisplayed());
  }

  @Test
  void archivingAndMarkingUnreadShowInMyOtherBrowserLiveAndANewMessageBringsTheThreadBack() {
    Fixtures.Company co = node.fixtures().company("Archive Partners");
    Fixtures.Person sam = co.staff("Sam Sender");
    Fixtures.Person cleo = co.client("Cleo Reader", sam);
    Api.Session samApi = sam.login(api);
    String archived = samApi.startThread("Old statement", "<p>Your old statement.</p>", cleo);
    String kept = samApi.startThread("Current plan", "<p>Your plan.</p>", cleo);
    Api.Session cleoApi = cleo.login(api);
    for (String t : List.of(archived, kept)) {
      assertThat(cleoApi.post("/api/threads/" + t + "/read", new JsonObject()).status()).isEqualTo(204);
    }

    Browser here = signedIn("Cleo", cleo);
    Browser there = signedIn("Cleo elsewhere", cleo);
    String archivedRow = "li.thread-row[data-thread-id='" + archived + "']";
    there.waitFor(By.cssSelector(archivedRow));
    there.markPage();

    // Archive from the thread: it leaves the inbox here and, live, in the other browser.
    here.waitFor(By.cssSelector(archivedRow + " a.thread-link")).click();
    here.waitFor(By.cssSelector("main[data-loaded=true] .message"));
    here.waitFor(By.id("archive-thread")).click();
    here.until(d -> d.getCurrentUrl().endsWith("#/inbox"));
    there.until(d -> d.findElements(By.cssSelector(archivedRow)).isEmpty());
    assertThat(there.driver.findElements(By.cssSelector("li.thread-row[data-thread-id='" + kept + "']"))).hasSize(1);
    assertThat(there.pageKept()).isTrue();

    // In Archived it opens read-only, with the banner and a way back.
    here.go("#/archived");
    here.waitFor(By.cssSelector(archivedRow + " a.thread-link")).click();
    WebElement banner = here.waitFor(By.id("readonly-banner"));
    assertThat(banner.getText()).contains("Archived — a new message brings it back");
    assertThat(here.driver.findElement(By.id("reply-form")).isDisplayed()).isFalse();
    here.go("#/inbox");

    // Sam writes again: the thread comes back to both of Cleo's inboxes without a reload.
    assertThat(samApi.post("/api/threads/" + archived + "/messages", new JsonObject().put("bodyHtml", "<p>A correction.</p>")).status())
        .isEqualTo(201);
    there.waitFor(By.cssSelector(archivedRow + ".unread"));
    here.waitFor(By.cssSelector(archivedRow + ".unread"));
    assertThat(there.pageKept()).isTrue();

    // Cleo reads it here; the other browser's count goes to nothing, and "mark as unread" raises it again.
    here.waitFor(By.cssSelector(archivedRow + " a.thread-link")).click();
    here.waitFor(By.cssSelector("main[data-loaded=true] .message"));
    there.until(d -> !d.findElement(By.id("nav-unread")).isDisplayed());
    // The thread opened scrolled to its newest message; its head is at the top.
    here.js("window.scrollTo(0, 0)");
    here.waitFor(By.id("mark-unread")).click();
    here.until(d -> d.getCurrentUrl().endsWith("#/inbox"));
    there.until(d -> d.findElement(By.id("nav-unread")).isDisplayed() && d.findElement(By.id("nav-unread")).getText().equals("1"));
    there.waitFor(By.cssSelector(archivedRow + ".unread"));
    there.until(d -> d.findElement(By.id("nav-count-unread")).getText().equals("1"));
    assertThat(there.pageKept()).isTrue();

    // Unarchive from an inbox row's action in Archived brings a thread back too.
    there.waitFor(By.cssSelector("li.thread-row[data-thread-id='" + kept + "'] button[data-action=archive]")).click();
    here.until(d -> d.findElements(By.cssSelector("li.thread-row[data-thread-id='" + kept + "']")).isEmpty());
    there.go("#/archived");
    there.waitFor(By.cssSelector("li.thread-row[data-thread-id='" + kept + "'] button[data-action=unarchive]")).click();
    here.waitFor(By.cssSelector("li.thread-row[data-thread-id='" + kept + "']"));

    // "Mark unread from here" on a message does the same from that message on.
    there.go("#/inbox");
    there.waitFor(By.cssSelector("li.thread-row[data-thread-id='" + kept + "']:not(.unread)"));
    here.go("#/thread/" + kept);
    here.waitFor(By.cssSelector("main[data-loaded=true] .message .mark-unread-here")).click();
    here.until(d -> d.getCurrentUrl().endsWith("#/inbox"));
    there.waitFor(By.cssSelector("li.thread-row.unread[data-thread-id='" + kept + "']"));
  }

  @Test
  void sentArchivedAndDraftsListTheRightThreadsAndTheKeyboardMovesBetweenThem() {
    Fixtures.Company co = node.fixtures().company("Keyboard Advisors");
    Fixtures.Person sam = co.staff("Sam Keys");
    Fixtures.Person cleo = co.client("Cleo Asker", sam);
    Api.Session samApi = sam.login(api);
    Api.Session cleoApi = cleo.login(api);
    String mine = samApi.startThread("Sam's question", "<p>From Sam.</p>", cleo);
    String theirs = cleoApi.startThread("Cleo's question", "<p>From Cleo.</p>", sam);
    String old = samApi.startThread("Old matter", "<p>Done with.</p>", cleo);
    assertThat(samApi.post("/api/threads/" + old + "/archive", new JsonObject()).status()).isEqualTo(204);
    assertThat(samApi.post("/api/drafts", new JsonObject().put("to", new JsonArray().add(cleo.sid()))
        .put("cc", new JsonArray()).put("subject", "Half written").put("bodyHtml", "<p>To be continued</p>")
        .put("attachmentIds", new JsonArray())).status()).isEqualTo(201);

    Browser b = signedIn("Sam", sam);
    WebElement body = b.driver.findElement(By.tagName("body"));

    body.sendKeys("g", "s");
    b.until(d -> d.getCurrentUrl().endsWith("#/sent"));
    b.until(d -> listed(b, "sent").size() == 2);
    assertThat(listed(b, "sent")).containsExactlyInAnyOrder(mine, old);

    b.driver.findElement(By.tagName("body")).sendKeys("g", "a");
    b.until(d -> d.getCurrentUrl().endsWith("#/archived"));
    assertThat(listed(b, "archived")).containsExactly(old);

    b.driver.findElement(By.tagName("body")).sendKeys("g", "d");
    b.until(d -> d.getCurrentUrl().endsWith("#/drafts"));
    assertThat(b.waitFor(By.cssSelector("li.draft-row .thread-subject")).getText()).isEqualTo("Half written");

    b.driver.findElement(By.tagName("body")).sendKeys("g", "i");
    b.until(d -> d.getCurrentUrl().endsWith("#/inbox"));
    assertThat(listed(b, "inbox")).containsExactlyInAnyOrder(mine, theirs);

    // The search is part of the address: back returns to the view with its search.
    b.go("#/sent");
    b.waitFor(By.cssSelector("#thread-list[data-view=sent][data-loaded=true]"));
    b.driver.findElement(By.id("inbox-search")).sendKeys("question");
    b.until(d -> d.getCurrentUrl().endsWith("#/sent?q=question") && listed(b, "sent").equals(List.of(mine)));
    b.driver.findElement(By.cssSelector(".sidebar a[data-nav='#/archived']")).click();
    b.until(d -> d.getCurrentUrl().endsWith("#/archived"));
    b.driver.navigate().back();
    b.until(d -> d.getCurrentUrl().endsWith("#/sent?q=question"));
    b.until(d -> "question".equals(d.findElement(By.id("inbox-search")).getAttribute("value")));

    // "e" archives the selected row; typing "e" in the search archives nothing.
    b.go("#/inbox");
    b.waitFor(By.cssSelector("main[data-loaded=true] li.thread-row"));
    b.driver.findElement(By.id("inbox-search")).sendKeys("e");
    b.until(d -> d.getCurrentUrl().endsWith("#/inbox?q=e"));
    b.go("#/inbox");
    b.until(d -> listed(b, "inbox").size() == 2);
    String first = listed(b, "inbox").get(0);
    b.driver.findElement(By.tagName("body")).sendKeys("e");
    b.until(d -> !listed(b, "inbox").contains(first));
    // the row goes at once, before the server's answer: wait for the archive itself
    b.until(d -> ids(samApi, "archived").contains(first));

    // Shift+U in a thread marks it unread and goes back to the list.
    String other = listed(b, "inbox").get(0);
    b.go("#/thread/" + other);
    b.waitFor(By.cssSelector("main[data-loaded=true] .message"));
    b.driver.findElement(By.tagName("body")).sendKeys(Keys.chord(Keys.SHIFT, "u"));
    b.until(d -> d.getCurrentUrl().endsWith("#/inbox"));
    b.waitFor(By.cssSelector("li.thread-row.unread[data-thread-id='" + other + "']"));

    // The reference window lists the new keys.
    new Actions(b.driver).keyDown(Keys.CONTROL).sendKeys("/").keyUp(Keys.CONTROL).perform();
    assertThat(b.waitFor(By.id("shortcut-help")).getText())
        .contains("Archive the open or selected conversation", "Mark the open or selected conversation as unread",
            "Go to Sent", "Go to Drafts", "Go to Archived", "Go to Inbox");
  }

  @Test
  void everyViewALeftThreadAndThePrintLayoutLookRightAtDesktopAndPhoneWidth() {
    Fixtures.Company co = node.fixtures().company("Harbor & Pine");
    Fixtures.Person sam = co.staff("Sam Staff");
    Fixtures.Person taylor = co.staff("Taylor Staff");
    Fixtures.Person chris = co.client("Chris Client", sam);
    Fixtures.Person dana = co.client("Dana Client", sam);
    Api.Session samApi = sam.login(api);
    Api.Session chrisApi = chris.login(api);
    String review = samApi.startThread("Quarterly review", "<p>Your quarterly review is ready to read.</p>", chris, taylor);
    assertThat(chrisApi.post("/api/threads/" + review + "/read", new JsonObject()).status()).isEqualTo(204);
    assertThat(chrisApi.post("/api/threads/" + review + "/messages", new JsonObject().put("bodyHtml", "<p>Thank you, read it.</p>")).status())
        .isEqualTo(201);
    chrisApi.startThread("A question about fees", "<p>What are the fees for next year?</p>", sam);
    String archived = samApi.startThread("Tax forms 2025", "<p>The forms are filed.</p>", dana);
    assertThat(samApi.post("/api/threads/" + archived + "/archive", new JsonObject()).status()).isEqualTo(204);
    String left = samApi.startThread("Office move", "<p>We move on the 1st.</p>", dana, taylor);
    assertThat(samApi.post("/api/threads/" + left + "/leave", new JsonObject()).status()).isEqualTo(204);
    assertThat(samApi.post("/api/drafts", new JsonObject().put("to", new JsonArray().add(dana.sid())).put("cc", new JsonArray())
        .put("subject", "Meeting next week").put("bodyHtml", "<p>Would Tuesday suit you?</p>").put("attachmentIds", new JsonArray()))
        .status()).isEqualTo(201);

    Browser b = signedIn("Sam", sam);
    List<String> problems = new ArrayList<>();
    for (String view : List.of("inbox", "unread", "sent", "drafts", "archived")) {
      b.go("#/" + view);
      b.waitFor(By.cssSelector("#thread-list[data-view=" + view + "][data-loaded=true] li"));
      shots(b, view, problems);
    }

    // In Archived a left thread says so, and offers no way back to the inbox (only an archived one does).
    b.go("#/archived");
    WebElement leftRow = b.waitFor(By.cssSelector("#thread-list[data-loaded=true] li.thread-row[data-thread-id='" + left + "']"));
    assertThat(leftRow.findElement(By.className("thread-sender")).getText()).startsWith("Left");
    assertThat(leftRow.findElements(By.cssSelector("button[data-action=unarchive]"))).isEmpty();
    assertThat(b.driver.findElements(By.cssSelector("li.thread-row[data-thread-id='" + archived + "'] button[data-action=unarchive]")))
        .hasSize(1);

    // A left thread: read-only, with the banner, and no reply box.
    b.go("#/thread/" + left);
    WebElement banner = b.waitFor(By.id("readonly-banner"));
    assertThat(banner.getText()).contains("You left this conversation");
    assertThat(b.driver.findElement(By.id("reply-form")).isDisplayed()).isFalse();
    shots(b, "thread-left", problems);

    // Print: no app chrome; every message with its sender, its recipients, its date with the zone, and
    // (for staff) when each recipient read it.
    b.go("#/thread/" + review);
    b.waitFor(By.cssSelector("main[data-loaded=true] .message"));
    assertThat(b.driver.findElement(By.id("download-pdf")).getAttribute("href")).contains("/api/threads/" + review + "/export.pdf?tz=");
    b.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
    try {
      assertThat(b.driver.findElement(By.cssSelector(".topbar")).isDisplayed()).isFalse();
      assertThat(b.driver.findElement(By.cssSelector(".sidebar")).isDisplayed()).isFalse();
      assertThat(b.driver.findElement(By.id("reply-form")).isDisplayed()).isFalse();
      List<WebElement> messages = b.driver.findElements(By.cssSelector(".message"));
      assertThat(messages).hasSize(2);
      WebElement firstMessage = messages.get(0);
      assertThat(firstMessage.findElement(By.cssSelector(".message-from")).getText()).contains("Sam Staff");
      assertThat(firstMessage.findElement(By.cssSelector(".recipients")).getText()).contains("Chris Client", "Taylor Staff");
      String zone = (String) b.js("return new Intl.DateTimeFormat('en-US', {timeZoneName: 'short'}).formatToParts(new Date())"
          + ".find(p => p.type === 'timeZoneName').value");
      assertThat(firstMessage.findElement(By.cssSelector(".print-time")).getText()).endsWith(zone);
      assertThat(firstMessage.findElement(By.cssSelector("[data-receipt$='" + chris.sid() + "']")).getText())
          .startsWith("Read ").endsWith(zone);
      b.resize(1280, 1400);
      b.screenshot("mailbox/print.png");
      b.resize(390, 1400);
      b.screenshot("mailbox/print-390.png");
    } finally {
      b.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", ""));
      b.resize(1280, 900);
    }
    assertThat(problems).isEmpty();
  }

  static void shots(Browser b, String name, List<String> problems) {
    shots(b, "mailbox", name, problems);
  }

  /** Screenshots at desktop width and at 390 px, each checked by axe, and the narrow one for sideways scrolling. */
  static void shots(Browser b, String folder, String name, List<String> problems) {
    b.resize(1280, 900);
    b.screenshot(folder + "/" + name + ".png");
    record(name, b, problems);
    b.resize(390, 844);
    b.screenshot(folder + "/" + name + "-390.png");
    record(name + " at 390 px", b, problems);
    assertFitsNarrowScreen(b);
    b.resize(1280, 900);
  }

  /** The thread ids a view lists now, once that view has loaded. */
  @SuppressWarnings("unchecked")
  static List<String> listed(Browser b, String view) {
    b.waitFor(By.cssSelector("#thread-list[data-view=" + view + "][data-loaded=true]"));
    return (List<String>) b.js("return Array.from(document.querySelectorAll('#thread-list li.thread-row')).map(li => li.dataset.threadId)");
  }

  static List<String> ids(Api.Session session, String view) {
    return session.get("/api/inbox?view=" + view).json().getJsonArray("threads").stream()
        .map(t -> ((JsonObject) t).getString("id")).toList();
  }

  static JsonArray drafts(Api.Session session) {
    return session.get("/api/drafts").json().getJsonArray("drafts");
  }
}
