package dev.parley.audit;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** An admin reads the company's audit log: filtered, a page at a time, and exported as CSV; and is audited for it. */
class AuditLogScreenTest {

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;
  static Fixtures.Person ada;
  static Api.Session admin;
  static Fixtures.Person sam;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    acme = node.fixtures().company("Acme Wealth");
    ada = acme.admin("Ada Admin");
    admin = ada.login(api);
    sam = acme.staff("Sam Staff");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void entriesAreFilteredByActionPersonAndDateAndPagedNewestFirstWithoutGapsOrRepeats() {
    Fixtures.Company co = node.fixtures().company("Paging Partners");
    Fixtures.Person boss = co.admin("Bea Boss");
    Api.Session bea = boss.login(api);
    Fixtures.Person tim = co.staff("Tim Teller");
    for (int i = 0; i < 7; i++) {
      bea.post("/api/admin/groups", new JsonObject().put("kind", "circle").put("name", "Circle " + i));
    }
    tim.login(api);

    List<JsonObject> all = pages(bea, "/api/admin/audit?action=directory.group_changed&limit=3");
    assertThat(all).hasSize(7).allMatch(e -> e.getString("action").equals("directory.group_changed")
        && e.getString("actorId").equals(boss.sid()) && e.getString("actorName").equals("Bea Boss"));
    for (int i = 1; i < all.size(); i++) {
      assertThat(Instant.parse(all.get(i).getString("at"))).isBeforeOrEqualTo(Instant.parse(all.get(i - 1).getString("at")));
    }
    assertThat(all.stream().map(e -> e.getString("target")).distinct()).hasSize(7);

    List<JsonObject> tims = pages(bea, "/api/admin/audit?userId=" + tim.sid());
    assertThat(tims).isNotEmpty().allMatch(e -> tim.sid().equals(e.getString("actorId")));
    assertThat(tims.stream().map(e -> e.getString("action"))).contains("auth.sign_in");
    JsonObject signIn = tims.stream().filter(e -> e.getString("action").equals("auth.sign_in")).findFirst().orElseThrow();
    assertThat(signIn.getString("targetName")).as("a target that is a person is named").isEqualTo("Tim Teller");

    String today = LocalDate.now(ZoneOffset.UTC).toString();
    String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
    assertThat(pages(bea, "/api/admin/audit?action=directory.group_changed&from=" + today + "&to=" + today)).hasSize(7);
    assertThat(pages(bea, "/api/admin/audit?action=directory.group_changed&from=" + tomorrow)).isEmpty();
    assertThat(pages(bea, "/api/admin/audit?action=directory.group_changed&to=2000-01-01")).isEmpty();
  }

  @Test
  void badFiltersAnswer400NamingTheParameter() {
    assertThat(message(admin.get("/api/admin/audit?from=yesterday"))).contains("'from'");
    assertThat(message(admin.get("/api/admin/audit?to=2026-13-01"))).contains("'to'");
    assertThat(message(admin.get("/api/admin/audit?from=2026-12-02&to=2026-12-01"))).contains("'from' must be before 'to'");
    assertThat(message(admin.get("/api/admin/audit?userId=sam"))).contains("'userId'");
    assertThat(message(admin.get("/api/admin/audit?limit=1000"))).contains("'limit'");
    assertThat(message(admin.get("/api/admin/audit?cursor=not-one"))).contains("'cursor'");
    assertThat(message(admin.get("/api/admin/audit.csv?from=soon"))).contains("'from'");
  }

  @Test
  void readingAndExportingTheLogAreAuditedWithTheFilters() {
    Fixtures.Company co = node.fixtures().company("Watched Wealth");
    Fixtures.Person watcher = co.admin("Wes Watcher");
    Api.Session wes = watcher.login(api);
    assertThat(wes.get("/api/admin/audit?action=auth.sign_in").status()).isEqualTo(200);
    assertThat(wes.get("/api/admin/audit.csv?userId=" + watcher.sid()).status()).isEqualTo(200);

    JsonArray views = wes.get("/api/admin/audit?action=audit.viewed").array("entries");
    assertThat(views).hasSize(1);
    assertThat(views.getJsonObject(0).getString("actorId")).isEqualTo(watcher.sid());
    assertThat(views.getJsonObject(0).getJsonObject("detail").getString("action")).isEqualTo("auth.sign_in");
    JsonArray exports = wes.get("/api/admin/audit?action=audit.exported").array("entries");
    assertThat(exports).hasSize(1);
    assertThat(exports.getJsonObject(0).getJsonObject("detail").getString("userId")).isEqualTo(watcher.sid());
  }

