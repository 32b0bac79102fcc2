package dev.parley.web;

import dev.parley.ParleyConfig;
import dev.parley.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.parley.web.MailboxInTheBrowserTest.shots;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Try it: two browsers", done as a newcomer would on a fresh node with the demo company:
 * the README's addresses and passwords, and the buttons, fields and lists found by what they say, as a
 * person finds them. Screenshots of the demo's inbox and conversations at 1280 and 390 px, each checked
 * by axe, are kept under target/screenshots/demo.
 */
class DemoWalkThroughInTheBrowserTest {

  static final String PASSWORD = "demo-parley";
  static final String NEW_SUBJECT = "Meeting notes from today";

  static TestNode node;
  final List<Browser> browsers = new ArrayList<>();

  @BeforeAll
  static void start() {
    Browser.assumeUsable();
    // An empty database and PARLEY_DEMO=true, as a first `java -jar target/parley.jar` has them.
    node = TestNode.start(Map.of(ParleyConfig.DEMO, "true"));
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

  @Test
  void theReadmesTwoBrowserWalkThroughWorksStepByStepOnTheDemoCompany() {
    List<String> problems = new ArrayList<>();

    // 1. Sam signs in; the Inbox shows the demo conversations, Chris's reply unread.
    Browser sam = signIn("Sam", "sam.staff@demo.test");
    WebElement review = row(sam, "Documents for your annual review");
    assertThat(review.getAttribute("class")).contains("unread");
    assertThat(review.findElement(By.className("thread-sender")).getText()).isEqualTo("Chris Client");
    assertThat(review.findElement(By.className("thread-snippet")).getText()).startsWith("Hi Sam, thanks for the reminder.");
    assertThat(review.findElement(By.xpath(".//*[@aria-label='1 unread']")).getText()).isEqualTo("1");
    assertThat(subjects(sam)).containsExactly("Quarter-end checklist", "Documents for your annual review");
    sam.until(d -> d.getTitle().equals("(1) Inbox · Parley"));
    shots(sam, "demo", "sam-inbox", problems);

    // Opening the demo conversation: Sam's request, Chris's reply below it, and Chris's "Read" on Sam's.
    review.findElement(By.xpath(".//*[text()='Documents for your annual review']")).click();
    sam.waitFor(By.cssSelector("main[data-loaded=true] .message"));
    assertThat(sam.driver.findElement(By.tagName("h1")).getText()).isEqualTo("Documents for your annual review");
    List<WebElement> messages = sam.driver.findElements(By.tagName("article"));
    assertThat(messages).hasSize(2);
    assertThat(messages.get(0).getText()).contains("Sam Rivera", "could you upload last year's tax return");
    assertThat(readMark(messages.get(0), "Chris Client").getText()).matches(READ_AT);
    assertThat(messages.get(1).getText()).contains("Chris Client", "I'll upload both by Friday");
    sam.until(d -> d.getTitle().equals("Documents for your annual review · Parley"));
    shots(sam, "demo", "sam-demo-thread", problems);

    // 2. A normal second tab would share Sam's session: it opens on Sam's inbox, no sign-in asked.
    String samsWindow = sam.driver.getWindowHandle();
    sam.driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB).get(node.baseUrl() + "/");
    sam.waitFor(By.xpath("//ul[@aria-label='Inbox conversations'][@data-loaded='true']"));
    assertThat(sam.driver.findElement(By.xpath("//header//button[@title='Account menu']")).getText()).endsWith("Sam Rivera");
    sam.driver.close();
    sam.driver.switchTo().window(samsWindow);

    // A second, separate browser signs in as Chris, a client.
    Browser chris = signIn("Chris", "chris.client@demo.test");
    assertThat(subjects(chris)).containsExactly("Your quarterly portfolio summary", "Documents for your annual review");
    chris.until(d -> d.getTitle().equals("(1) Inbox · Parley"));
    chris.markPage();

    // 3. Sam: New Message, To: Chris Client, a subject and a line of text, Send.
    linkOrButton(sam, "New Message").click();
    WebElement to = labelled(sam, "To");
    to.sendKeys("Chris");
    // the list is drawn again as each answer comes: an option may go between finding and clicking it
    sam.until(d -> {
      d.findElement(By.xpath("//li[@role='option'][.//*[normalize-space()='Chris Client']]")).click();
      return true;
    });
    sam.waitFor(By.xpath("//button[@aria-label='Remove Chris Client']"));
    labelled(sam, "Subject").sendKeys(NEW_SUBJECT);
    WebElement text = sam.driver.findElement(By.xpath("//*[@role='textbox'][@aria-labelledby=//*[normalize-space()='Message']/@id]"));
    text.click();
    text.sendKeys("Thanks for today. The notes are below; tell me if I missed anything.");
    linkOrButton(sam, "Send").click();
    // Sam's window opens the new conversation.
    sam.until(d -> d.getTitle().equals(NEW_SUBJECT + " · Parley"));
    sam.waitFor(By.cssSelector("main[data-loaded=true] .message"));
    assertThat(sam.driver.findElement(By.tagName("h1")).getText()).isEqualTo(NEW_SUBJECT);
    sam.markPage();

    // 4. In Chris's window it appears at the top of the Inbox, unread, and the title's count goes up,
    // without a reload.
    chris.until(d -> subjects(chris).indexOf(NEW_SUBJECT) == 0);
    WebElement arrived = row(chris, NEW_SUBJECT);
    assertThat(arrived.getAttribute("class")).contains("unread");
    assertThat(arrived.findElement(By.className("thread-sender")).getText()).isEqualTo("Sam Rivera");
    assertThat(arrived.findElement(By.xpath(".//*[@aria-label='1 unread']")).isDisplayed()).isTrue();
    chris.until(d -> d.getTitle().equals("(2) Inbox · Parley"));
    assertThat(chris.pageKept()).as("Chris's page was not reloaded").isTrue();
    shots(chris, "demo", "chris-inbox", problems);

    // 5. Chris opens it; Sam's open conversation shows "Read" with the time as it happens.
    arrived.findElement(By.xpath(".//*[text()='" + NEW_SUBJECT + "']")).click();
    chris.waitFor(By.cssSelector("main[data-loaded=true] .message"));
    assertThat(chris.driver.findElement(By.tagName("article")).getText())
        .contains("Sam Rivera", "Thanks for today. The notes are below");
    // read: the title's count is back to the demo's quarterly summary alone
    chris.until(d -> d.getTitle().equals("(1) " + NEW_SUBJECT + " · Parley"));
    sam.until(d -> readMark(d.findElement(By.tagName("article")), "Chris Client").getText().matches(READ_AT));
    assertThat(sam.pageKept()).as("Sam's page was not reloaded").isTrue();
    shots(chris, "demo", "chris-thread", problems);

    // Sam opens the conversation from Sent: "Read" with the time, by Chris's name.
    sam.driver.findElement(By.xpath("//nav//a[span[normalize-space()='Sent']]")).click();
    sam.waitFor(By.xpath("//ul[@aria-label='Sent conversations']//*[text()='" + NEW_SUBJECT + "']")).click();
    sam.until(d -> d.getTitle().equals(NEW_SUBJECT + " · Parley"));
    WebElement sent = sam.waitFor(By.cssSelector("main[data-loaded=true] article"));
    assertThat(readMark(sent, "Chris Client").getText()).matches(READ_AT);
    // Chris is listed under Bcc although Sam chose To: a client is always sent a blind copy.
    assertThat(sent.findElement(By.xpath(".//*[contains(@class,'recipient-row')][.//*[normalize-space()='Chris Client']]"))
        .getText()).startsWith("Bcc");
    shots(sam, "demo", "sam-sent-thread", problems);

    assertThat(problems).isEmpty();
  }

