package dev.parley.http;

import dev.parley.testing.OpenApi;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
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
    List<Endpoint> routes = node.parley().endpoints();
    assertThat(routes).as("the router's routes, the API router's among them").contains(
        new Endpoint("GET", "/api/threads/{id}"), new Endpoint("POST", "/api/attachments"), new Endpoint("GET", "/health"));
    Set<String> operations = operations();
    Set<String> undescribed = undescribed();
    assertThat(routes.stream().filter(e -> !operations.contains(e.toString()) && !undescribed.contains(e.path()))
        .map(Endpoint::toString).toList())
        .as("routes of the router that the API description names neither as an operation nor in x-parley-not-described")
        .isEmpty();
  }

  @Test
  void everyDescribedOperationIsARouteOfTheRouter() {
    Set<String> routes = new TreeSet<>();
    Set<String> paths = new TreeSet<>();
    node.parley().endpoints().forEach(e -> {
      routes.add(e.toString());
      paths.add(e.path());
    });
    assertThat(operations()).as("operations of the API description that no route of the router serves").isSubsetOf(routes);
    assertThat(undescribed()).as("paths in x-parley-not-described that the router does not serve").isSubsetOf(paths);
  }

  @Test
  void whatIsLeftUndescribedIsOnlyTheAppsFilesAndTheLiveBridgeEachWithItsReason() {
    assertThat(OpenApi.document().getJsonArray("x-parley-not-described")).allSatisfy(o -> {
      JsonObject entry = (JsonObject) o;
      assertThat(entry.getString("path")).isIn("/*", "/eventbus/*");
      assertThat(entry.getString("reason")).isNotBlank();
    });
  }

  /** "METHOD /path" of every operation of the description. */
  private static Set<String> operations() {
    Set<String> out = new TreeSet<>();
    OpenApi.document().getJsonObject("paths").forEach(p -> ((JsonObject) p.getValue()).fieldNames()
        .forEach(method -> out.add(method.toUpperCase(Locale.ROOT) + " " + p.getKey())));
    return out;
  }

  /** The paths the description leaves out on purpose (served whatever the method). */
  private static Set<String> undescribed() {
    Set<String> out = new TreeSet<>();
    OpenApi.document().getJsonArray("x-parley-not-described").forEach(o -> out.add(((JsonObject) o).getString("path")));
    return out;
  }
}
