package dev.parley.directory;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** An admin managing the people, Circles and Teams of their company. */
class AdminDirectoryTest {

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;
  static Fixtures.Person adminPerson;
  static Api.Session admin;
  static Fixtures.Person coordinator;
  static Fixtures.Person otherStaff;
  static Fixtures.Person client;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    acme = node.fixtures().company("Acme Wealth");
    adminPerson = acme.admin("Ada Admin");
    admin = adminPerson.login(api);
    coordinator = acme.staff("Casey Coordinator");
    otherStaff = acme.staff("Olly Staff");
    client = acme.client("Cleo Client", coordinator);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void anAdminCreatesAClientWithACoordinatorWhoThenSignsIn() {
    Api.Response created = admin.post("/api/admin/users", new JsonObject()
        .put("email", "  New.Client@Example.TEST ").put("name", " Nia New ").put("role", "client")
        .put("password", "a-long-enough-password").put("coordinatorId", coordinator.sid()));

    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonObject user = created.json();
    assertThat(user.getString("email")).isEqualTo("new.client@example.test");
    assertThat(user.getString("name")).isEqualTo("Nia New");
    assertThat(user.getString("role")).isEqualTo("client");
    assertThat(user.getString("coordinatorId")).isEqualTo(coordinator.sid());
    assertThat(user.getBoolean("active")).isTrue();
    assertThat(created.body()).doesNotContain("password", "$2b$");

    assertThat(admin.get("/api/admin/users").array("users").encode()).contains(user.getString("id"));
    Api.Session newcomer = api.login("new.client@example.test", "a-long-enough-password");
    assertThat(newcomer.get("/api/me").json().getString("role")).isEqualTo("client");
  }

  @Test
  void aUserCreatedWithoutAPasswordCannotSignIn() {
    Api.Response created = admin.post("/api/admin/users", new JsonObject()
        .put("email", "invited@example.test").put("name", "Ivy Invited").put("role", "staff"));
    assertThat(created.status()).isEqualTo(201);
    Api.Response login = api.post("/api/auth/login", new JsonObject().put("email", "invited@example.test").put("password", ""));
    assertThat(login.status()).isEqualTo(400);
    login = api.post("/api/auth/login", new JsonObject().put("email", "invited@example.test").put("password", "anything-at-all"));
    assertThat(login.status()).isEqualTo(401);
  }

  @Test
  void aSecondUserWithTheSameEmailAnswers409WhateverTheCase() {
    int before = userCount();
    Api.Response duplicate = admin.post("/api/admin/users", new JsonObject()
        .put("email", client.email().toUpperCase()).put("name", "Copy Cat").put("role", "prospect"));
    assertThat(duplicate.status()).isEqualTo(409);
    assertThat(duplicate.error()).isEqualTo("email_taken");
    assertThat(userCount()).isEqualTo(before);

    Api.Response renamed = admin.patch("/api/admin/users/" + otherStaff.sid(), new JsonObject().put("email", client.email()));
    assertThat(renamed.status()).isEqualTo(409);
  }

  @Test
  void aCoordinatorMustBeStaffAndOnlyContactsHaveOne() {
    int before = userCount();
    Api.Response contactAsCoordinator = admin.post("/api/admin/users", new JsonObject()
        .put("email", "c1@example.test").put("name", "C One").put("role", "client").put("coordinatorId", client.sid()));
    assertThat(contactAsCoordinator.status()).isEqualTo(400);
    assertThat(contactAsCoordinator.json().getString("message")).contains("coordinatorId");

    Api.Response staffWithCoordinator = admin.post("/api/admin/users", new JsonObject()
        .put("email", "s1@example.test").put("name", "S One").put("role", "staff").put("coordinatorId", coordinator.sid()));
    assertThat(staffWithCoordinator.status()).isEqualTo(400);
    assertThat(staffWithCoordinator.json().getString("message")).contains("coordinator");
    assertThat(userCount()).isEqualTo(before);
  }

  @Test
  void anAdminChangesANameARoleAndACoordinator() {
    Fixtures.Person prospect = acme.prospect("Pat Prospect", coordinator);
    Api.Response changed = admin.patch("/api/admin/users/" + prospect.sid(), new JsonObject()
        .put("name", "Pat Promoted").put("role", "client").put("coordinatorId", otherStaff.sid()));
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    assertThat(changed.json().getString("name")).isEqualTo("Pat Promoted");
    assertThat(changed.json().getString("role")).isEqualTo("client");
    assertThat(changed.json().getString("coordinatorId")).isEqualTo(otherStaff.sid());

    Api.Response toStaff = admin.patch("/api/admin/users/" + prospect.sid(), new JsonObject().put("role", "staff"));
    assertThat(toStaff.status()).isEqualTo(200);
    assertThat(toStaff.json().getValue("coordinatorId")).isNull();
  }

