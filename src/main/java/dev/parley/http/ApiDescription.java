package dev.parley.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * {@code GET /api/openapi.json}: the OpenAPI 3.1 description of the HTTP API, the resource
 * {@value #RESOURCE} read once when the HTTP verticle starts. Open to anyone (it describes the API and
 * holds no data), and cacheable: a client asks again each time and is answered 304 while its ETag holds.
 */
final class ApiDescription implements Handler<RoutingContext> {

  static final String RESOURCE = "openapi/parley.json";
  /** Where the API router serves it. */
  static final String PATH = "/openapi.json";

  private Buffer document;
  private String etag;

  /** Reads the document; the verticle listens only once it is read. */
  Future<Void> load(Vertx vertx) {
    return vertx.fileSystem().readFile(RESOURCE).map(bytes -> {
      document = bytes;
      etag = "\"" + sha256(bytes.getBytes()) + "\"";
      return null;
    });
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse res = ctx.response();
    // replaces the API's no-store: the document is public and changes only with a release
    res.putHeader("Cache-Control", "no-cache").putHeader("ETag", etag);
    if (matches(ctx.request().getHeader("If-None-Match"))) {
      res.setStatusCode(304).end();
      return;
    }
    res.putHeader("Content-Type", "application/json; charset=utf-8").end(document);
  }

  private boolean matches(String ifNoneMatch) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.trim();
      if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }

  private static String sha256(byte[] bytes) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
