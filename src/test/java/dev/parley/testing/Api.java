package dev.parley.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plain HTTP client for tests: what an integrator's script would do. Every answer is held against the
 * API description ({@link OpenApi}): one that breaks it fails the test, naming the route, the status
 * and what is wrong.
 */
public final class Api {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;

  public Api(String base) {
    this.base = base;
  }

  public String base() {
    return base;
  }

  public Response get(String path) {
    return send("GET", path, null, Map.of());
  }

  public Response post(String path, Object body) {
    return send("POST", path, body, Map.of());
  }

  /** Any request; body may be a JsonObject, a String (sent as is) or null. */
  public Response send(String method, String path, Object body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    headers.forEach(b::header);
    String text = body == null ? null : body instanceof JsonObject j ? j.encode() : body.toString();
    if (text != null && !headers.containsKey("Content-Type")) {
      b.header("Content-Type", "application/json");
    }
    b.method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      String broken = OpenApi.violation(method, path, r.statusCode(), r.headers().map(), r.body());
      if (broken != null) {
        throw new AssertionError(method + " " + path + " answered " + r.statusCode() + " against the API description ("
            + OpenApi.RESOURCE + "): " + broken + "\nthe answer: " + abbreviate(r.body()));
      }
      return new Response(r.statusCode(), r.body(), r.headers().map());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(method + " " + path + ": " + e, e);
    }
  }

  private static String abbreviate(String body) {
    return body == null || body.length() <= 2000 ? body : body.substring(0, 2000) + "...";
  }

  /** Signs in and answers a client that sends the bearer token. */
  public Session login(String email, String password) {
    Response r = post("/api/auth/login", new JsonObject().put("email", email).put("password", password));
    if (r.status() != 200) {
      throw new IllegalStateException("sign-in of " + email + " failed: " + r);
    }
    return new Session(this, r.json().getString("token"), r.json().getJsonObject("user").getString("id"));
  }

  /** A signed-in API client. */
  public record Session(Api api, String token, String userId) {

    public Response get(String path) {
      return send("GET", path, null);
    }

    public Response post(String path, Object body) {
      return send("POST", path, body);
    }

    public Response put(String path, Object body) {
      return send("PUT", path, body);
    }

    public Response patch(String path, Object body) {
      return send("PATCH", path, body);
    }

    public Response delete(String path) {
      return send("DELETE", path, null);
    }

    /** Starts a thread to these people (all "to") and answers its id; fails unless it was created. */
    public String startThread(String subject, String bodyHtml, Fixtures.Person... to) {
      JsonArray ids = new JsonArray();
      for (Fixtures.Person p : to) {
        ids.add(p.sid());
      }
      Response r = post("/api/threads", new JsonObject().put("to", ids).put("subject", subject).put("bodyHtml", bodyHtml));
      if (r.status() != 201) {
        throw new AssertionError("starting a thread was answered " + r);
      }
      return r.json().getJsonObject("thread").getString("id");
    }

    public Response send(String method, String path, Object body) {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Authorization", "Bearer " + token);
      return api.send(method, path, body, h);
    }
  }

  /** An answer: status, body, headers. */
  public record Response(int status, String body, Map<String, java.util.List<String>> headers) {

    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonArray array(String field) {
      return json().getJsonArray(field);
    }

    public String header(String name) {
      for (Map.Entry<String, java.util.List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    public String error() {
      return json().getString("error");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }
}
