package dev.parley.directory;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** An admin of one company reaching for the ids of another: nothing there exists for them. */
class TenancyTest {

  static TestNode node;
  static Api api;
  static Api.Session acmeAdmin;
  static Api.Session globexAdmin;
  static Fixtures.Person globexStaff;
  static Fixtures.Person globexClient;
  static String globexGroupId;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    Fixtures.Company acme = node.fixtures().company("Acme Wealth");
    Fixtures.Company globex = node.fixtures().company("Globex Advisors");
    acmeAdmin = acme.admin("Ada Admin").login(api);
    acme.staff("Sam Staff");
    globexAdmin = globex.admin("Gil Admin").login(api);
    globexStaff = globex.staff("Gwen Staff");
    globexClient = globex.client("Gus Client", globexStaff);
    globexGroupId = globexAdmin.post("/api/admin/groups", new JsonObject().put("kind", "team").put("name", "Globex Desk")
        .put("memberIds", new JsonArray().add(globexStaff.sid()))).json().getString("id");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void anotherCompanysUserAnswers404OnPatchExactlyLikeAnIdThatDoesNotExist() {
    Api.Response foreign = acmeAdmin.patch("/api/admin/users/" + globexClient.sid(), new JsonObject().put("name", "Taken Over"));
    Api.Response unknown = acmeAdmin.patch("/api/admin/users/" + UUID.randomUUID(), new JsonObject().put("name", "Taken Over"));
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(foreign.body()).isEqualTo(unknown.body());

    Api.Response deactivate = acmeAdmin.patch("/api/admin/users/" + globexStaff.sid(), new JsonObject().put("active", false));
    assertThat(deactivate.status()).isEqualTo(404);
    assertThat(globexStaff.login(api).get("/api/me").status()).isEqualTo(200);
    assertThat(globexUser(globexClient.sid()).getString("name")).isEqualTo("Gus Client");
  }

  @Test
  void anotherCompanysGroupAnswers404OnPatchAndDeleteExactlyLikeAnIdThatDoesNotExist() {
    Api.Response patch = acmeAdmin.patch("/api/admin/groups/" + globexGroupId, new JsonObject().put("name", "Taken Over"));
    Api.Response patchUnknown = acmeAdmin.patch("/api/admin/groups/" + UUID.randomUUID(), new JsonObject().put("name", "Taken Over"));
    Api.Response delete = acmeAdmin.delete("/api/admin/groups/" + globexGroupId);
    Api.Response deleteUnknown = acmeAdmin.delete("/api/admin/groups/" + UUID.randomUUID());

    assertThat(patch.status()).isEqualTo(404);
    assertThat(patch.body()).isEqualTo(patchUnknown.body());
    assertThat(delete.status()).isEqualTo(404);
    assertThat(delete.body()).isEqualTo(deleteUnknown.body());

    JsonArray groups = globexAdmin.get("/api/admin/groups").array("groups");
    assertThat(groups).hasSize(1);
    assertThat(groups.getJsonObject(0).getString("name")).isEqualTo("Globex Desk");
  }

  @Test
  void listsShowOnlyTheAdminsOwnCompany() {
    JsonArray users = acmeAdmin.get("/api/admin/users").array("users");
    assertThat(users).hasSize(2);
    assertThat(users.encode()).doesNotContain(globexStaff.sid(), globexClient.sid(), globexStaff.email());
    assertThat(acmeAdmin.get("/api/admin/groups").array("groups")).isEmpty();
    assertThat(acmeAdmin.get("/api/recipients").body()).doesNotContain(globexStaff.sid(), globexClient.sid());
  }

  @Test
  void anotherCompanysStaffCannotBeMadeCoordinatorOrGroupMember() {
    Api.Response coordinator = acmeAdmin.post("/api/admin/users", new JsonObject()
        .put("email", "cross.tenant@example.test").put("name", "Cross Tenant").put("role", "client")
        .put("coordinatorId", globexStaff.sid()));
    assertThat(coordinator.status()).isEqualTo(400);
    assertThat(coordinator.json().getString("message")).contains("coordinatorId");

    Api.Response member = acmeAdmin.post("/api/admin/groups", new JsonObject().put("kind", "circle").put("name", "Mixed")
        .put("memberIds", new JsonArray().add(globexStaff.sid())));
    assertThat(member.status()).isEqualTo(400);
    assertThat(member.json().getString("message")).contains("memberIds");

    assertThat(acmeAdmin.get("/api/admin/users").array("users")).hasSize(2);
    assertThat(acmeAdmin.get("/api/admin/groups").array("groups")).isEmpty();
  }

  private static JsonObject globexUser(String id) {
    return globexAdmin.get("/api/admin/users").array("users").stream().map(JsonObject.class::cast)
        .filter(u -> u.getString("id").equals(id)).findFirst().orElseThrow();
  }
}
