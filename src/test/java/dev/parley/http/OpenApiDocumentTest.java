package dev.parley.http;

import dev.parley.testing.Api;
import dev.parley.testing.OpenApi;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/openapi.json}: open to anyone, cacheable, and a valid OpenAPI 3.1 document. */
class OpenApiDocumentTest {

  static TestNode node;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    node.close();
    vertx.close().await();
  }

  @Test
  void anyoneGetsTheDescriptionWithoutSigningIn() {
    Api.Response r = node.api().get("/api/openapi.json");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.json()).isEqualTo(OpenApi.document());
  }

  @Test
  void theServedDocumentIsAValidOpenApi31Document() {
    JsonObject served = node.api().get("/api/openapi.json").json();
    assertThat(OpenAPIVersion.fromContract(served)).isEqualTo(OpenAPIVersion.V3_1);
    SchemaRepository repository = OpenAPIVersion.V3_1.getRepository(vertx, "app://").await();
    OutputUnit result = OpenAPIVersion.V3_1.validateContract(vertx, repository, served).await();
    assertThat(result.getValid()).as("errors against the OpenAPI 3.1 schema: %s", result.getErrors()).isTrue();
    // vertx-openapi loads it too (every reference resolved, every operation read), once the media types it
    // cannot read (PDF, CSV, an email, any file) stand as octet-stream
    OpenAPIContract contract = OpenAPIContract.from(vertx, OpenApi.validatable(served)).await();
    assertThat(contract.operations()).hasSize(operations(served));
    assertThat(contract.operation("startThread").getOpenAPIPath()).isEqualTo("/api/threads");
  }

  @Test
  void aClientThatHasTheDocumentIsToldItIsUnchanged() {
    Api.Response first = node.api().get("/api/openapi.json");
    String etag = first.header("ETag");
    assertThat(etag).isNotBlank();
    assertThat(first.header("Cache-Control")).isEqualTo("no-cache");
    Api.Response again = node.api().send("GET", "/api/openapi.json", null, Map.of("If-None-Match", etag));
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
  }

  /** What the shared test client does with every answer: one the description does not allow fails the test. */
  @Test
  void anAnswerThatBreaksTheDescriptionIsCaughtNamingWhatIsWrong() {
    Map<String, List<String>> json = Map.of("Content-Type", List.of("application/json; charset=utf-8"));
    assertThat(OpenApi.violation("GET", "/api/unread", 200, json, "{\"unread\":3}")).isNull();
    assertThat(OpenApi.violation("GET", "/api/unread", 200, json, "{\"unread\":\"three\"}")).contains("/unread");
    assertThat(OpenApi.violation("GET", "/api/unread", 200, json, "{\"unread\":3,\"unnamed\":true}")).contains("unnamed");
    assertThat(OpenApi.violation("GET", "/api/unread?x=1", 418, json, "{\"error\":\"teapot\",\"message\":\"no\"}"))
        .contains("lists no 418");
    assertThat(OpenApi.violation("GET", "/api/threads/" + java.util.UUID.randomUUID() + "/export.pdf", 200,
        Map.of("Content-Type", List.of("text/html")), "<html>")).contains("not one of [application/pdf]");
    assertThat(OpenApi.violation("POST", "/api/no-such-thing", 404, json, "{\"error\":\"not_found\",\"message\":\"endpoint not found\"}"))
        .isNull();
  }

  private static int operations(JsonObject doc) {
    int n = 0;
    for (Map.Entry<String, Object> p : doc.getJsonObject("paths")) {
      n += ((JsonObject) p.getValue()).size();
    }
    return n;
  }
}
