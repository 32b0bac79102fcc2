package dev.parley.directory;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The recipient picker offers only people the caller may message. */
class RecipientsTest {

  static TestNode node;
  static Api api;
  static Fixtures.Person admin;
  static Fixtures.Person sam;
  static Fixtures.Person casey;
  static Fixtures.Person chris;
  static Fixtures.Person dana;
  static Fixtures.Person pat;
  static Fixtures.Person goneStaff;
  static Fixtures.Person goneClient;
  static Fixtures.Person foreignStaff;
  static Fixtures.Person foreignClient;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    Fixtures.Company acme = node.fixtures().company("Acme Wealth");
    admin = acme.admin("Ada Admin");
    sam = acme.staff("Sam Rivera");
    casey = acme.staff("Casey Morgan");
    chris = acme.client("Chris Client", casey);
    dana = acme.client("Dana Brooks", casey);
    pat = acme.prospect("Pat Prospect");
    goneStaff = acme.staff("Gone Staff");
    goneClient = acme.client("Gone Client");
    Api.Session adminSession = admin.login(api);
    for (Fixtures.Person gone : List.of(goneStaff, goneClient)) {
      adminSession.patch("/api/admin/users/" + gone.sid(), new JsonObject().put("active", false));
    }
    Fixtures.Company globex = node.fixtures().company("Globex Advisors");
    foreignStaff = globex.staff("Sam Foreign");
    foreignClient = globex.client("Chris Foreign");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void staffSeeEveryoneActiveInTheirCompanyButThemselves() {
    assertThat(recipientIds(sam, "")).containsExactlyInAnyOrder(admin.sid(), casey.sid(), chris.sid(), dana.sid(), pat.sid());
    assertThat(recipientIds(admin, "")).containsExactlyInAnyOrder(sam.sid(), casey.sid(), chris.sid(), dana.sid(), pat.sid());
  }

  @Test
  void clientsAndProspectsSeeActiveStaffOnlyNeverAnotherContact() {
    for (Fixtures.Person contact : List.of(chris, dana, pat)) {
      assertThat(recipientIds(contact, "")).as(contact.name()).containsExactlyInAnyOrder(admin.sid(), sam.sid(), casey.sid());
    }
  }

  @Test
  void nobodyFromAnotherCompanyIsOffered() {
    for (Fixtures.Person p : List.of(admin, sam, chris)) {
      assertThat(recipientIds(p, "?q=Foreign")).isEmpty();
    }
    assertThat(recipientIds(foreignStaff, "")).containsExactly(foreignClient.sid());
  }

  @Test
  void theQueryNarrowsByNameAndAContactCannotFindAnotherContactByAnyQuery() {
    assertThat(recipientIds(sam, "?q=brooks")).containsExactly(dana.sid());
    assertThat(recipientIds(sam, "?q=" + dana.email())).containsExactly(dana.sid());
    assertThat(recipientIds(chris, "?q=Dana")).isEmpty();
    assertThat(recipientIds(chris, "?q=" + dana.email())).isEmpty();
  }

  @Test
  void likeWildcardsInTheQueryAreTakenLiterally() {
    assertThat(recipientIds(sam, "?q=%25")).isEmpty();
    assertThat(recipientIds(sam, "?q=_")).isEmpty();
    assertThat(recipientIds(sam, "?q=D%25a")).isEmpty();
    assertThat(recipientIds(sam, "?q=%20")).hasSize(5);
  }

  @Test
  void eachRecipientShowsIdNameAndRoleButNoEmail() {
    Api.Response r = chris.login(api).get("/api/recipients");
    JsonObject first = r.array("recipients").getJsonObject(0);
    assertThat(first.fieldNames()).containsExactlyInAnyOrder("id", "name", "role");
    assertThat(r.body()).doesNotContain("@");
  }

  @Test
  void anOverlongQueryAnswers400() {
    Api.Response r = sam.login(api).get("/api/recipients?q=" + "x".repeat(101));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getString("message")).contains("'q'");
  }

  private static List<String> recipientIds(Fixtures.Person viewer, String query) {
    Api.Response r = viewer.login(api).get("/api/recipients" + query);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.array("recipients").stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }
}