  @Test
  void aConversationsButtonsPointUpForPreviousDownForNextAndTurnNoOtherIcon() {
    Browser taylor = signIn("Taylor", "taylor.staff@demo.test");
    row(taylor, "Quarter-end checklist").findElement(By.xpath(".//*[text()='Quarter-end checklist']")).click();
    taylor.waitFor(By.cssSelector("main[data-loaded=true] article"));
    Map<String, Long> turns = new java.util.LinkedHashMap<>();
    for (String name : List.of("Previous conversation", "Next conversation", "Archive", "Mark as unread", "Print",
        "Download PDF", "Leave conversation")) {
      turns.put(name, iconTurn(taylor, linkOrButton(taylor, name)));
    }
    assertThat(turns).isEqualTo(Map.of("Previous conversation", 90L, "Next conversation", -90L,
        "Archive", 0L, "Mark as unread", 0L, "Print", 0L, "Download PDF", 0L, "Leave conversation", 0L));
  }

  @Test
  void theInboxMarksNoRowAsCurrentUntilTheKeyboardMovesThroughIt() {
    Browser casey = signIn("Casey", "casey.coordinator@demo.test");
    WebElement first = casey.driver.findElement(By.cssSelector("ul.thread-list > li:first-child"));
    assertThat(currentMark(casey, first)).as("the first row, before any key").isFalse();
    casey.driver.findElement(By.tagName("body")).sendKeys("j");
    WebElement second = casey.driver.findElement(By.cssSelector("ul.thread-list > li:nth-child(2)"));
    casey.until(d -> currentMark(casey, second));
    assertThat(currentMark(casey, first)).isFalse();
  }

