package dev.parley.messaging;

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

class CannedResponsesAndSettingsTest {

  static TestNode node;
  static Api api;
  static Fixtures.Person admin;
  static Fixtures.Person staff;
  static Fixtures.Person colleague;
  static Fixtures.Person client;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    Fixtures.Company acme = node.fixtures().company("Acme");
    admin = acme.admin("Ada Admin");
    staff = acme.staff("Sam Staff");
    colleague = acme.staff("Casey Colleague");
    client = acme.client("Chris Client");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static List<String> titles(Api.Session s) {
    List<String> out = new ArrayList<>();
    s.get("/api/canned-responses").json().getJsonArray("cannedResponses").forEach(o -> out.add(((JsonObject) o).getString("title")));
    return out;
  }

  @Test
  void personalResponsesStayPersonalAndSharedOnesReachAllStaff() {
    Api.Session sam = staff.login(api);
    Api.Response personal = sam.post("/api/canned-responses", new JsonObject().put("title", "My sign-off")
        .put("bodyHtml", "<p>Best, Sam</p><script>x</script>"));
    assertThat(personal.status()).isEqualTo(201);
    assertThat(personal.json().getString("bodyHtml")).isEqualTo("<p>Best, Sam</p>");
    String sharedId = sam.post("/api/canned-responses", new JsonObject().put("title", "Office hours")
        .put("bodyHtml", "<p>We are open 9-5.</p>").put("shared", true)).json().getString("id");

    assertThat(titles(sam)).containsExactlyInAnyOrder("My sign-off", "Office hours");
    Api.Session casey = colleague.login(api);
    assertThat(titles(casey)).containsExactly("Office hours");
    assertThat(titles(client.login(api))).isEmpty();

    assertThat(casey.put("/api/canned-responses/" + sharedId, new JsonObject().put("title", "Mine now")).status()).isEqualTo(403);
    Api.Response edited = admin.login(api).put("/api/canned-responses/" + sharedId, new JsonObject().put("title", "Opening hours"));
    assertThat(edited.status()).isEqualTo(200);
    assertThat(edited.json().getString("bodyHtml")).isEqualTo("<p>We are open 9-5.</p>");
    assertThat(sam.delete("/api/canned-responses/" + sharedId).status()).isEqualTo(204);
    assertThat(titles(casey)).isEmpty();
  }

  @Test
  void contactsKeepPersonalResponsesButCannotShare() {
    Api.Session c = client.login(api);
    assertThat(c.post("/api/canned-responses", new JsonObject().put("title", "Thanks").put("bodyHtml", "<p>Thanks!</p>")).status())
        .isEqualTo(201);
    assertThat(c.post("/api/canned-responses", new JsonObject().put("title", "Spam").put("bodyHtml", "<p>x</p>").put("shared", true)).status())
        .isEqualTo(403);
    assertThat(titles(c)).containsExactly("Thanks");
  }

  @Test
  void turningConvenienceModeOnAnswersTheHipaaWarningAndIsAudited() {
    Api.Session a = admin.login(api);
    assertThat(a.get("/api/settings/company").json().getBoolean("convenienceMode")).isFalse();
    Api.Response on = a.put("/api/settings/company", new JsonObject().put("convenienceMode", true));
    assertThat(on.status()).isEqualTo(200);
    assertThat(on.json().getBoolean("convenienceMode")).isTrue();
    assertThat(on.json().getString("warning")).contains("HIPAA compliance cannot be guaranteed");
    Api.Response off = a.put("/api/settings/company", new JsonObject().put("convenienceMode", false));
    assertThat(off.json().containsKey("warning")).isFalse();
    long audited = node.parley().platform().pool()
        .query("select count(*) from audit_log where action = 'settings.changed' and target = 'convenienceMode'")
        .execute().await().iterator().next().getLong(0);
    assertThat(audited).isEqualTo(2);
    assertThat(a.put("/api/settings/company", new JsonObject().put("convenienceMode", "yes")).status()).isEqualTo(400);
  }

  @Test
  void messagingSettingsRoundTrip() {
    Api.Session a = admin.login(api);
    Api.Response put = a.put("/api/settings/messaging", new JsonObject().put("restrictContactsToCoordinator", true)
        .put("designated", new JsonObject().put("userIds", new JsonArray().add(staff.sid())).put("circleIds", new JsonArray())
            .put("teamIds", new JsonArray()))
        .put("notifyOnReadUserIds", new JsonArray().add(colleague.sid())));
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    JsonObject got = a.get("/api/settings/messaging").json();
    assertThat(got.getBoolean("restrictContactsToCoordinator")).isTrue();
    assertThat(got.getJsonObject("designated").getJsonArray("userIds")).containsExactly(staff.sid());
    assertThat(got.getJsonArray("notifyOnReadUserIds")).containsExactly(colleague.sid());
    a.put("/api/settings/messaging", new JsonObject().putNull("designated").put("restrictContactsToCoordinator", false));
    assertThat(a.get("/api/settings/messaging").json().getValue("designated")).isNull();
  }
}
