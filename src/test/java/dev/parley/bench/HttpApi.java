package dev.parley.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;

/** The few API calls the benchmark makes, on a pooled Vert.x HTTP client. */
final class HttpApi {

  /** An answer: status and body. */
  record Answer(int status, Buffer body) {
    JsonObject json() {
      return body == null || body.length() == 0 ? new JsonObject() : body.toJsonObject();
    }
  }

  private final HttpClientAgent client;
  private final String host;
  private final int port;

  HttpApi(Vertx vertx, String baseUrl, int connections) {
    URI u = URI.create(baseUrl);
    this.host = u.getHost();
    this.port = u.getPort() == -1 ? 80 : u.getPort();
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
            .setConnectTimeout(10_000),
        new PoolOptions().setHttp1MaxSize(connections));
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  Future<Answer> post(String path, String token, JsonObject body) {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setURI(path)
        .setIdleTimeout(60_000)
        .putHeader("Content-Type", "application/json");
    if (token != null) {
      o.putHeader("Authorization", "Bearer " + token);
    }
    Buffer payload = body.toBuffer();
    return client.request(o)
        .compose(req -> req.send(payload))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b)));
  }

  Future<Answer> get(String path, String token) {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setURI(path)
        .setIdleTimeout(60_000);
    if (token != null) {
      o.putHeader("Authorization", "Bearer " + token);
    }
    return client.request(o)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b)));
  }

  Future<Void> close() {
    return client.close();
  }
}
