package dev.parley.notify;

import com.icegreen.greenmail.util.GreenMail;
import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.FileUploads;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Notification emails and files: Secure Mode never names them, Convenience Mode names them; neither carries them. */
class AttachmentEmailTest {

  static TestNode node;
  static Api api;
  static GreenMail mail;

  /** A word in the file's bytes only: an email that carried the file would carry it. */
  static final String CONTENT_MARKER = "kumquat-ledger-5513";

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(ParleyConfig.OUTBOX_POLL_MS, "200"));
    api = node.api();
    mail = Mailboxes.of(node);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static byte[] pdfWithMarker() {
    byte[] pdf = FileUploads.pdf(4000);
    byte[] marker = CONTENT_MARKER.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(marker, 0, pdf, 200, marker.length);
    return pdf;
  }

  static MimeMessage awaitOne(String address) {
    await().atMost(Duration.ofSeconds(20)).until(() -> !Mailboxes.to(mail, address).isEmpty());
    return Mailboxes.only(mail, address);
  }

  static void sendWithFile(Fixtures.Person staff, Fixtures.Person client, String fileName) {
    Api.Session s = staff.login(api);
    String id = FileUploads.uploaded(s, fileName, pdfWithMarker());
    Api.Response r = s.post("/api/threads", FileUploads.naming(new JsonObject().put("to", new JsonArray().add(client.sid()))
        .put("subject", "Papers").put("bodyHtml", "<p>See the file.</p>"), id));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  @Test
  void secureModeEmailNeverNamesTheFiles() {
    Fixtures.Company acme = node.fixtures().company("Acme Wealth");
    Fixtures.Person staff = acme.staff("Sam Staff");
    Fixtures.Person client = acme.client("Chris Client", staff);
    sendWithFile(staff, client, "Divorce settlement draft.pdf");

    MimeMessage m = awaitOne(client.email());
    String everything = (Mailboxes.raw(m) + "\n" + Mailboxes.decoded(m)).toLowerCase();
    assertThat(everything).doesNotContain("divorce", "settlement", ".pdf", CONTENT_MARKER);
    assertThat(Mailboxes.part(m, "application/pdf")).isNull();
  }

  @Test
  void convenienceModeEmailNamesTheFilesEscapedButCarriesNoneOfTheirContent() {
    Fixtures.Company beta = node.fixtures().company("Beta Advisors");
    Fixtures.Person admin = beta.admin("Ada Admin");
    Fixtures.Person staff = beta.staff("Stella Staff");
    Fixtures.Person client = beta.client("Olive Client", staff);
    Api.Response on = admin.login(api).put("/api/settings/company", new JsonObject().put("convenienceMode", true));
    assertThat(on.status()).as(on.toString()).isEqualTo(200);
    sendWithFile(staff, client, "Q3 <tax> & fees.pdf");

    MimeMessage m = awaitOne(client.email());
    assertThat(Mailboxes.part(m, "text/plain")).contains("Files (download them in the portal): Q3 <tax> & fees.pdf");
    assertThat(Mailboxes.part(m, "text/html")).contains("Q3 &lt;tax&gt; &amp; fees.pdf").doesNotContain("<tax>");
    assertThat(Mailboxes.part(m, "application/pdf")).isNull();
    assertThat(Mailboxes.raw(m) + Mailboxes.decoded(m)).doesNotContain(CONTENT_MARKER);
  }
}
