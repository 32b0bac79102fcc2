package dev.parley.web;

import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.ClamdServer;
import dev.parley.testing.FileUploads;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static dev.parley.web.MessagingInTheBrowserTest.assertFitsNarrowScreen;
import static dev.parley.web.MessagingInTheBrowserTest.pick;
import static dev.parley.web.MessagingInTheBrowserTest.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Files in a real headless Chromium against a real node: staff attach them by dropping and by the
 * file picker, watch them upload, and send; the client sees them arrive live and downloads the same
 * bytes; a refused file says why and leaves the message free to go.
 */
class AttachmentsInTheBrowserTest {

  static TestNode node;
  static Api api;
  final List<Browser> browsers = new ArrayList<>();
  final List<Path> temp = new ArrayList<>();

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
  void closeBrowsers(TestInfo test) throws IOException {
    Browser.closeAll(browsers, test.getTestMethod().map(m -> m.getName()).orElse("test"));
    for (Path p : temp) {
      Files.deleteIfExists(p);
    }
  }

  Browser signedIn(String name, Fixtures.Person person) {
    return signedIn(name, person, node);
  }

  Browser signedIn(String name, Fixtures.Person person, TestNode on) {
    Browser b = Browser.open(name, on.baseUrl());
    browsers.add(b);
    b.signIn(person.email(), Fixtures.PASSWORD);
    b.waitLive();
    return b;
  }