  @Test
  void theExportIsTheFilteredLogAsCsvThatASpreadsheetCannotRunAsFormulas() throws Exception {
    Fixtures.Company co = node.fixtures().company("Formula Finance");
    Fixtures.Person boss = co.admin("Fay Finance");
    Api.Session fay = boss.login(api);
    co.staff("-2+3 Hostile").login(api);
    // the log's own rows for a hostile target
    node.parley().platform().pool().preparedQuery(
            "insert into audit_log (company_id, actor_id, action, target, address) values ($1, $2, 'test.hostile', $3, $4)")
        .execute(Tuple.of(co.id, boss.id(), "=cmd|' /C calc'!A0", "@evil")).await();

    Api.Response csv = fay.get("/api/admin/audit.csv?action=test.hostile");
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.header("Content-Type")).startsWith("text/csv");
    assertThat(csv.header("Content-Disposition")).contains("attachment", "audit-log.csv");
    assertThat(csv.body()).startsWith("at,action,actor_id,actor_name,target,target_name,address,detail\r\n");
    List<CSVRecord> rows = parse(csv.body());
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("target")).isEqualTo("'=cmd|' /C calc'!A0");
    assertThat(rows.get(0).get("address")).isEqualTo("'@evil");
    assertThat(rows.get(0).get("actor_name")).isEqualTo("Fay Finance");

    List<CSVRecord> signIns = parse(fay.get("/api/admin/audit.csv?action=auth.sign_in").body());
    assertThat(signIns.stream().map(r -> r.get("actor_name"))).containsExactlyInAnyOrder("Fay Finance", "'-2+3 Hostile");
    for (CSVRecord r : signIns) {
      for (String cell : r.values()) {
        assertThat(cell).doesNotStartWith("=").doesNotStartWith("+").doesNotStartWith("-").doesNotStartWith("@");
      }
    }
  }

  @Test
  void theExportStreamsEveryMatchingEntryAcrossManyPages() throws Exception {
    Fixtures.Company co = node.fixtures().company("Bulk Brokers");
    Fixtures.Person boss = co.admin("Bo Bulk");
    node.parley().platform().pool().preparedQuery(
            "insert into audit_log (company_id, actor_id, action, target) select $1, $2, 'test.bulk', 'row ' || g from generate_series(1, $3) g")
        .execute(Tuple.of(co.id, boss.id(), AuditRoutes.EXPORT_PAGE * 2 + 17)).await();
    List<CSVRecord> rows = parse(boss.login(api).get("/api/admin/audit.csv?action=test.bulk").body());
    assertThat(rows).hasSize(AuditRoutes.EXPORT_PAGE * 2 + 17);
    assertThat(rows.stream().map(r -> r.get("target")).distinct()).hasSize(AuditRoutes.EXPORT_PAGE * 2 + 17);
  }

  /**
   * With a log of 200,000 entries, of which one company's are a small part, each filter's page is read
   * through its own index by time, never by scanning the table.
   */
  @Test
  void eachFiltersPageReadsAnIndexNotTheWholeLog() {
    UUID big = node.fixtures().company("Big Bank").id;
    node.parley().platform().pool().preparedQuery("""
            insert into audit_log (company_id, actor_id, action, target, at)
            select case when g % 50 = 0 then $1 else gen_random_uuid() end, gen_random_uuid(),
                   (array['auth.sign_in', 'messaging.message_sent', 'messaging.thread_viewed'])[1 + g % 3],
                   'thread ' || g, now() - g * interval '1 second'
              from generate_series(1, 200000) g""")
        .execute(Tuple.of(big)).await();
    node.asOwner("analyze audit_log");

    Map<String, String> filters = Map.of(
        "no filter", "",
        "action", "action=messaging.message_sent",
        "person", "userId=" + UUID.randomUUID(),
        "date range", "from=2026-01-01&to=2026-12-31",
        "action, person, dates and cursor", "action=auth.sign_in&userId=" + UUID.randomUUID() + "&from=2026-01-01&cursor="
            + dev.parley.Keyset.encode(Instant.now().toString(), "12345"));
    filters.forEach((what, query) -> {
      Map<String, String> params = new java.util.HashMap<>();
      for (String pair : query.split("&")) {
        if (!pair.isEmpty()) {
          params.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
      }
      AuditFilter.Statement st = AuditFilter.from(params::get).statement(big);
      List<String> plan = new ArrayList<>();
      for (Row r : node.parley().platform().pool().preparedQuery("explain " + st.sql()).execute(Tuple.from(st.params())).await()) {
        plan.add(r.getString(0));
      }
      String explained = String.join("\n", plan);
      assertThat(explained).as(what + ":\n" + explained).doesNotContain("Seq Scan on audit_log")
          .containsPattern("audit_log_company_(at_id|action|actor)_idx");
      if (what.equals("person")) {
        assertThat(explained).as(what + ":\n" + explained).contains("audit_log_company_actor_idx");
      }
    });
  }

  private static List<JsonObject> pages(Api.Session s, String path) {
    List<JsonObject> out = new ArrayList<>();
    String cursor = null;
    do {
      Api.Response page = s.get(path + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      page.array("entries").forEach(e -> out.add((JsonObject) e));
      cursor = page.json().getString("nextCursor");
    } while (cursor != null);
    return out;
  }

  /** The rows after the header, read by the header's names. */
  private static List<CSVRecord> parse(String csv) throws Exception {
    try (CSVParser p = CSVParser.parse(new StringReader(csv), CSVFormat.DEFAULT.builder().setHeader().get())) {
      return p.getRecords();
    }
  }

  private static String message(Api.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    return r.json().getString("message");
  }
}
