package dev.parley.directory;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin's list of people (search, filters, pages), a person's page, and adding people from a CSV file. */
class AdminPeopleTest {

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;
  static Api.Session admin;
  static Fixtures.Person casey;
  static Fixtures.Person olly;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    acme = node.fixtures().company("Acme Wealth");
    admin = acme.admin("Ada Admin").login(api);
    casey = acme.staff("Casey Coordinator");
    olly = acme.staff("Olly Staff");
    acme.clients("Client", 7, casey);
    acme.prospect("Pat Prospect", olly);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void theListIsSearchedByNameOrEmailAndFilteredByRoleActiveAndCoordinator() {
    assertThat(names(admin.get("/api/admin/users?q=coordinator"))).containsExactly("Casey Coordinator");
    assertThat(names(admin.get("/api/admin/users?q=" + olly.email().substring(0, 8)))).contains("Olly Staff");
    assertThat(names(admin.get("/api/admin/users?role=prospect"))).containsExactly("Pat Prospect");
    assertThat(names(admin.get("/api/admin/users?coordinator=" + casey.sid()))).hasSize(7).allMatch(n -> n.startsWith("Client"));
    assertThat(names(admin.get("/api/admin/users?q=100%25"))).as("a % is searched for, not a wildcard").isEmpty();

    Fixtures.Person gone = acme.staff("Gina Gone");
    assertThat(admin.patch("/api/admin/users/" + gone.sid(), new JsonObject().put("active", false)).status()).isEqualTo(200);
    assertThat(names(admin.get("/api/admin/users?active=false"))).containsExactly("Gina Gone");
    assertThat(names(admin.get("/api/admin/users?active=true"))).doesNotContain("Gina Gone").contains("Olly Staff");
  }