  @Test
  void staffAttachFilesByDropAndByPickerAndTheClientSeesThemLiveAndDownloadsTheSameBytes() {
    Fixtures.Company co = node.fixtures().company("Paperwork Partners");
    Fixtures.Person sam = co.staff("Sam Files");
    Fixtures.Person cleo = co.client("Cleo Client", sam);

    Browser client = signedIn("Cleo", cleo);
    client.markPage();
    Browser staff = signedIn("Sam", sam);
    WebElement editor = compose(staff, "Cleo", "Your documents", "Here are the statement and the signed letter.");
    watchUploads(staff);

    // Dragging a file over the form shows where to drop it; dropping it on the text attaches it
    // (the editor does not take it in).
    byte[] statement = FileUploads.pdf(40_000);
    dragOver(staff, "#compose-form");
    assertThat(staff.driver.findElement(By.cssSelector("#compose-form .drop-zone")).isDisplayed()).isTrue();
    assertThat(staff.driver.findElement(By.cssSelector("#compose-form .drop-zone")).getText()).isEqualTo("Drop files to attach them");
    drop(staff, "#compose-form .ql-editor", "Statement Q1.pdf", "application/pdf", statement);
    assertThat(staff.driver.findElement(By.cssSelector("#compose-form .drop-zone")).isDisplayed()).isFalse();

    // The picker takes a file from disk, and a type Parley refuses says so next to the file.
    byte[] letter = FileUploads.pdf(12_000);
    Path letterFile = file("Signed letter.pdf", letter);
    Path program = file("setup.exe", FileUploads.exe());
    WebElement input = staff.driver.findElement(By.cssSelector("#compose-form input[type=file]"));
    assertThat(input.getAccessibleName()).isEqualTo("Attach files");
    assertThat(input.getAttribute("multiple")).isNotNull();
    input.sendKeys(letterFile + "\n" + program);

    staff.until(d -> items(staff, "#compose-form", "done") == 2 && items(staff, "#compose-form", "failed") == 1);
    assertThat(uploadsSeen(staff)).as("each file showed a progress bar while it uploaded")
        .contains("Statement Q1.pdf", "Signed letter.pdf", "setup.exe");
    WebElement refused = staff.driver.findElement(By.cssSelector("#compose-form .attach-item[data-status=failed]"));
    assertThat(refused.findElement(By.className("attach-name")).getText()).isEqualTo("setup.exe");
    assertThat(refused.findElement(By.className("attach-error")).getText()).isEqualTo("This type of file is not allowed.");
    WebElement first = staff.driver.findElement(By.cssSelector("#compose-form .attach-item[data-status=done]"));
    assertThat(first.findElement(By.className("attach-name")).getText()).isEqualTo("Statement Q1.pdf");
    assertThat(first.findElement(By.className("attach-size")).getText()).isEqualTo("39 KB");
    assertThat(first.findElement(By.className("file-icon")).getText()).isEqualTo("PDF");
    assertThat(first.findElement(By.className("attach-state")).getText()).isEqualTo("Attached");
    assertThat(staff.js("return document.querySelector('#compose-form [data-attach-status]').textContent"))
        .as("the screen reader heard how the last upload went").asString().isNotBlank();
    assertThat(staff.driver.findElement(By.id("send-message")).isEnabled()).isTrue();

    List<String> problems = new ArrayList<>();
    record("composer with files", staff, problems);
    staff.resize(1280, 1400);
    staff.js("window.scrollTo(0, 0)");
    staff.screenshot("attachments/composer.png");
    staff.resize(390, 1400);
    staff.screenshot("attachments/composer-390.png");
    assertFitsNarrowScreen(staff);
    staff.resize(1280, 900);

    // The refused file stays shown; the message goes without it.
    editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    staff.waitFor(By.cssSelector("main[data-loaded=true] .message .files"));
    assertThat(fileNames(staff)).containsExactly("Statement Q1.pdf", "Signed letter.pdf");

    // Cleo's inbox shows the conversation with a paperclip, without a reload.
    WebElement row = client.waitFor(By.xpath("//li[contains(@class,'thread-row')]"
        + "[.//div[@class='thread-subject' and text()='Your documents']]"));
    assertThat(row.findElement(By.cssSelector(".paperclip")).getAttribute("aria-label")).isEqualTo("has attachments");
    assertThat(client.pageKept()).isTrue();
    record("inbox with a paperclip", client, problems);
    client.screenshot("attachments/inbox.png");

    // She opens it: each file is a download link that answers the bytes that were attached.
    row.findElement(By.className("thread-link")).click();
    client.waitFor(By.cssSelector("main[data-loaded=true] .message .files"));
    assertThat(fileNames(client)).containsExactly("Statement Q1.pdf", "Signed letter.pdf");
    WebElement link = client.driver.findElement(By.cssSelector(".message .file-link"));
    assertThat(link.getAttribute("download")).isEqualTo("Statement Q1.pdf");
    assertThat(link.getAttribute("href")).matches(".*/api/attachments/[0-9a-f-]{36}$");
    assertThat(link.getText()).contains("Statement Q1.pdf", "39 KB");
    assertThat(downloaded(client, 0)).isEqualTo(Map.of("status", 200L, "length", (long) statement.length, "sha256", FileUploads.sha256(statement)));
    assertThat(downloaded(client, 1)).isEqualTo(Map.of("status", 200L, "length", (long) letter.length, "sha256", FileUploads.sha256(letter)));

    // Sam replies with a file from the reply box; it arrives in Cleo's open thread live.
    staff.markPage();
    client.markPage();
    byte[] form = FileUploads.pdf(5_000);
    WebElement reply = staff.waitFor(By.cssSelector("#reply-form .ql-editor"));
    reply.click();
    reply.sendKeys("One more: the form to sign.");
    drop(staff, "#reply-form", "Form to sign.pdf", "application/pdf", form);
    staff.until(d -> items(staff, "#reply-form", "done") == 1);
    reply.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    client.until(d -> d.findElements(By.cssSelector(".message")).size() == 2);
    client.until(d -> fileNames(client).contains("Form to sign.pdf"));
    assertThat(client.pageKept()).isTrue();
    assertThat(downloaded(client, 2)).isEqualTo(Map.of("status", 200L, "length", (long) form.length, "sha256", FileUploads.sha256(form)));
    staff.until(d -> items(staff, "#reply-form", "done") == 0);

    record("thread with files", client, problems);
    client.resize(1280, 1100);
    client.screenshot("attachments/thread.png");
    client.resize(390, 1200);
    client.screenshot("attachments/thread-390.png");
    assertFitsNarrowScreen(client);
    client.go("#/inbox");
    client.waitFor(By.cssSelector("main[data-loaded=true] .thread-row .paperclip"));
    client.screenshot("attachments/inbox-390.png");
    assertFitsNarrowScreen(client);
    assertThat(problems).isEmpty();
  }

  @Test
  void removingAFileWhileItUploadsStopsItAndSendIsHeldOnlyWhileUploadsRun() {
    Fixtures.Company co = node.fixtures().company("Slow Line Advisors");
    Fixtures.Person sam = co.staff("Sam Slow");
    Fixtures.Person cleo = co.client("Cleo Slow", sam);
    Browser staff = signedIn("Sam", sam);
    WebElement editor = compose(staff, "Cleo", "Over a slow line", "The big file did not make it.");

    // A slow uplink (Chromium's own network throttling) keeps the upload running long enough to see.
    staff.driver.executeCdpCommand("Network.enable", Map.of());
    staff.driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of(
        "offline", false, "latency", 0, "downloadThroughput", -1, "uploadThroughput", 64 * 1024));
    drop(staff, "#compose-form", "Annual report.pdf", "application/pdf", FileUploads.pdf(3_000_000));
    staff.until(d -> progress(staff) > 0);
    WebElement uploading = staff.driver.findElement(By.cssSelector("#compose-form .attach-item[data-status=uploading]"));
    assertThat(staff.driver.findElement(By.id("send-message")).isEnabled()).as("Send waits for the upload").isFalse();
    WebElement stop = uploading.findElement(By.className("attach-remove"));
    assertThat(stop.getAttribute("aria-label")).isEqualTo("Stop uploading Annual report.pdf");
    staff.js("arguments[0].scrollIntoView({ block: 'center' })", uploading);
    staff.screenshot("attachments/composer-uploading.png");

