package dev.parley.messaging;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Roles x messaging settings: what /api/recipients offers is exactly what a send accepts. */
class WhoMayMessageWhomTest {

  static TestNode node;
  static Api api;
  static Fixtures.Person admin;
  static Fixtures.Person coordinator;
  static Fixtures.Person circleMember;
  static Fixtures.Person teamMember;
  static Fixtures.Person designatedStaff;
  static Fixtures.Person otherStaff;
  static Fixtures.Person client;
  static Fixtures.Person prospect;
  static Fixtures.Person orphanClient;
  static Fixtures.Person inactiveStaff;
  static Fixtures.Person foreignStaff;
  static String circleId;
  static String teamId;
  static List<Fixtures.Person> everyone;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    Fixtures.Company c = node.fixtures().company("Acme");
    admin = c.admin("Ada Admin");
    coordinator = c.staff("Casey Coordinator");
    circleMember = c.staff("Cirrus Circle");
    teamMember = c.staff("Tess Team");
    designatedStaff = c.staff("Dee Designated");
    otherStaff = c.staff("Oscar Other");
    client = c.client("Chris Client", coordinator);
    prospect = c.prospect("Pat Prospect", coordinator);
    orphanClient = c.client("Olive Orphan");
    inactiveStaff = c.staff("Ivan Inactive");
    foreignStaff = node.fixtures().company("Elsewhere").staff("Fiona Foreign");
    Api.Session a = admin.login(api);
    assertThat(a.patch("/api/admin/users/" + inactiveStaff.sid(), new JsonObject().put("active", false)).status()).isEqualTo(200);
    circleId = a.post("/api/admin/groups", new JsonObject().put("kind", "circle").put("name", "Advisors")
        .put("memberIds", new JsonArray().add(circleMember.sid()))).json().getString("id");
    teamId = a.post("/api/admin/groups", new JsonObject().put("kind", "team").put("name", "Desk")
        .put("memberIds", new JsonArray().add(teamMember.sid()))).json().getString("id");
    everyone = List.of(admin, coordinator, circleMember, teamMember, designatedStaff, otherStaff, client, prospect,
        orphanClient, inactiveStaff, foreignStaff);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @BeforeEach
  void defaults() {
    settings(new JsonObject().put("restrictContactsToCoordinator", false).putNull("designated"));
  }

  static void settings(JsonObject body) {
    Api.Response r = admin.login(api).put("/api/settings/messaging", body);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  /** Whom the sender may write to, asked both ways: the picker and an actual send, one person at a time. */
  static Set<Fixtures.Person> reachable(Fixtures.Person sender) {
    Api.Session s = sender.login(api);
    Set<String> offered = new HashSet<>();
    s.get("/api/recipients").json().getJsonArray("recipients").forEach(o -> offered.add(((JsonObject) o).getString("id")));
    Set<Fixtures.Person> accepted = new HashSet<>();
    for (Fixtures.Person p : everyone) {
      if (p.equals(sender)) {
        continue;
      }
      Api.Response r = s.post("/api/threads", new JsonObject().put("to", new JsonArray().add(p.sid()))
          .put("subject", "Hello").put("bodyHtml", "<p>Hi</p>"));
      assertThat(r.status()).as(sender.name() + " -> " + p.name() + ": " + r).isIn(201, 400);
      if (r.status() == 201) {
        accepted.add(p);
      } else {
        assertThat(r.error()).isEqualTo("recipient_not_allowed");
      }
      assertThat(offered.contains(p.sid())).as("picker and send agree on " + sender.name() + " -> " + p.name())
          .isEqualTo(r.status() == 201);
    }
    return accepted;
  }

  static List<Fixtures.Person> activeStaff() {
    return List.of(admin, coordinator, circleMember, teamMember, designatedStaff, otherStaff);
  }

  static List<Fixtures.Person> without(List<Fixtures.Person> list, Fixtures.Person p) {
    List<Fixtures.Person> out = new ArrayList<>(list);
    out.remove(p);
    return out;
  }

  @Test
  void staffMayMessageAnyoneActiveInTheirCompany() {
    assertThat(reachable(otherStaff)).containsExactlyInAnyOrderElementsOf(
        List.of(admin, coordinator, circleMember, teamMember, designatedStaff, client, prospect, orphanClient));
  }

  @Test
  void contactsMayMessageAnyStaffButNoContactByDefault() {
    assertThat(reachable(client)).containsExactlyInAnyOrderElementsOf(activeStaff());
    assertThat(reachable(prospect)).containsExactlyInAnyOrderElementsOf(activeStaff());
  }

  @Test
  void coordinatorOnlyLeavesContactsTheirCoordinator() {
    settings(new JsonObject().put("restrictContactsToCoordinator", true));
    assertThat(reachable(client)).containsExactly(coordinator);
    assertThat(reachable(prospect)).containsExactly(coordinator);
    assertThat(reachable(orphanClient)).isEmpty();
    assertThat(reachable(otherStaff)).contains(client, prospect, orphanClient, admin);
  }

  @Test
  void designatedStaffCirclesAndTeamsNarrowContacts() {
    settings(new JsonObject().put("designated", new JsonObject()
        .put("userIds", new JsonArray().add(designatedStaff.sid()))
        .put("circleIds", new JsonArray().add(circleId))
        .put("teamIds", new JsonArray().add(teamId))));
    assertThat(reachable(client)).containsExactlyInAnyOrder(designatedStaff, circleMember, teamMember);

    settings(new JsonObject().put("designated", new JsonObject()
        .put("userIds", new JsonArray()).put("circleIds", new JsonArray().add(circleId)).put("teamIds", new JsonArray())));
    assertThat(reachable(prospect)).containsExactly(circleMember);
  }

  @Test
  void coordinatorOnlyWinsOverDesignation() {
    settings(new JsonObject().put("restrictContactsToCoordinator", true).put("designated", new JsonObject()
        .put("userIds", new JsonArray().add(designatedStaff.sid())).put("circleIds", new JsonArray()).put("teamIds", new JsonArray())));
    assertThat(reachable(client)).containsExactly(coordinator);
  }

  @Test
  void settingsRefuseIdsThatAreNotStaffOrGroupsOfTheCompany() {
    Api.Session a = admin.login(api);
    Api.Response contactAsDesignated = a.put("/api/settings/messaging", new JsonObject().put("designated", new JsonObject()
        .put("userIds", new JsonArray().add(client.sid())).put("circleIds", new JsonArray()).put("teamIds", new JsonArray())));
    assertThat(contactAsDesignated.status()).isEqualTo(400);
    Api.Response teamAsCircle = a.put("/api/settings/messaging", new JsonObject().put("designated", new JsonObject()
        .put("userIds", new JsonArray()).put("circleIds", new JsonArray().add(teamId)).put("teamIds", new JsonArray())));
    assertThat(teamAsCircle.status()).isEqualTo(400);
    Api.Response foreign = a.put("/api/settings/messaging", new JsonObject().put("notifyOnReadUserIds", new JsonArray().add(foreignStaff.sid())));
    assertThat(foreign.status()).isEqualTo(400);
    assertThat(client.login(api).get("/api/settings/messaging").status()).isEqualTo(403);
    assertThat(otherStaff.login(api).put("/api/settings/company", new JsonObject().put("convenienceMode", true)).status()).isEqualTo(403);
  }
}
