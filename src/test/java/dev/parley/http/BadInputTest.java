package dev.parley.http;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.RawHttp;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests that are wrong in shape: each answers 400 or 413 naming what is wrong, and nothing is written. */
class BadInputTest {

  static TestNode node;
  static Api api;
  static Api.Session admin;
  static Fixtures.Person staff;
  static String groupId;
  static String cannedId;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    Fixtures.Company acme = node.fixtures().company("Acme Wealth");
    admin = acme.admin("Ada Admin").login(api);
    staff = acme.staff("Sam Staff");
    groupId = admin.post("/api/admin/groups", new JsonObject().put("kind", "team").put("name", "Desk")).json().getString("id");
    cannedId = admin.post("/api/canned-responses", new JsonObject().put("title", "Thanks").put("bodyHtml", "<p>Thank you</p>"))
        .json().getString("id");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static Stream<Arguments> badRequests() {
    String validUser = "\"email\":\"new@example.test\",\"name\":\"New Person\",\"role\":\"client\"";
    String bigName = "x".repeat((int) HttpVerticle.MAX_BODY_BYTES + 1);
    return Stream.of(
        Arguments.of("malformed JSON", "POST", "/api/admin/users", "{\"email\": \"a@example.test\",", 400, "not valid JSON"),
        Arguments.of("a JSON array for an object", "POST", "/api/admin/users", "[" + "{" + validUser + "}]", 400, "JSON object"),
        Arguments.of("a bare string", "POST", "/api/admin/groups", "\"team\"", 400, "JSON object"),
        Arguments.of("a number for a text", "POST", "/api/admin/users", "{\"email\":\"n@example.test\",\"name\":42,\"role\":\"client\"}", 400, "'name' must be a string"),
        Arguments.of("text for a true/false", "PATCH", "/api/admin/users/{staff}", "{\"active\":\"no\"}", 400, "'active' must be true or false"),
        Arguments.of("a number for an id", "POST", "/api/admin/users", "{" + validUser + ",\"coordinatorId\":7}", 400, "'coordinatorId'"),
        Arguments.of("a malformed id", "POST", "/api/admin/users", "{" + validUser + ",\"coordinatorId\":\"not-a-uuid\"}", 400, "'coordinatorId' must be an id"),
        Arguments.of("text for a list of ids", "POST", "/api/admin/groups", "{\"kind\":\"team\",\"name\":\"T\",\"memberIds\":\"everyone\"}", 400, "'memberIds' must be a list"),
        Arguments.of("a bad id in a list", "PATCH", "/api/admin/groups/{group}", "{\"memberIds\":[\"nope\"]}", 400, "'memberIds'"),
        Arguments.of("a missing email", "POST", "/api/admin/users", "{\"name\":\"No Mail\",\"role\":\"client\"}", 400, "'email' is required"),
        Arguments.of("a missing name", "POST", "/api/admin/groups", "{\"kind\":\"team\"}", 400, "'name' is required"),
        Arguments.of("an empty body", "POST", "/api/admin/users", "", 400, "'email' is required"),
        Arguments.of("an unknown field", "POST", "/api/admin/users", "{" + validUser + ",\"isAdmin\":true}", 400, "unknown field 'isAdmin'"),
        Arguments.of("an unknown field on update", "PATCH", "/api/admin/users/{staff}", "{\"companyId\":\"x\"}", 400, "unknown field 'companyId'"),
        Arguments.of("an unknown role", "POST", "/api/admin/users", "{\"email\":\"r@example.test\",\"name\":\"R\",\"role\":\"root\"}", 400, "'role' must be one of"),
        Arguments.of("an unknown group kind", "POST", "/api/admin/groups", "{\"kind\":\"club\",\"name\":\"C\"}", 400, "'kind' must be circle or team"),
        Arguments.of("not an email", "POST", "/api/admin/users", "{\"email\":\"nobody\",\"name\":\"N\",\"role\":\"client\"}", 400, "'email' is not an email address"),
        Arguments.of("a line break in a name", "POST", "/api/admin/users", "{\"email\":\"l@example.test\",\"name\":\"A\\r\\nBcc: x@evil.test\",\"role\":\"client\"}", 400, "'name' must be a single line"),
        Arguments.of("an overlong name", "POST", "/api/admin/users", "{\"email\":\"o@example.test\",\"name\":\"" + "n".repeat(201) + "\",\"role\":\"client\"}", 400, "'name' is longer than 200"),
        Arguments.of("a body over 512 KiB", "POST", "/api/admin/users", "{\"email\":\"big@example.test\",\"name\":\"" + bigName + "\",\"role\":\"client\"}", 413, "too large"),
        Arguments.of("a sign-in without password", "POST", "/api/auth/login", "{\"email\":\"a@example.test\"}", 400, "'password' is required"),
        Arguments.of("a sign-in with a number for a password", "POST", "/api/auth/login", "{\"email\":\"a@example.test\",\"password\":123456}", 400, "'password' must be a string"),
        Arguments.of("a NUL in a sign-in email", "POST", "/api/auth/login", "{\"email\":\"a\\u0000@example.test\",\"password\":\"x\"}", 400, "'email' must not contain the NUL character"),
        Arguments.of("a NUL in a canned response's title", "POST", "/api/canned-responses", "{\"title\":\"Hi\\u0000\",\"bodyHtml\":\"<p>x</p>\"}", 400, "'title' must not contain the NUL character"),
        Arguments.of("a NUL in a canned response's new title", "PUT", "/api/canned-responses/{canned}", "{\"title\":\"\\u0000\"}", 400, "'title' must not contain the NUL character"),
        Arguments.of("a NUL in a message body", "POST", "/api/threads", "{\"to\":[\"{staff}\"],\"subject\":\"S\",\"bodyHtml\":\"<p>a\\u0000b</p>\"}", 400, "'bodyHtml' must not contain the NUL character"),
        Arguments.of("a NUL in a subject", "POST", "/api/threads", "{\"to\":[\"{staff}\"],\"subject\":\"S\\u0000\",\"bodyHtml\":\"<p>a</p>\"}", 400, "'subject' must not contain the NUL character"),
        Arguments.of("a NUL in a group's name", "POST", "/api/admin/groups", "{\"kind\":\"team\",\"name\":\"T\\u0000\"}", 400, "'name' must not contain the NUL character"),
        Arguments.of("a NUL in a list of ids", "PUT", "/api/settings/messaging", "{\"designated\":{\"userIds\":[\"\\u0000\"]}}", 400, "'designated.userIds[0]' must not contain the NUL character"));
  }