  @Test
  void anAdminCannotDeactivateOrDemoteThemselves() {
    Api.Response deactivate = admin.patch("/api/admin/users/" + adminPerson.sid(), new JsonObject().put("active", false));
    Api.Response demote = admin.patch("/api/admin/users/" + adminPerson.sid(), new JsonObject().put("role", "staff"));
    assertThat(deactivate.status()).isEqualTo(400);
    assertThat(demote.status()).isEqualTo(400);
    assertThat(admin.get("/api/me").json().getString("role")).isEqualTo("admin");
  }

  @Test
  void aWeakPasswordIsRefusedWithTheRule() {
    Api.Response weak = admin.post("/api/admin/users", new JsonObject()
        .put("email", "weak@example.test").put("name", "Wen Weak").put("role", "client").put("password", "short"));
    assertThat(weak.status()).isEqualTo(400);
    assertThat(weak.json().getString("message")).contains("at least 10 characters");
  }

  @Test
  void anAdminCreatesRenamesRestaffsAndDeletesAGroup() {
    Api.Response created = admin.post("/api/admin/groups", new JsonObject().put("kind", "team").put("name", "Front Desk")
        .put("memberIds", new JsonArray().add(coordinator.sid()).add(otherStaff.sid()).add(coordinator.sid())));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().getString("id");
    assertThat(created.json().getString("kind")).isEqualTo("team");
    assertThat(created.json().getJsonArray("memberIds")).containsExactlyInAnyOrder(coordinator.sid(), otherStaff.sid());

    Api.Response changed = admin.patch("/api/admin/groups/" + id, new JsonObject().put("name", "Reception")
        .put("memberIds", new JsonArray().add(adminPerson.sid())));
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    assertThat(changed.json().getString("name")).isEqualTo("Reception");
    assertThat(changed.json().getJsonArray("memberIds")).containsExactly(adminPerson.sid());

    Api.Response renamedOnly = admin.patch("/api/admin/groups/" + id, new JsonObject().put("name", "Welcome Desk"));
    assertThat(renamedOnly.json().getJsonArray("memberIds")).containsExactly(adminPerson.sid());

    assertThat(admin.delete("/api/admin/groups/" + id).status()).isEqualTo(204);
    assertThat(admin.delete("/api/admin/groups/" + id).status()).isEqualTo(404);
    assertThat(admin.patch("/api/admin/groups/" + id, new JsonObject().put("name", "Ghost")).status()).isEqualTo(404);
  }

  @Test
  void aGroupWithAContactAmongItsMembersAnswers400AndIsNotStored() {
    int before = groupCount();
    Api.Response refused = admin.post("/api/admin/groups", new JsonObject().put("kind", "circle").put("name", "Mixed Circle")
        .put("memberIds", new JsonArray().add(coordinator.sid()).add(client.sid())));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().getString("message")).contains("memberIds", "staff");
    assertThat(groupCount()).isEqualTo(before);

    String id = admin.post("/api/admin/groups", new JsonObject().put("kind", "circle").put("name", "Staff Only")
        .put("memberIds", new JsonArray().add(coordinator.sid()))).json().getString("id");
    Api.Response patch = admin.patch("/api/admin/groups/" + id, new JsonObject()
        .put("memberIds", new JsonArray().add(client.sid())));
    assertThat(patch.status()).isEqualTo(400);
    JsonObject stored = admin.get("/api/admin/groups").array("groups").stream().map(JsonObject.class::cast)
        .filter(g -> g.getString("id").equals(id)).findFirst().orElseThrow();
    assertThat(stored.getJsonArray("memberIds")).containsExactly(coordinator.sid());
  }

  @Test
  void twoGroupsOfOneKindCannotShareAName() {
    admin.post("/api/admin/groups", new JsonObject().put("kind", "circle").put("name", "Planners"));
    Api.Response duplicate = admin.post("/api/admin/groups", new JsonObject().put("kind", "circle").put("name", "Planners"));
    assertThat(duplicate.status()).isEqualTo(409);
    Api.Response otherKind = admin.post("/api/admin/groups", new JsonObject().put("kind", "team").put("name", "Planners"));
    assertThat(otherKind.status()).isEqualTo(201);
  }

  private static int userCount() {
    return admin.get("/api/admin/users").array("users").size();
  }

  private static int groupCount() {
    return admin.get("/api/admin/groups").array("groups").size();
  }
}
