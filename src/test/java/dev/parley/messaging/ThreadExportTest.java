package dev.parley.messaging;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A thread's PDF export: what the caller may see of it, and nothing more. */
class ThreadExportTest {

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;
  static Fixtures.Person staff;

  @BeforeAll
  static void start() {
    // the first export of a node loads the layout engine and its fonts: seconds on a loaded machine,
    // which the default request deadline (10 s) does not always cover; this test is about content
    node = TestNode.start(java.util.Map.of("PARLEY_REQUEST_TIMEOUT_SECONDS", "60"));
    api = node.api();
    acme = node.fixtures().company("Acme Accounting");
    staff = acme.staff("Sam Staff");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** The export as the caller downloads it: its status, type and bytes. */
  record Download(int status, String type, byte[] body) {
    String text() throws Exception {
      try (PDDocument pdf = Loader.loadPDF(body)) {
        return new PDFTextStripper().getText(pdf);
      }
    }
  }

  static Download export(Api.Session s, String thread, String query) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create(api.base() + "/api/threads/" + thread + "/export.pdf" + query))
        .header("Authorization", "Bearer " + s.token()).GET().build();
    HttpResponse<byte[]> a = HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofByteArray());
    return new Download(a.statusCode(), a.headers().firstValue("Content-Type").orElse(""), a.body());
  }

  static String send(Api.Session s, String thread, Fixtures.Person to, String body) {
    Api.Response r = s.post("/api/threads/" + thread + "/messages", new JsonObject()
        .put("to", new JsonArray().add(to.sid())).put("bodyHtml", body));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getJsonObject("message").getString("id");
  }

  @Test
  void theStaffsExportHoldsEveryMessageAndAContactsLacksOneSentToAnotherClient() throws Exception {
    Fixtures.Person alice = acme.client("Alice Anders");
    Fixtures.Person bruno = acme.client("Bruno Berg");
    Api.Session s = staff.login(api);
    String thread = s.startThread("Year-end accounts", "<p>Opening words for both</p>", alice, bruno);
    send(s, thread, bruno, "<p>Only for Bruno: the salary figures</p>");
    send(s, thread, alice, "<p>Only for Alice: <b>the dividend</b> plan</p>");
    Api.Session a = alice.login(api);
    assertThat(a.post("/api/threads/" + thread + "/read", new JsonObject()).status()).isEqualTo(204);

    Download staffs = export(s, thread, "?tz=Asia/Tokyo");
    assertThat(staffs.status()).isEqualTo(200);
    assertThat(staffs.type()).isEqualTo("application/pdf");
    String all = staffs.text();
    assertThat(all).contains("Acme Accounting", "Year-end accounts", "Exported", "Sam Staff", "JST (+09:00)",
        "Opening words for both", "Only for Bruno: the salary figures", "Only for Alice:", "the dividend", "Alice Anders",
        "Bruno Berg", "Read: Alice Anders");
    assertThat(all.indexOf("Opening words")).isLessThan(all.indexOf("Only for Bruno")).isLessThan(all.indexOf("Only for Alice"));

    String alices = export(a, thread, "").text();
    assertThat(alices).contains("Acme Accounting", "Year-end accounts", "Alice Anders", "Opening words for both",
        "Only for Alice:", "UTC")
        .doesNotContain("Only for Bruno", "salary", "Bruno Berg");

    List<Row> audited = new ArrayList<>();
    node.parley().platform().pool().preparedQuery("select actor_id, target from audit_log where action = 'messaging.thread_exported'"
        + " and target = $1 order by id").execute(Tuple.of(thread)).await().forEach(audited::add);
    assertThat(audited).extracting(r -> r.getUUID("actor_id")).containsExactly(staff.id(), alice.id());
  }

  @Test
  void namesAndWordsBeyondLatin1KeepEveryLetterInTheExport() throws Exception {
    Fixtures.Person client = acme.client("Łucja Żółkiewska");
    Api.Session s = staff.login(api);
    String thread = s.startThread("Umowa — договор", "<p>Zażółć gęślą jaźń. Привет, мир. Καλημέρα.</p>", client);

    Download d = export(s, thread, "");
    assertThat(d.status()).isEqualTo(200);
    assertThat(d.text()).contains("Łucja Żółkiewska", "Umowa — договор", "Zażółć gęślą jaźń.", "Привет, мир.", "Καλημέρα.");
  }

  @Test
  void anotherCompanysThreadOrOneIAmNotOnAnswers404AndABadZone400() throws Exception {
    Fixtures.Company other = node.fixtures().company("Other Co");
    Fixtures.Person outsider = other.staff("Otto Outsider");
    String foreign = outsider.login(api).startThread("Theirs", "<p>x</p>", other.client("Their Client"));
    Fixtures.Person client = acme.client("Nora Notonit");
    String notMine = staff.login(api).startThread("Not yours", "<p>y</p>", client);
    Api.Session bystander = acme.staff("Bea Bystander").login(api);
    Api.Session otherClient = acme.client("Cleo Client").login(api);
    for (Api.Session who : List.of(bystander, otherClient)) {
      for (String thread : List.of(foreign, notMine, UUID.randomUUID().toString(), "not-an-id")) {
        assertThat(export(who, thread, "").status()).as(thread).isEqualTo(404);
      }
    }
    Download bad = export(client.login(api), notMine, "?tz=Mars/Olympus");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(new String(bad.body())).contains("'tz'");
  }
}
