package dev.parley.testing;

import io.vertx.core.json.JsonObject;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/** Uploading and downloading files as a browser or a script would, and small real files to do it with. */
public final class FileUploads {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private FileUploads() {
  }

  /** A download: status, bytes, headers. */
  public record Download(int status, byte[] body, Map<String, java.util.List<String>> headers) {
    public String header(String name) {
      return new Api.Response(status, "", headers).header(name);
    }
  }

  /** {@code POST /api/attachments} with the bearer token, the body sent with its length. */
  public static Api.Response upload(Api.Session s, String name, byte[] bytes) {
    return upload(s, name, HttpRequest.BodyPublishers.ofByteArray(bytes), Map.of());
  }

  /** The same, the body sent chunked (no Content-Length): the server learns its size only as it arrives. */
  public static Api.Response uploadChunked(Api.Session s, String name, byte[] bytes) {
    return upload(s, name, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)), Map.of());
  }

  public static Api.Response upload(Api.Session s, String name, HttpRequest.BodyPublisher body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.api().base() + "/api/attachments"))
        .timeout(Duration.ofSeconds(60))
        .header("X-Parley-Filename", URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"))
        .header("Content-Type", "application/octet-stream")
        .POST(body);
    if (s.token() != null) {
      b.header("Authorization", "Bearer " + s.token());
    }
    headers.forEach(b::setHeader);
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Api.Response(r.statusCode(), r.body(), r.headers().map());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("upload of " + name + ": " + e, e);
    }
  }

  /** Uploads and answers the new file's id; fails unless it was stored. */
  public static String uploaded(Api.Session s, String name, byte[] bytes) {
    Api.Response r = upload(s, name, bytes);
    if (r.status() != 201) {
      throw new AssertionError("upload of " + name + " was answered " + r);
    }
    return r.json().getJsonObject("attachment").getString("id");
  }

  public static Download download(Api.Session s, String id) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(s.api().base() + "/api/attachments/" + id))
        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + s.token()).GET().build();
    try {
      HttpResponse<byte[]> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofByteArray());
      return new Download(r.statusCode(), r.body(), r.headers().map());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("download of " + id + ": " + e, e);
    }
  }

  /** A small real PDF of about {@code size} bytes (padding in a comment). */
  public static byte[] pdf(int size) {
    String head = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        + "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%";
    byte[] out = new byte[Math.max(size, head.length() + 7)];
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(h, 0, out, 0, h.length);
    for (int i = h.length; i < out.length - 6; i++) {
      out[i] = (byte) ('a' + (i * 31 % 26));
    }
    byte[] end = "\n%%EOF".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(end, 0, out, out.length - end.length, end.length);
    return out;
  }

  /** The start of a Windows program (MZ header pointing at a PE header), whatever it is named. */
  public static byte[] exe() {
    byte[] out = new byte[4096];
    out[0] = 'M';
    out[1] = 'Z';
    out[0x3c] = (byte) 0x80;
    out[0x80] = 'P';
    out[0x81] = 'E';
    return out;
  }

  /** The EICAR test file, which every virus scanner reports (and which harms nothing). */
  public static byte[] eicar() {
    return ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").getBytes(StandardCharsets.US_ASCII);
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A send or reply body naming these files. */
  public static JsonObject naming(JsonObject body, String... attachmentIds) {
    return body.put("attachmentIds", new io.vertx.core.json.JsonArray(java.util.List.of((Object[]) attachmentIds)));
  }
}
