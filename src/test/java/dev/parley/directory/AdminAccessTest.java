package dev.parley.directory;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every admin endpoint, asked by each role that is not admin. */
class AdminAccessTest {

  static TestNode node;
  static Api api;
  static Fixtures.Person admin;
  static Fixtures.Person staffMember;
  static String groupId;
  static Map<String, Api.Session> sessions;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    Fixtures.Company acme = node.fixtures().company("Acme Wealth");
    admin = acme.admin("Ada Admin");
    staffMember = acme.staff("Sam Staff");
    Fixtures.Person client = acme.client("Cleo Client", staffMember);
    Fixtures.Person prospect = acme.prospect("Pete Prospect");
    sessions = Map.of("staff", staffMember.login(api), "client", client.login(api), "prospect", prospect.login(api));
    groupId = admin.login(api).post("/api/admin/groups", group("Advisors")).json().getString("id");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static Stream<Arguments> nonAdminsOnAdminEndpoints() {
    List<Arguments> out = new ArrayList<>();
    for (String role : List.of("staff", "client", "prospect")) {
      out.add(Arguments.of(role, "GET", "/api/admin/users", null));
      out.add(Arguments.of(role, "POST", "/api/admin/users",
          new JsonObject().put("email", "new." + role + "@example.test").put("name", "New").put("role", "admin")));
      out.add(Arguments.of(role, "PATCH", "/api/admin/users/{staff}", new JsonObject().put("role", "admin")));
      out.add(Arguments.of(role, "GET", "/api/admin/groups", null));
      out.add(Arguments.of(role, "POST", "/api/admin/groups", group("Sneaky " + role)));
      out.add(Arguments.of(role, "PATCH", "/api/admin/groups/{group}", new JsonObject().put("name", "Renamed by " + role)));
      out.add(Arguments.of(role, "DELETE", "/api/admin/groups/{group}", null));
      out.add(Arguments.of(role, "GET", "/api/admin/users/{staff}", null));
      out.add(Arguments.of(role, "GET", "/api/admin/users?q=sam&role=staff", null));
      out.add(Arguments.of(role, "POST", "/api/admin/users/import?dryRun=true", new JsonObject().put("csv", "Nia,nia@example.test,client")));
      out.add(Arguments.of(role, "POST", "/api/admin/users/import", new JsonObject().put("csv", "Nia,nia@example.test,client")));
      out.add(Arguments.of(role, "GET", "/api/admin/audit", null));
      out.add(Arguments.of(role, "GET", "/api/admin/audit.csv", null));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} asking {1} {2} is told it does not exist")
  @MethodSource("nonAdminsOnAdminEndpoints")
  void adminEndpointsDoNotExistForAnyoneButAdmins(String role, String method, String path, JsonObject body) {
    String concrete = path.replace("{staff}", staffMember.sid()).replace("{group}", groupId);
    Api.Response r = sessions.get(role).send(method, concrete, body);
    assertThat(r.status()).as(r.toString()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("not_found");
    assertThat(r.body()).doesNotContain("Sam Staff", "admin");
  }

  @Test
  void anAdminOfAnotherCompanyFindsNoneOfThisCompanysPeopleGroupsOrAuditEntries() {
    Fixtures.Company other = node.fixtures().company("Other Advisors");
    Api.Session stranger = other.admin("Olga Other").login(api);
    assertThat(stranger.get("/api/admin/users/" + staffMember.sid()).status()).isEqualTo(404);
    assertThat(stranger.patch("/api/admin/users/" + staffMember.sid(), new JsonObject().put("name", "Taken")).status()).isEqualTo(404);
    assertThat(stranger.patch("/api/admin/groups/" + groupId, new JsonObject().put("name", "Taken")).status()).isEqualTo(404);
    assertThat(stranger.delete("/api/admin/groups/" + groupId).status()).isEqualTo(404);
    assertThat(stranger.get("/api/admin/users?q=sam").array("users")).isEmpty();
    assertThat(stranger.get("/api/admin/users?coordinator=" + staffMember.sid()).array("users")).isEmpty();
    Api.Response audit = stranger.get("/api/admin/audit?userId=" + admin.sid());
    assertThat(audit.status()).isEqualTo(200);
    assertThat(audit.array("entries")).isEmpty();
    assertThat(stranger.get("/api/admin/audit.csv?userId=" + admin.sid()).body()).doesNotContain(admin.sid(), groupId);
    Api.Response group = stranger.post("/api/admin/groups", new JsonObject().put("kind", "team").put("name", "Borrowed")
        .put("memberIds", new JsonArray().add(staffMember.sid())));
    assertThat(group.status()).isEqualTo(400);
    Api.Response coordinated = stranger.post("/api/admin/users/import?dryRun=true",
        new JsonObject().put("csv", "Nia,nia.other@example.test,client," + staffMember.email()));
    assertThat(coordinated.array("rows").getJsonObject(0).getJsonArray("errors").encode()).contains("not a staff member");
  }

  @Test
  void refusedAdminRequestsChangeNothing() {
    for (Api.Session s : sessions.values()) {
      s.post("/api/admin/users", new JsonObject().put("email", "x@example.test").put("name", "X").put("role", "admin"));
      s.patch("/api/admin/users/" + staffMember.sid(), new JsonObject().put("role", "admin"));
      s.patch("/api/admin/groups/" + groupId, new JsonObject().put("name", "Hijacked"));
      s.delete("/api/admin/groups/" + groupId);
    }
    Api.Session adminSession = admin.login(api);
    JsonArray users = adminSession.get("/api/admin/users").array("users");
    assertThat(users).hasSize(4);
    assertThat(users.stream().map(u -> ((JsonObject) u).getString("email"))).doesNotContain("nia@example.test");
    assertThat(users.stream().map(u -> ((JsonObject) u).getString("email"))).doesNotContain("x@example.test");
    JsonObject staffRow = users.stream().map(JsonObject.class::cast)
        .filter(u -> u.getString("id").equals(staffMember.sid())).findFirst().orElseThrow();
    assertThat(staffRow.getString("role")).isEqualTo("staff");
    JsonArray groups = adminSession.get("/api/admin/groups").array("groups");
    assertThat(groups).hasSize(1);
    assertThat(groups.getJsonObject(0).getString("name")).isEqualTo("Advisors");
  }

  @Test
  void adminEndpointsAnswer401WithoutASession() {
    assertThat(api.get("/api/admin/users").status()).isEqualTo(401);
    assertThat(api.post("/api/admin/groups", group("Anonymous")).status()).isEqualTo(401);
  }

  private static JsonObject group(String name) {
    return new JsonObject().put("kind", "circle").put("name", name).put("memberIds", new JsonArray());
  }
}
