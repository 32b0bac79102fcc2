package dev.parley.http;

import dev.parley.testing.OpenApi;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API description and the router of a real node name the same endpoints, both ways: a route added
 * without its description, or a description left behind by a removed route, fails here. What is no
 * HTTP API (the browser app's files, the SockJS bridge) is listed in {@code x-parley-not-described}.
 */
class OpenApiCoverageTest {

  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void everyRouteOfTheRouterIsDescribed() {
    Set<String> routes = routes();
    assertThat(routes).as("the router's routes").contains("GET /api/threads/{id}", "POST /api/attachments", "GET /health");
    assertThat(routes).as("routes of the router that the API description does not name").isSubsetOf(described());
  }

  @Test
  void everyDescribedOperationIsARouteOfTheRouter() {
    assertThat(described()).as("operations of the API description that no route of the router serves").isSubsetOf(routes());
  }

  @Test
  void whatIsLeftUndescribedIsOnlyTheAppsFilesAndTheLiveBridgeEachWithItsReason() {
    assertThat(OpenApi.document().getJsonArray("x-parley-not-described")).allSatisfy(o -> {
      JsonObject entry = (JsonObject) o;
      assertThat(entry.getString("path")).isIn("/*", "/eventbus/*");
      assertThat(entry.getString("reason")).isNotBlank();
    });
  }

  private static Set<String> routes() {
    Set<String> out = new TreeSet<>();
    node.parley().endpoints().forEach(e -> out.add(e.toString()));
    return out;
  }

  /** "METHOD /path" of every operation, and "* /path" of every prefix left undescribed. */
  private static Set<String> described() {
    JsonObject doc = OpenApi.document();
    Set<String> out = new TreeSet<>();
    doc.getJsonObject("paths").forEach(p -> ((JsonObject) p.getValue()).fieldNames()
        .forEach(method -> out.add(method.toUpperCase(Locale.ROOT) + " " + p.getKey())));
    doc.getJsonArray("x-parley-not-described").forEach(o -> out.add(Endpoint.ANY + " " + ((JsonObject) o).getString("path")));
    return out;
  }
}
