package dev.parley.http;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Health, readiness and the headers every answer carries. */
class OperationsTest {

  static TestNode node;
  static Api api;
  static Api.Session staff;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    staff = node.fixtures().company("Acme Wealth").staff("Sam Staff").login(api);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void healthAndReadyAnswer200WhileTheDatabaseIsUp() {
    Api.Response health = api.get("/health");
    Api.Response ready = api.get("/ready");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().getString("status")).isEqualTo("up");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getString("status")).isEqualTo("ready");
  }

  @Test
  void everyAnswerCarriesAContentSecurityPolicyWithoutInlineScriptAndRefusesFraming() {
    for (Api.Response r : List.of(api.get("/health"), api.get("/"), api.get("/api/me"), staff.get("/api/me"))) {
      String csp = r.header("Content-Security-Policy");
      assertThat(csp).as(r.toString()).contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'");
      assertThat(csp).doesNotContain("unsafe-eval");
      assertThat(scriptSource(csp)).doesNotContain("unsafe-inline");
      assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
      assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
    }
  }

  @Test
  void apiAnswersAreNeverCachedWhetherTheySucceedOrFail() {
    for (Api.Response r : List.of(staff.get("/api/me"), staff.get("/api/recipients"), api.get("/api/me"),
        staff.get("/api/no-such-endpoint"), staff.get("/api/admin/users"))) {
      assertThat(r.header("Cache-Control")).as(r.toString()).isEqualTo("no-store");
    }
  }

  @Test
  void theAppShellIsRevalidatedOnEveryLoadSoThatAFixReachesUsersAtOnce() {
    for (String path : List.of("/", "/index.html")) {
      Api.Response shell = api.get(path);
      assertThat(shell.status()).as(path).isEqualTo(200);
      assertThat(shell.header("Content-Type")).as(path).startsWith("text/html");
      assertThat(shell.header("Cache-Control")).as(path).isEqualTo("no-cache");
    }
  }

  @Test
  void thePageNamesBundlesHashedByTheirContentWhichBrowsersKeepForAYear() {
    String page = api.get("/index.html").body();
    List<String> bundles = new java.util.ArrayList<>();
    java.util.regex.Matcher named = java.util.regex.Pattern.compile("\"(/(app|style)-[A-Z0-9]{8}\\.(js|css))\"").matcher(page);
    while (named.find()) {
      bundles.add(named.group(1));
    }
    assertThat(bundles).as(page).hasSize(2).anyMatch(b -> b.endsWith(".js")).anyMatch(b -> b.endsWith(".css"));
    for (String path : bundles) {
      Api.Response bundle = api.get(path);
      assertThat(bundle.status()).as(path).isEqualTo(200);
      assertThat(bundle.header("Content-Type")).as(path).contains(path.endsWith(".js") ? "javascript" : "text/css");
      assertThat(bundle.header("Cache-Control")).as(path).isEqualTo("public, max-age=31536000, immutable");
    }
  }

  @Test
  void aHashedNameThatIsNotThereAnswers404ThatNoBrowserKeeps() {
    Api.Response missing = api.get("/app-ZZZZZZZZ.js");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.header("Cache-Control")).isEqualTo("no-cache");
  }

  @Test
  void filesThatKeepTheirNameAreRevalidatedOnEveryLoad() {
    Api.Response icon = api.get("/favicon.svg");
    assertThat(icon.status()).isEqualTo(200);
    assertThat(icon.header("Cache-Control")).isEqualTo("no-cache");
    String lastModified = icon.header("Last-Modified");
    assertThat(lastModified).isNotNull();
    Api.Response again = api.send("GET", "/favicon.svg", null, Map.of("If-Modified-Since", lastModified));
    assertThat(again.status()).isEqualTo(304);
  }

  @Test
  void noStrictTransportSecurityIsSentOverPlainHttp() {
    assertThat(api.get("/health").header("Strict-Transport-Security")).isNull();
  }

  @Test
  void errorsAreJsonWithACodeAndAMessageAndNothingElse() {
    Api.Response unknown = staff.get("/api/no-such-endpoint");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().fieldNames()).containsExactlyInAnyOrder("error", "message");
    assertThat(unknown.error()).isEqualTo("not_found");

    Api.Response anonymous = api.get("/api/recipients");
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.json().fieldNames()).containsExactlyInAnyOrder("error", "message");

    Api.Response wrongMethod = staff.send("PUT", "/api/me", null);
    assertThat(wrongMethod.status()).isIn(404, 405);
    assertThat(wrongMethod.json().fieldNames()).containsExactlyInAnyOrder("error", "message");
  }

  private static String scriptSource(String csp) {
    for (String directive : csp.split(";")) {
      if (directive.trim().startsWith("script-src")) {
        return directive;
      }
    }
    return "";
  }
}
