package dev.parley.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Response;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The API description ({@code src/main/resources/openapi/parley.json}) as the tests hold every answer
 * against it: {@link Api} asks {@link #violation} of each answer it receives. Stricter than the
 * published document in one way: an object that names its properties may carry no other, so a field
 * the server sends that the document does not name fails the test.
 */
public final class OpenApi {

  public static final String RESOURCE = "openapi/parley.json";

  /**
   * vertx-openapi reads only JSON, multipart, text/plain and octet-stream bodies; the other types the
   * API sends or takes (a PDF, CSV, an email, any file) become octet-stream in the copy it validates
   * with, and an answer of such a type is checked against the document's own list here.
   */
  private static final Set<String> READABLE = Set.of("application/json", "application/json; charset=utf-8",
      "multipart/form-data", "application/hal+json", "application/octet-stream", "text/plain", "text/plain; charset=utf-8");

  private static final OpenApi INSTANCE = new OpenApi();

  private final JsonObject document;
  /** "operationId status" to the media types the document lists for that answer. */
  private final Map<String, Set<String>> mediaTypes = new HashMap<>();
  private final Set<String> notDescribed = new HashSet<>();
  private Vertx vertx;
  private OpenAPIContract contract;
  private ResponseValidator validator;

  private OpenApi() {
    this.document = read();
    document.getJsonArray("x-parley-not-described").forEach(o -> notDescribed.add(((JsonObject) o).getString("path")));
  }

  /** The document as the node serves it. */
  public static JsonObject document() {
    return INSTANCE.document.copy();
  }

  /**
   * The document as vertx-openapi can load it: the media types it does not read replaced by
   * octet-stream, and every object schema that names its properties closed to others.
   */
  public static JsonObject validatable(JsonObject document) {
    JsonObject copy = document.copy();
    copy.getJsonObject("paths").forEach(p -> ((JsonObject) p.getValue()).forEach(m -> {
      JsonObject op = (JsonObject) m.getValue();
      if (op.containsKey("requestBody")) {
        readable(op.getJsonObject("requestBody"));
      }
      op.getJsonObject("responses").forEach(r -> readable((JsonObject) r.getValue()));
    }));
    close(copy);
    return copy;
  }

  /**
   * Why this answer breaks the description, or null when it keeps it: its status must be one the
   * operation lists, a JSON body must match that answer's schema and any other body one of its media
   * types. A path the document does not describe under {@code /api} is answered with the error shape.
   */
  public static synchronized String violation(String method, String target, int status, Map<String, List<String>> headers,
                                              String body) {
    return INSTANCE.check(method, target, status, headers, body);
  }

  private String check(String method, String target, int status, Map<String, List<String>> headers, String body) {
    String path = target.split("\\?", 2)[0];
    String type = header(headers, "Content-Type");
    String mime = type == null ? null : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    boolean hasBody = body != null && !body.isEmpty();
    Operation op = contract().findOperation(path, HttpMethod.valueOf(method));
    if (op == null) {
      if (!path.startsWith("/api/") || isNotDescribed(path)) {
        return null;
      }
      // an address no operation describes: the catch-all 404 (after the session check: 401 without one)
      return Set.of(400, 401, 403, 404, 413, 415, 503).contains(status) && isProblem(mime, body) ? null
          : "no operation describes it, and the answer is not the error shape of an unknown address";
    }
    Response described = op.getResponse(status);
    if (described == null) {
      return "the description of operation '" + op.getOperationId() + "' lists no " + status + " (it lists "
          + new TreeSet<>(op.getOpenAPIModel().getJsonObject("responses").fieldNames()) + ")";
    }
    Set<String> types = mediaTypes.getOrDefault(op.getOperationId() + " " + status, Set.of());
    if (types.isEmpty()) {
      return hasBody ? "the answer has a body (" + type + ") but its description has none" : null;
    }
    if (!hasBody) {
      return "the description has a body (" + types + ") but the answer has none";
    }
    if (mime == null || types.stream().noneMatch(t -> covers(t, mime))) {
      return "the answer is " + type + ", not one of " + types;
    }
    if (!mime.equals("application/json") && !mime.endsWith("+json")) {
      return null;
    }
    Map<String, String> single = new HashMap<>();
    headers.forEach((k, v) -> single.put(k.toLowerCase(Locale.ROOT), v.get(0)));
    try {
      validator().validate(ValidatableResponse.create(status, single, Buffer.buffer(body, "UTF-8"), "application/json"),
          op.getOperationId()).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return reason(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("validating " + method + " " + path + ": " + e, e);
    }
  }

  private static String reason(Throwable e) {
    StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
    if (e instanceof SchemaValidationException s && s.getOutputUnit() != null && s.getOutputUnit().getErrors() != null) {
      for (OutputUnit u : s.getOutputUnit().getErrors()) {
        out.append("\n  ").append(u.getInstanceLocation()).append(": ").append(u.getError());
      }
    }
    return out.toString();
  }

  private boolean isNotDescribed(String path) {
    return notDescribed.stream().anyMatch(p -> p.endsWith("*") ? path.startsWith(p.substring(0, p.length() - 1)) : path.equals(p));
  }

  private static boolean isProblem(String mime, String body) {
    if (!"application/json".equals(mime)) {
      return false;
    }
    try {
      JsonObject j = new JsonObject(body);
      return j.getValue("error") instanceof String && j.getValue("message") instanceof String;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Whether the media type or range {@code listed} covers {@code actual} ({@code *}{@code /*}, {@code image/*}). */
  private static boolean covers(String listed, String actual) {
    String l = listed.toLowerCase(Locale.ROOT);
    return l.equals(actual) || l.equals("*/*") || (l.endsWith("/*") && actual.startsWith(l.substring(0, l.length() - 1)));
  }

  private static String header(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }

  private synchronized OpenAPIContract contract() {
    if (contract == null) {
      document.getJsonObject("paths").forEach(p -> ((JsonObject) p.getValue()).forEach(m -> {
        JsonObject op = (JsonObject) m.getValue();
        op.getJsonObject("responses").forEach(r -> mediaTypes.put(op.getString("operationId") + " " + r.getKey(),
            response((JsonObject) r.getValue()).getJsonObject("content", new JsonObject()).fieldNames()));
      }));
      vertx = Vertx.vertx();
      try {
        contract = OpenAPIContract.from(vertx, validatable(document)).toCompletionStage().toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
      } catch (InterruptedException | ExecutionException | TimeoutException e) {
        throw new IllegalStateException("the API description does not load: " + e.getMessage(), e);
      }
      validator = ResponseValidator.create(vertx, contract);
    }
    return contract;
  }

  private ResponseValidator validator() {
    contract();
    return validator;
  }

  /** A response of the document itself, or the one in components/responses it refers to. */
  private JsonObject response(JsonObject r) {
    String ref = r.getString("$ref");
    return ref == null ? r : document.getJsonObject("components").getJsonObject("responses")
        .getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
  }

  private static void readable(JsonObject bodyOrResponse) {
    JsonObject content = bodyOrResponse.getJsonObject("content");
    if (content == null) {
      return;
    }
    for (String type : Set.copyOf(content.fieldNames())) {
      if (!READABLE.contains(type.toLowerCase(Locale.ROOT)) && !type.toLowerCase(Locale.ROOT).endsWith("+json")) {
        content.remove(type);
        content.put("application/octet-stream", new JsonObject().put("schema",
            new JsonObject().put("type", "string").put("format", "binary")));
      }
    }
  }

  private static void close(Object node) {
    if (node instanceof JsonObject o) {
      if (o.getValue("properties") instanceof JsonObject && !o.containsKey("additionalProperties")
          && !o.containsKey("unevaluatedProperties")) {
        o.put("additionalProperties", false);
      }
      o.forEach(e -> close(e.getValue()));
    } else if (node instanceof JsonArray a) {
      a.forEach(OpenApi::close);
    }
  }

  private static JsonObject read() {
    try (InputStream in = OpenApi.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