  @Test
  void onAPhoneTheInboxShowsEachDemoSubjectWhole() {
    Browser casey = signIn("Casey", "casey.coordinator@demo.test");
    casey.resize(390, 844);
    List<String> subjects = subjects(casey);
    assertThat(subjects).contains("Your quarterly portfolio summary", "Welcome to Harbor & Pine");
    assertThat(subjects.stream().filter(s -> cut(casey, s)).toList()).as("subjects cut short at 390 px").isEmpty();
  }

  /** How far a button's icon is turned, in degrees clockwise (a mirrored icon counts as 180). */
  static long iconTurn(Browser b, WebElement button) {
    Object turn = b.js("""
        const t = getComputedStyle(arguments[0].querySelector('svg')).transform;
        if (t === 'none') return 0;
        const [a, b] = t.slice(t.indexOf('(') + 1).split(',').map(Number);
        return Math.round(Math.atan2(b, a) * 180 / Math.PI);
        """, button);
    return ((Number) turn).longValue();
  }

  /** Whether a row is drawn as the keyboard's current one (its bar at the left edge). */
  static boolean currentMark(Browser b, WebElement row) {
    return Boolean.TRUE.equals(b.js("return getComputedStyle(arguments[0].querySelector('a'), '::before').content !== 'none'", row));
  }

  /** Whether a subject in the list is cut short (an ellipsis, or lines hidden). */
  static boolean cut(Browser b, String subject) {
    return Boolean.TRUE.equals(b.js("""
        const el = [...document.querySelectorAll('ul.thread-list .thread-subject')].find((e) => e.textContent === arguments[0]);
        return el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight;
        """, subject));
  }

  /** "Read" and a time as the app writes it in English ("Read 9:41 AM", ICU's narrow space or not). */
  static final String READ_AT = "Read \\d{1,2}:\\d{2}[\\s\\u202F]?[AP]M";

  Browser signIn(String name, String email) {
    Browser b = Browser.open(name, node.baseUrl());
    browsers.add(b);
    b.driver.get(node.baseUrl() + "/");
    labelled(b, "Email").sendKeys(email);
    labelled(b, "Password").sendKeys(PASSWORD);
    linkOrButton(b, "Sign in").click();
    b.waitFor(By.xpath("//ul[@aria-label='Inbox conversations'][@data-loaded='true']"));
    b.waitLive();
    return b;
  }

  /** The field a visible label names. */
  static WebElement labelled(Browser b, String label) {
    WebElement l = b.waitFor(By.xpath("//label[normalize-space()='" + label + "']"));
    return b.driver.findElement(By.id(l.getAttribute("for")));
  }

  /** The first visible link or button whose text or accessible name is {@code name}. */
  static WebElement linkOrButton(Browser b, String name) {
    String named = "[normalize-space()='" + name + "' or @aria-label='" + name + "']";
    return b.until(d -> d.findElements(By.xpath("//a" + named + " | //button" + named)).stream()
        .filter(WebElement::isDisplayed).findFirst().orElse(null));
  }

  /** The subjects of the list shown, top first. */
  static List<String> subjects(Browser b) {
    return b.driver.findElements(By.cssSelector("ul.thread-list > li .thread-subject")).stream()
        .map(WebElement::getText).toList();
  }

  static WebElement row(Browser b, String subject) {
    return b.waitFor(By.xpath("//ul[contains(@class,'thread-list')]/li[.//*[text()='" + subject + "']]"));
  }

  /** The read status a message shows by one of its recipients' name. */
  static WebElement readMark(WebElement message, String recipient) {
    return message.findElement(By.xpath(".//li[.//*[normalize-space()='" + recipient + "']]//*[contains(@class,'receipt')]"));
  }
}