    stop.click();
    staff.until(d -> items(staff, "#compose-form", null) == 0);
    assertThat(staff.driver.findElement(By.id("send-message")).isEnabled()).isTrue();
    staff.until(d -> String.valueOf(staff.js("return document.querySelector('#compose-form [data-attach-status]').textContent"))
        .equals("Annual report.pdf removed."));
    staff.driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of(
        "offline", false, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));

    editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    staff.waitFor(By.cssSelector("main[data-loaded=true] .message"));
    assertThat(staff.driver.findElements(By.cssSelector(".message .files"))).isEmpty();
    String threadId = staff.driver.getCurrentUrl().replaceAll(".*#/thread/", "");
    JsonObject message = cleo.login(api).get("/api/threads/" + threadId).json().getJsonArray("messages").getJsonObject(0);
    assertThat(message.getJsonArray("attachments", new io.vertx.core.json.JsonArray())).isEmpty();
  }

  @Test
  void companySettingsSayWhetherUploadedFilesAreScanned() {
    Fixtures.Company co = node.fixtures().company("Unscanned Advisors");
    Fixtures.Person ada = co.admin("Ada Admin");
    Browser b = signedIn("Ada", ada);
    b.go("#/settings/company");
    WebElement status = b.waitFor(By.id("scan-status"));
    assertThat(status.getText()).startsWith("Files are not scanned for viruses: set PARLEY_CLAMAV_HOST");
    List<String> problems = new ArrayList<>();
    record("company settings", b, problems);
    assertThat(problems).isEmpty();
  }

  @Test
  void aVirusAFileOverTheLimitAndAScannerThatIsDownAreEachSaidNextToTheFile() {
    assumeTrue(ClamdServer.binary() != null, "clamd is not installed (apt-get install clamav-daemon)");
    try (ClamdServer clamd = ClamdServer.start();
         TestNode scanned = TestNode.start(Map.of(ParleyConfig.CLAMAV_HOST, "127.0.0.1",
             ParleyConfig.CLAMAV_PORT, Integer.toString(clamd.port()), ParleyConfig.ATTACHMENT_MAX_MB, "1"))) {
      Fixtures.Company co = scanned.fixtures().company("Careful Advisors");
      // Ada's initials sit on the orange avatar, whose white text once had too little contrast.
      Fixtures.Person ada = co.admin("Ada Careful");
      co.client("Cleo Careful", ada);
      Browser b = signedIn("Ada", ada, scanned);
      b.go("#/settings/company");
      assertThat(b.waitFor(By.id("scan-status")).getText())
          .isEqualTo("Uploaded files are scanned for viruses before anyone can attach them.");

      b.go("#/compose");
      b.waitFor(By.id("compose-form"));
      pick(b, "to", "Cleo");
      drop(b, "#compose-form", "notes.txt", "text/plain", FileUploads.eicar());
      assertThat(refusal(b, "notes.txt")).isEqualTo("A virus was found in this file, so it was not attached.");
      drop(b, "#compose-form", "Scan of the deed.pdf", "application/pdf", FileUploads.pdf(1_500_000));
      assertThat(refusal(b, "Scan of the deed.pdf")).isEqualTo("Too large: the file is larger than the limit of 1 MB.");
      // far over the limit: the server answers at once and cuts the connection once the limit has passed
      drop(b, "#compose-form", "Whole archive.pdf", "application/pdf", FileUploads.pdf(6_000_000));
      assertThat(refusal(b, "Whole archive.pdf")).isEqualTo("Too large: the file is larger than the limit of 1 MB.");
      drop(b, "#compose-form", "Clean letter.pdf", "application/pdf", FileUploads.pdf(20_000));
      b.until(d -> items(b, "#compose-form", "done") == 1);

      clamd.close();
      drop(b, "#compose-form", "Later.pdf", "application/pdf", FileUploads.pdf(20_000));
      assertThat(refusal(b, "Later.pdf")).isEqualTo("Files cannot be checked for viruses right now. Try again later.");
      b.until(d -> String.valueOf(b.js("return document.querySelector('#compose-form [data-attach-status]').textContent"))
          .equals("Later.pdf was not attached. Files cannot be checked for viruses right now. Try again later."));
      b.resize(1280, 1400);
      b.js("window.scrollTo(0, 0)");
      b.screenshot("attachments/composer-refusals.png");
      List<String> problems = new ArrayList<>();
      record("composer with refused files", b, problems);
      b.resize(390, 1400);
      b.screenshot("attachments/composer-refusals-390.png");
      assertFitsNarrowScreen(b);
      assertThat(problems).isEmpty();
    }
  }

  /** Opens New Message, picks the recipient, writes subject and text; answers the editor. */
  static WebElement compose(Browser b, String to, String subject, String text) {
    b.go("#/compose");
    b.waitFor(By.id("compose-form"));
    pick(b, "to", to);
    b.driver.findElement(By.cssSelector("#compose-form input[name=subject]")).sendKeys(subject);
    WebElement editor = b.driver.findElement(By.cssSelector("#compose-form .ql-editor"));
    editor.click();
    editor.sendKeys(text);
    return editor;
  }

  /** Waits until the upload of the named file has failed, and answers what is said next to it. */
  static String refusal(Browser b, String name) {
    By failed = By.cssSelector("#compose-form .attach-item[data-status=failed][data-name=\"" + name + "\"] .attach-error");
    return b.until(d -> d.findElements(failed).isEmpty() ? null : d.findElement(failed).getText());
  }

  /** Records the name of every file that showed a progress bar, however briefly. */
  static void watchUploads(Browser b) {
    b.js("window.__uploadsSeen = new Set();"
        + "new MutationObserver(() => document.querySelectorAll('.attach-item[data-status=uploading] progress')"
        + "  .forEach((p) => window.__uploadsSeen.add(p.closest('.attach-item').dataset.name)))"
        + ".observe(document.body, { subtree: true, childList: true });");
  }

  @SuppressWarnings("unchecked")
  static List<String> uploadsSeen(Browser b) {
    return (List<String>) b.js("return [...window.__uploadsSeen]");
  }

  static long items(Browser b, String form, String status) {
    String selector = form + " .attach-item" + (status == null ? "" : "[data-status=" + status + "]");
    return ((Number) b.js("return document.querySelectorAll(arguments[0]).length", selector)).longValue();
  }

  static long progress(Browser b) {
    Object value = b.js("const p = document.querySelector('.attach-item[data-status=uploading] progress'); return p ? p.value : 0");
    return ((Number) value).longValue();
  }

  @SuppressWarnings("unchecked")
  static List<String> fileNames(Browser b) {
    return (List<String>) b.js("return [...document.querySelectorAll('.message .file-name')].map((e) => e.textContent)");
  }

  /** Fires dragenter and dragover with a file over the element, as a person dragging from the desktop. */
  static void dragOver(Browser b, String selector) {
    b.js("const dt = new DataTransfer(); dt.items.add(new File(['x'], 'x.pdf', { type: 'application/pdf' }));"
        + "const el = document.querySelector(arguments[0]);"
        + "for (const type of ['dragenter', 'dragover'])"
        + "  el.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));", selector);
  }

  /** Drops a file built from these bytes onto the element, after dragging it there. */
  static void drop(Browser b, String selector, String name, String type, byte[] bytes) {
    b.js("const bin = atob(arguments[3]); const bytes = new Uint8Array(bin.length);"
        + "for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);"
        + "const dt = new DataTransfer(); dt.items.add(new File([bytes], arguments[1], { type: arguments[2] }));"
        + "const el = document.querySelector(arguments[0]);"
        + "for (const t of ['dragenter', 'dragover', 'drop'])"
        + "  el.dispatchEvent(new DragEvent(t, { dataTransfer: dt, bubbles: true, cancelable: true }));",
        selector, name, type, Base64.getEncoder().encodeToString(bytes));
  }

  /** Fetches the n-th file link on the page as the browser would download it: status, length and SHA-256. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> downloaded(Browser b, int n) {
    return (Map<String, Object>) b.driver.executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        const link = document.querySelectorAll('.message .file-link')[arguments[0]];
        fetch(link.href, { credentials: 'same-origin' })
          .then(async (r) => {
            const bytes = await r.arrayBuffer();
            const hash = await crypto.subtle.digest('SHA-256', bytes);
            done({ status: r.status, length: bytes.byteLength,
              sha256: [...new Uint8Array(hash)].map((x) => x.toString(16).padStart(2, '0')).join('') });
          })
          .catch((e) => done({ error: String(e) }));
        """, n);
  }

  Path file(String name, byte[] bytes) {
    try {
      Path dir = Files.createTempDirectory("parley-upload");
      Path p = dir.resolve(name);
      Files.write(p, bytes);
      temp.add(p);
      temp.add(dir);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