  @Test
  void pagesFollowOneAnotherByNameWithNoPersonTwiceOrLeftOut() {
    String caseys = "/api/admin/users?role=client&coordinator=" + casey.sid();
    List<String> all = names(admin.get(caseys));
    List<String> paged = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Api.Response page = admin.get(caseys + "&limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      assertThat(page.array("users").size()).isLessThanOrEqualTo(3);
      paged.addAll(names(page));
      cursor = page.json().getString("nextCursor");
      pages++;
    } while (cursor != null);
    assertThat(paged).isEqualTo(all).hasSize(7);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void badFiltersAnswer400NamingTheParameter() {
    assertThat(message(admin.get("/api/admin/users?role=boss"))).contains("'role'");
    assertThat(message(admin.get("/api/admin/users?active=maybe"))).contains("'active'");
    assertThat(message(admin.get("/api/admin/users?coordinator=nope"))).contains("'coordinator'");
    assertThat(message(admin.get("/api/admin/users?limit=0"))).contains("'limit'");
    assertThat(message(admin.get("/api/admin/users?cursor=bogus"))).contains("'cursor'");
    assertThat(message(admin.get("/api/admin/users?q=" + "x".repeat(101)))).contains("'q'");
  }

  @Test
  void aClientsPageShowsItsCoordinatorAndACoordinatorsPageItsClients() {
    Fixtures.Person cleo = acme.client("Cleo Coordinated", olly);
    JsonObject clientPage = admin.get("/api/admin/users/" + cleo.sid()).json();
    assertThat(clientPage.getJsonObject("user").getString("name")).isEqualTo("Cleo Coordinated");
    assertThat(clientPage.getJsonObject("coordinator").getString("name")).isEqualTo("Olly Staff");

    JsonArray clients = admin.get("/api/admin/users/" + olly.sid()).json().getJsonArray("clients");
    assertThat(clients.stream().map(c -> ((JsonObject) c).getString("name"))).containsExactly("Cleo Coordinated", "Pat Prospect");
    assertThat(admin.get("/api/admin/users/00000000-0000-0000-0000-000000000000").status()).isEqualTo(404);
  }

  @Test
  void aPreviewNamesWhatIsWrongWithEachRowAndAddsNobody() {
    int before = userCount();
    String csv = """
        name,email,role,coordinator email
        Nia New,nia.new@example.test,client,%s
        Bad Email,not-an-email,client
        Ruth Role,ruth@example.test,boss
        Dee Dupe,dee@example.test,prospect
        Dee Again,DEE@example.test,prospect
        Existing,%s,staff
        Una Unknown,una@example.test,client,nobody@example.test
        Sara Staff,sara@example.test,staff
        Carl Coordinated,carl@example.test,client,sara@example.test
        """.formatted(casey.email(), olly.email());
    Api.Response preview = admin.post("/api/admin/users/import?dryRun=true", new JsonObject().put("csv", csv));
    assertThat(preview.status()).as(preview.toString()).isEqualTo(200);
    JsonArray rows = preview.array("rows");
    assertThat(rows).hasSize(9);
    assertThat(errors(rows, 0)).isEqualTo("[]");
    assertThat(errors(rows, 1)).contains("email is not an email address");
    assertThat(errors(rows, 2)).contains("is not one of admin, staff, client, prospect");
    assertThat(errors(rows, 3)).isEqualTo("[]");
    assertThat(errors(rows, 4)).contains("also on line 5");
    assertThat(errors(rows, 5)).contains("already exists");
    assertThat(errors(rows, 6)).contains("coordinator nobody@example.test is not a staff member");
    assertThat(errors(rows, 8)).as("a coordinator may be a staff row of the same file").isEqualTo("[]");
    assertThat(rows.getJsonObject(1).getLong("line")).isEqualTo(3);
    assertThat(preview.json().getInteger("invalid")).isEqualTo(5);
    assertThat(userCount()).isEqualTo(before);
  }

  @Test
  void anImportWithOneBadRowAddsNobodyAndOneWithNoneAddsEveryone() {
    int before = userCount();
    String bad = "Ann One,ann.one@example.test,client\nBen Two,ben.two@example.test,staff\nCat Three,cat.three@example.test,chief\n";
    Api.Response refused = admin.post("/api/admin/users/import", new JsonObject().put("csv", bad));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(refused.error()).isEqualTo("import_invalid");
    assertThat(refused.array("rows").getJsonObject(2).getJsonArray("errors").encode()).contains("'chief'");
    assertThat(userCount()).as("never half imported").isEqualTo(before);

    String good = "Ann One,ann.one@example.test,client,ben.two@example.test\nBen Two,ben.two@example.test,staff\n";
    Api.Response imported = admin.post("/api/admin/users/import", new JsonObject().put("csv", good));
    assertThat(imported.status()).as(imported.toString()).isEqualTo(201);
    assertThat(imported.json().getInteger("imported")).isEqualTo(2);
    assertThat(userCount()).isEqualTo(before + 2);
    JsonObject ann = admin.get("/api/admin/users?q=ann.one").array("users").getJsonObject(0);
    JsonObject ben = admin.get("/api/admin/users?q=ben.two").array("users").getJsonObject(0);
    assertThat(ann.getString("coordinatorId")).isEqualTo(ben.getString("id"));
    assertThat(ann.getString("role")).isEqualTo("client");
    long audited = node.parley().platform().pool()
        .query("select count(*) from audit_log where action = 'directory.users_imported' and detail->>'count' = '2'").execute().await()
        .iterator().next().getLong(0);
    assertThat(audited).isEqualTo(1);

    Api.Response again = admin.post("/api/admin/users/import", new JsonObject().put("csv", good));
    assertThat(again.status()).isEqualTo(422);
    assertThat(userCount()).isEqualTo(before + 2);
  }

  @Test
  void aFileOverTheCapsAnswers413AndNotCsvAnswers400() {
    int before = userCount();
    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= UserImport.MAX_ROWS; i++) {
      many.append("P").append(i).append(",p").append(i).append("@example.test,client\n");
    }
    Api.Response tooMany = admin.post("/api/admin/users/import", new JsonObject().put("csv", many.toString()));
    assertThat(tooMany.status()).isEqualTo(413);
    assertThat(message(tooMany)).contains("'csv'", "at most " + UserImport.MAX_ROWS);
    Api.Response tooBig = admin.post("/api/admin/users/import?dryRun=true",
        new JsonObject().put("csv", "A," + "a".repeat(UserImport.MAX_CHARS) + "@example.test,client"));
    assertThat(tooBig.status()).isEqualTo(413);
    Api.Response notCsv = admin.post("/api/admin/users/import", new JsonObject().put("csv", "\"Ann,ann@example.test,client"));
    assertThat(notCsv.status()).isEqualTo(400);
    assertThat(message(notCsv)).contains("'csv' is not valid CSV");
    assertThat(message(admin.post("/api/admin/users/import", new JsonObject()))).contains("'csv' is required");
    assertThat(message(admin.post("/api/admin/users/import", new JsonObject().put("csv", "x").put("extra", 1)))).contains("unknown field 'extra'");
    assertThat(userCount()).isEqualTo(before);
  }

  private static List<String> names(Api.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.array("users").forEach(u -> out.add(((JsonObject) u).getString("name")));
    return out;
  }

  private static String message(Api.Response r) {
    assertThat(r.status()).as(r.toString()).isBetween(400, 499);
    return r.json().getString("message");
  }

  private static String errors(JsonArray rows, int i) {
    return rows.getJsonObject(i).getJsonArray("errors").encode();
  }

  private static int userCount() {
    return admin.get("/api/admin/users").array("users").size();
  }
}