  @ParameterizedTest(name = "{0} answers {4}")
  @MethodSource("badRequests")
  void badInputAnswersWithAMessageNamingTheProblemAndChangesNothing(String what, String method, String path, String body,
                                                                    int status, String message) {
    Map<String, Long> before = counts();
    String concrete = path.replace("{staff}", staff.sid()).replace("{group}", groupId).replace("{canned}", cannedId);

    Api.Response r = admin.send(method, concrete, body.replace("{staff}", staff.sid()));

    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.json().fieldNames()).containsExactlyInAnyOrder("error", "message");
    assertThat(r.json().getString("message")).contains(message);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(counts()).isEqualTo(before);
  }

  static Stream<String> queriesThatAreNotPercentEncoding() {
    return Stream.of("/api/inbox?q=%", "/api/inbox?cursor=%%%", "/api/inbox?view=sent&q=50%", "/api/recipients?q=%",
        "/api/recipients?cursor=%%%", "/api/events?after=%%%", "/api/unread?x=%zz", "/api/canned-responses?q=%",
        "/api/admin/users?q=%4", "/api/admin/groups?%=1", "/api/me?q=%", "/api/threads/{thread}?q=%", "/?q=%");
  }

  @ParameterizedTest(name = "{0} answers 400")
  @MethodSource("queriesThatAreNotPercentEncoding")
  void aQueryThatIsNotValidPercentEncodingAnswers400NamingTheProblem(String target) {
    Map<String, Long> before = counts();

    Api.Response r = RawHttp.request(node.port(), "GET", target.replace("{thread}", UUID.randomUUID().toString()),
        Map.of("Authorization", "Bearer " + admin.token()), null);

    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("malformed_query");
    assertThat(r.json().getString("message")).contains("percent-encoding");
    assertThat(counts()).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0} answers 400")
  @ValueSource(strings = {"/api/inbox?q=%00", "/api/inbox?view=archived&q=a%00b", "/api/recipients?q=Sam%00"})
  void aNulInASearchAnswers400NamingTheParameter(String target) {
    Api.Response r = admin.get(target);

    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().getString("message")).isEqualTo("'q' must not contain the NUL character (U+0000)");
  }

  static Stream<Arguments> malformedIdsInThePath() {
    return Stream.of(
        Arguments.of("PATCH", "/api/admin/users/12345", "{\"name\":\"X\"}"),
        Arguments.of("PATCH", "/api/admin/groups/nope", "{\"name\":\"X\"}"),
        Arguments.of("DELETE", "/api/admin/groups/nope", null),
        Arguments.of("PUT", "/api/canned-responses/nope", "{\"title\":\"X\"}"),
        Arguments.of("DELETE", "/api/canned-responses/nope", null),
        Arguments.of("GET", "/api/threads/nope", null),
        Arguments.of("POST", "/api/threads/nope/messages", "{\"bodyHtml\":\"<p>x</p>\"}"),
        Arguments.of("POST", "/api/threads/nope/read", "{}"),
        Arguments.of("POST", "/api/threads/nope/leave", null));
  }

  @ParameterizedTest(name = "{0} {1} answers 404")
  @MethodSource("malformedIdsInThePath")
  void aMalformedIdInThePathNamesNothingAndAnswers404LikeAForeignId(String method, String path, String body) {
    Map<String, Long> before = counts();

    Api.Response r = admin.send(method, path, body);

    assertThat(r.status()).as(r.toString()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("not_found");
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void nothingAboutTheRowsChangedAfterRefusedUpdates() {
    JsonObject stored = admin.get("/api/admin/users").array("users").stream().map(JsonObject.class::cast)
        .filter(u -> u.getString("id").equals(staff.sid())).findFirst().orElseThrow();
    assertThat(stored.getString("name")).isEqualTo("Sam Staff");
    assertThat(stored.getBoolean("active")).isTrue();
    assertThat(admin.get("/api/admin/groups").array("groups").getJsonObject(0).getJsonArray("memberIds")).isEmpty();
  }

  @Test
  void aBodyNotDeclaredAsJsonAnswers415SoThatACrossSiteFormCannotSignSomeoneIn() {
    String formAsJson = "{\"email\":\"" + staff.email() + "\",\"password\":\"correct-horse=battery\"}";
    for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
      Api.Response r = api.send("POST", "/api/auth/login", formAsJson, Map.of("Content-Type", type));
      assertThat(r.status()).as(type).isEqualTo(415);
      assertThat(r.json().getString("message")).contains("application/json");
      assertThat(r.header("Set-Cookie")).isNull();
    }
    Api.Response json = api.send("POST", "/api/auth/login",
        new JsonObject().put("email", staff.email()).put("password", Fixtures.PASSWORD),
        Map.of("Content-Type", "application/json; charset=utf-8"));
    assertThat(json.status()).isEqualTo(200);
  }

  private static Map<String, Long> counts() {
    Pool pool = node.parley().platform().pool();
    long users = pool.query("select count(*) from users").execute().await().iterator().next().getLong(0);
    long groups = pool.query("select count(*) from groups").execute().await().iterator().next().getLong(0);
    long members = pool.query("select count(*) from group_members").execute().await().iterator().next().getLong(0);
    long changed = pool.query("select count(*) from users where updated_at > created_at").execute().await().iterator().next().getLong(0);
    long canned = pool.query("select count(*) from canned_responses where title <> 'Thanks' or updated_at > created_at")
        .execute().await().iterator().next().getLong(0);
    long messages = pool.query("select count(*) from messages").execute().await().iterator().next().getLong(0);
    return Map.of("users", users, "groups", groups, "group_members", members, "users updated", changed,
        "canned responses changed", canned, "messages", messages);
  }
}
