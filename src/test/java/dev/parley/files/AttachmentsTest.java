package dev.parley.files;

import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.Feed;
import dev.parley.testing.FileUploads;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Sql;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.parley.testing.FileUploads.naming;
import static dev.parley.testing.FileUploads.upload;
import static dev.parley.testing.FileUploads.uploaded;
import static org.assertj.core.api.Assertions.assertThat;

/** Files on messages: uploaded, checked, claimed by a send, shown with the message and downloaded by its readers only. */
class AttachmentsTest {

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;
  static Fixtures.Person sam;
  static Fixtures.Person chris;
  static Fixtures.Person dana;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(ParleyConfig.ATTACHMENT_MAX_MB, "1", ParleyConfig.ATTACHMENT_MESSAGE_MAX_MB, "2"));
    api = node.api();
    acme = node.fixtures().company("Acme");
    sam = acme.staff("Sam Staff");
    chris = acme.client("Chris Client");
    dana = acme.client("Dana Client");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static long rows(String table) {
    return Sql.count(node.dbUrl(), "select count(*) from " + table);
  }

  static String thread(Api.Session s, JsonObject body) {
    Api.Response r = s.post("/api/threads", body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getJsonObject("thread").getString("id");
  }

  static JsonObject newThread(Fixtures.Person... to) {
    JsonArray ids = new JsonArray();
    for (Fixtures.Person p : to) {
      ids.add(p.sid());
    }
    return new JsonObject().put("to", ids).put("subject", "Your statements").put("bodyHtml", "<p>Attached.</p>");
  }

  @Test
  void staffSendsAClientAPdfAndTheClientDownloadsTheSameBytes() {
    Api.Session staff = sam.login(api);
    Api.Session client = chris.login(api);
    byte[] pdf = FileUploads.pdf(700_000);
    Api.Response up = upload(staff, "Q3 statement.pdf", pdf);
    assertThat(up.status()).as(up.toString()).isEqualTo(201);
    JsonObject file = up.json().getJsonObject("attachment");
    assertThat(file.getString("name")).isEqualTo("Q3 statement.pdf");
    assertThat(file.getLong("size")).isEqualTo(pdf.length);
    assertThat(file.getString("type")).isEqualTo("application/pdf");
    String id = file.getString("id");

    String cursor = Feed.start(client);
    String threadId = thread(staff, naming(newThread(chris), id));

    JsonObject seen = client.get("/api/threads/" + threadId).json().getJsonArray("messages").getJsonObject(0);
    assertThat(seen.getJsonArray("attachments")).containsExactly(file);
    List<JsonObject> events = Feed.until(client, cursor, e -> !Feed.ofType(e, "message.created").isEmpty());
    assertThat(Feed.ofType(events, "message.created").get(0).getJsonObject("data").getJsonArray("attachments"))
        .containsExactly(file);
    JsonObject row = client.get("/api/inbox").json().getJsonArray("threads").getJsonObject(0);
    assertThat(row.getBoolean("hasAttachments")).isTrue();

    FileUploads.Download d = FileUploads.download(client, id);
    assertThat(d.status()).isEqualTo(200);
    assertThat(FileUploads.sha256(d.body())).isEqualTo(FileUploads.sha256(pdf));
    assertThat(d.header("Content-Type")).isEqualTo("application/pdf");
    assertThat(d.header("Content-Length")).isEqualTo(Integer.toString(pdf.length));
    assertThat(d.header("Content-Disposition")).isEqualTo("attachment; filename=\"Q3 statement.pdf\"; filename*=UTF-8''Q3%20statement.pdf");
    assertThat(d.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(d.header("Content-Security-Policy")).isEqualTo("default-src 'none'; sandbox");
    assertThat(Sql.count(node.dbUrl(), "select count(*) from audit_log where action = 'files.downloaded' and target = '" + id
        + "' and actor_id = '" + chris.id() + "'")).isEqualTo(1);
  }

  @Test
  void aMessageWithoutFilesShowsAnEmptyListAndNoPaperclip() {
    Api.Session staff = sam.login(api);
    Fixtures.Person pat = acme.client("Pat Plain");
    String threadId = thread(staff, newThread(pat));
    Api.Session client = pat.login(api);
    assertThat(client.get("/api/threads/" + threadId).json().getJsonArray("messages").getJsonObject(0)
        .getJsonArray("attachments")).isEmpty();
    assertThat(client.get("/api/inbox").json().getJsonArray("threads").getJsonObject(0).getBoolean("hasAttachments")).isFalse();
  }

  @Test
  void anotherClientBccdOnTheThreadGetsNotFoundForTheFile() {
    Api.Session staff = sam.login(api);
    Fixtures.Person erin = acme.client("Erin Client");
    Fixtures.Person finn = acme.client("Finn Client");
    String threadId = thread(staff, newThread(erin, finn));
    String id = uploaded(staff, "for-erin-only.pdf", FileUploads.pdf(2000));
    Api.Response reply = staff.post("/api/threads/" + threadId + "/messages",
        naming(new JsonObject().put("bodyHtml", "<p>Erin, yours.</p>").put("to", new JsonArray().add(erin.sid())), id));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(201);

    assertThat(FileUploads.download(erin.login(api), id).status()).isEqualTo(200);
    FileUploads.Download other = FileUploads.download(finn.login(api), id);
    assertThat(other.status()).isEqualTo(404);
    assertThat(new String(other.body())).contains("not_found");
  }

  @Test
  void aForeignCompanysAdminGetsNotFoundForTheFile() {
    Api.Session staff = sam.login(api);
    String id = uploaded(staff, "statement.pdf", FileUploads.pdf(2000));
    thread(staff, naming(newThread(chris), id));
    Fixtures.Person foreignAdmin = node.fixtures().company("Globex").admin("Gina Admin");
    assertThat(FileUploads.download(foreignAdmin.login(api), id).status()).isEqualTo(404);
  }

  @Test
  void anUploadIsOnlyItsUploadersUntilAMessageNamesIt() {
    Api.Session staff = sam.login(api);
    String id = uploaded(staff, "draft.pdf", FileUploads.pdf(2000));
    assertThat(FileUploads.download(staff, id).status()).isEqualTo(200);
    assertThat(FileUploads.download(acme.staff("Tess Staff").login(api), id).status()).isEqualTo(404);
  }

  @Test
  void anUploadOverTheLimitIsRefusedAndNothingIsStored() {
    Api.Session staff = sam.login(api);
    long files = rows("attachments");
    long chunks = rows("file_chunks");
    byte[] big = FileUploads.pdf(1024 * 1024 + 1);

    Api.Response declared = upload(staff, "big.pdf", big);
    assertThat(declared.status()).as(declared.toString()).isEqualTo(413);
    assertThat(declared.error()).isEqualTo("too_large");
    assertThat(declared.json().getString("message")).contains("1 MB");

    Api.Response chunked = FileUploads.uploadChunked(staff, "big.pdf", big);
    assertThat(chunked.status()).as(chunked.toString()).isEqualTo(413);
    assertThat(chunked.json().getString("message")).contains("1 MB");

    assertThat(rows("attachments")).isEqualTo(files);
    assertThat(rows("file_chunks")).isEqualTo(chunks);
  }

  @Test
  void aProgramRenamedPdfIsRefusedByItsContent() {
    Api.Session staff = sam.login(api);
    long files = rows("attachments");
    Api.Response r = upload(staff, "invoice.pdf", FileUploads.exe());
    assertThat(r.status()).as(r.toString()).isEqualTo(415);
    assertThat(r.error()).isEqualTo("unsupported_type");
    assertThat(rows("attachments")).isEqualTo(files);
  }

  @Test
  void namesAreCleanedOfPathsControlAndBidiCharacters() {
    Api.Session staff = sam.login(api);
    Api.Response r = upload(staff, "../../etc/in\u202Evoice\u0007 fdp.pdf", FileUploads.pdf(1000));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().getJsonObject("attachment").getString("name")).isEqualTo("invoice fdp.pdf");
    Api.Response onlyPath = upload(staff, "../", FileUploads.pdf(1000));
    assertThat(onlyPath.json().getJsonObject("attachment").getString("name")).isEqualTo("file");
  }

  @Test
  void anUploadWithoutANameOrWithABadlyEncodedOneOrEmptyIsRefusedNamingWhy() {
    Api.Session staff = sam.login(api);
    long files = rows("attachments");
    Api.Response unnamed = FileUploads.upload(staff, "x.pdf", HttpRequest.BodyPublishers.ofByteArray(FileUploads.pdf(1000)),
        Map.of("X-Parley-Filename", ""));
    assertThat(unnamed.status()).as(unnamed.toString()).isEqualTo(400);
    assertThat(unnamed.error()).isEqualTo("invalid_filename");
    Api.Response badlyEncoded = FileUploads.upload(staff, "x.pdf", HttpRequest.BodyPublishers.ofByteArray(FileUploads.pdf(1000)),
        Map.of("X-Parley-Filename", "50%zz.pdf"));
    assertThat(badlyEncoded.status()).as(badlyEncoded.toString()).isEqualTo(400);
    assertThat(badlyEncoded.error()).isEqualTo("invalid_filename");
    Api.Response empty = upload(staff, "empty.pdf", new byte[0]);
    assertThat(empty.status()).as(empty.toString()).isEqualTo(400);
    assertThat(empty.error()).isEqualTo("empty_file");
    assertThat(rows("attachments")).isEqualTo(files);
  }

  @Test
  void elevenFilesOnOneSendAreRefusedAndNothingIsSent() {
    Api.Session staff = sam.login(api);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      ids.add(uploaded(staff, "page-" + i + ".pdf", FileUploads.pdf(1000)));
    }
    long messages = rows("messages");
    Api.Response r = staff.post("/api/threads", naming(newThread(chris), ids.toArray(new String[0])));
    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    assertThat(r.error()).isEqualTo("too_many_attachments");
    assertThat(r.json().getString("message")).contains("attachmentIds").contains("10");
    assertThat(rows("messages")).isEqualTo(messages);

    Api.Response ten = staff.post("/api/threads", naming(newThread(chris), ids.subList(0, 10).toArray(new String[0])));
    assertThat(ten.status()).as(ten.toString()).isEqualTo(201);
  }

  @Test
  void anotherPersonsUploadCannotBeAttached() {
    Api.Session staff = sam.login(api);
    String theirs = uploaded(acme.staff("Tom Staff").login(api), "theirs.pdf", FileUploads.pdf(1000));
    long messages = rows("messages");
    Api.Response r = staff.post("/api/threads", naming(newThread(chris), theirs));
    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    assertThat(r.error()).isEqualTo("invalid_attachment");
    assertThat(r.json().getString("message")).contains("attachmentIds");
    assertThat(rows("messages")).isEqualTo(messages);
    assertThat(Sql.count(node.dbUrl(), "select count(*) from attachments where id = '" + theirs + "' and message_id is null"))
        .isEqualTo(1);
  }

  @Test
  void aFileAlreadyOnAMessageCannotBeAttachedAgain() {
    Api.Session staff = sam.login(api);
    String id = uploaded(staff, "once.pdf", FileUploads.pdf(1000));
    String threadId = thread(staff, naming(newThread(chris), id));
    Api.Response again = staff.post("/api/threads/" + threadId + "/messages",
        naming(new JsonObject().put("bodyHtml", "<p>again</p>"), id));
    assertThat(again.status()).as(again.toString()).isEqualTo(422);
    assertThat(again.error()).isEqualTo("invalid_attachment");
  }

  @Test
  void filesOverTheTotalOfAMessageAreRefusedNamingTheLimit() {
    Api.Session staff = sam.login(api);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(uploaded(staff, "part-" + i + ".pdf", FileUploads.pdf(900_000)));
    }
    Api.Response r = staff.post("/api/threads", naming(newThread(chris), ids.toArray(new String[0])));
    assertThat(r.status()).as(r.toString()).isEqualTo(413);
    assertThat(r.error()).isEqualTo("attachments_too_large");
    assertThat(r.json().getString("message")).contains("2 MB");
    assertThat(Sql.count(node.dbUrl(), "select count(*) from attachments where message_id is null and id in ('"
        + String.join("','", ids) + "')")).isEqualTo(3);
  }

  @Test
  void aCookieUploadWithoutTheCsrfHeaderIsRefused() {
    Api.Session staff = sam.login(api);
    Api.Session cookieOnly = new Api.Session(api, null, staff.userId());
    long files = rows("attachments");
    Api.Response r = upload(cookieOnly, "x.pdf", HttpRequest.BodyPublishers.ofByteArray(FileUploads.pdf(1000)),
        Map.of("Cookie", "parley_session=" + staff.token(), "Origin", api.base()));
    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    Api.Response withHeader = upload(cookieOnly, "x.pdf", HttpRequest.BodyPublishers.ofByteArray(FileUploads.pdf(1000)),
        Map.of("Cookie", "parley_session=" + staff.token(), "Origin", api.base(), "X-Parley-CSRF", "1"));
    assertThat(withHeader.status()).as(withHeader.toString()).isEqualTo(201);
    assertThat(rows("attachments")).isEqualTo(files + 1);
  }

  @Test
  void companySettingsSayFilesAreNotScannedWithoutAScanner() {
    Api.Session admin = acme.admin("Ada Admin").login(api);
    assertThat(admin.get("/api/settings/company").json().getBoolean("attachmentsScanned")).isFalse();
  }

  @Test
  void anUnclaimedUploadOlderThanADayIsDeleted() {
    Api.Session staff = sam.login(api);
    String old = uploaded(staff, "forgotten.pdf", FileUploads.pdf(300_000));
    String fresh = uploaded(staff, "fresh.pdf", FileUploads.pdf(1000));
    String sent = uploaded(staff, "sent.pdf", FileUploads.pdf(1000));
    thread(staff, naming(newThread(chris), sent));
    node.asOwner("update attachments set created_at = now() - interval '25 hours' where id in ('" + old + "', '" + sent + "')");

    AttachmentPruner pruner = new AttachmentPruner(node.parley().platform().pool(),
        Uploads.of(node.parley().platform()), java.time.Clock.systemUTC(), java.time.Duration.ofHours(1));
    assertThat(pruner.pruneAll().await()).isGreaterThanOrEqualTo(1L);

    assertThat(Sql.count(node.dbUrl(), "select count(*) from attachments where id = '" + old + "'")).isZero();
    assertThat(Sql.count(node.dbUrl(), "select count(*) from file_chunks where file_id = '" + old + "'")).isZero();
    assertThat(FileUploads.download(staff, fresh).status()).isEqualTo(200);
    assertThat(FileUploads.download(staff, sent).status()).isEqualTo(200);
  }
}
