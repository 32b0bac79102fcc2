package dev.parley.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP/1.1 spoken over a plain socket, for what a well-behaved client library refuses to do: send a
 * request target that is not valid percent-encoding, or drop (reset) the connection mid-way.
 */
public final class RawHttp implements AutoCloseable {

  private final Socket socket;

  private RawHttp(Socket socket) {
    this.socket = socket;
  }

  public static RawHttp open(int port) {
    try {
      Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
      s.setSoTimeout(30_000);
      return new RawHttp(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends one request and answers the whole response (the connection is closed after it). */
  public static String exchange(int port, String method, String target, Map<String, String> headers, String body) {
    try (RawHttp c = open(port)) {
      c.send(method, target, headers, body, false);
      return c.readToEnd();
    }
  }

  /** Sends one request and reads its answer as {@link Api.Response}. */
  public static Api.Response request(int port, String method, String target, Map<String, String> headers, String body) {
    String raw = exchange(port, method, target, headers, body);
    int split = raw.indexOf("\r\n\r\n");
    String[] head = raw.substring(0, split).split("\r\n");
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (int i = 1; i < head.length; i++) {
      int colon = head[i].indexOf(':');
      fields.computeIfAbsent(head[i].substring(0, colon).trim(), k -> new ArrayList<>()).add(head[i].substring(colon + 1).trim());
    }
    return new Api.Response(Integer.parseInt(head[0].split(" ")[1]), raw.substring(split + 4), fields);
  }

  /** Writes a request; {@code keepAlive} false asks the server to close after answering. */
  public void send(String method, String target, Map<String, String> headers, String body, boolean keepAlive) {
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n");
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    if (body != null) {
      head.append("Content-Length: ").append(content.length).append("\r\n");
    }
    head.append(keepAlive ? "" : "Connection: close\r\n").append("\r\n");
    write(head.toString().getBytes(StandardCharsets.UTF_8), content);
  }

  private void write(byte[]... parts) {
    try {
      for (byte[] part : parts) {
        socket.getOutputStream().write(part);
      }
      socket.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the status line and headers of the next response. */
  public String readHead() {
    try {
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0) {
        out.write(c);
        byte[] b = out.toByteArray();
        int n = b.length;
        if (n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n') {
          break;
        }
      }
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads everything until the server closes the connection. */
  public String readToEnd() {
    try {
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** After a WebSocket upgrade: sends one text frame (masked, as a client must). */
  public void sendWebSocketText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    if (payload.length > 125) {
      throw new IllegalArgumentException("only short frames are supported");
    }
    byte[] mask = {1, 2, 3, 4};
    byte[] frame = new byte[6 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(mask, 0, frame, 2, 4);
    for (int i = 0; i < payload.length; i++) {
      frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    write(frame);
  }

  /** After a WebSocket upgrade: reads the next frame's payload as text (the server never masks). */
  public String readWebSocketText() {
    try {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      in.readUnsignedByte();
      long length = in.readUnsignedByte() & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      return new String(payload, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Drops the connection with a TCP reset, as a client that crashed or lost its network would. */
  public void reset() {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
