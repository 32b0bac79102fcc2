package dev.parley.realtime;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A live client on a plain {@link Socket}: it does the HTTP or WebSocket handshake itself, reads the
 * answer's head and then reads only when told to. With a small receive buffer, a client that stops
 * reading fills the server's side quickly: what a stalled browser looks like to the node.
 */
final class RawClient implements AutoCloseable {

  /** Bytes of the receive buffer: small, so that the server's queue fills rather than the kernel's. */
  static final int RECEIVE_BUFFER = 4096;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  final String head;

  private RawClient(Socket socket, String head) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.head = head;
  }

  /** A WebSocket handshake on {@code path} (raw {@code /eventbus/websocket} or SockJS-framed). */
  static RawClient webSocket(int port, String path, String cookie) {
    String key = Base64.getEncoder().encodeToString(new byte[16]);
    return open(port, "GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
        + (cookie == null ? "" : "Cookie: " + cookie + "\r\n") + "\r\n");
  }

  /** An empty POST on {@code path}, as SockJS's XHR transports open a stream or a poll. */
  static RawClient post(int port, String path, String cookie) {
    return open(port, "POST " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Length: 0\r\n"
        + (cookie == null ? "" : "Cookie: " + cookie + "\r\n") + "\r\n");
  }

  private static RawClient open(int port, String request) {
    try {
      Socket s = new Socket();
      s.setReceiveBufferSize(RECEIVE_BUFFER);
      s.setSoTimeout(20_000);
      s.connect(new InetSocketAddress("localhost", port), 5_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return new RawClient(s, readHead(s.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        break;
      }
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** The bridge's register frame, as a client sends it: plain JSON, or in a SockJS array when framed. */
  static String register(String address, boolean sockJsFramed) {
    String frame = new JsonObject().put("type", "register").put("address", address).encode();
    return sockJsFramed ? new JsonArray().add(frame).encode() : frame;
  }

  /** Sends a masked WebSocket text frame, as a client must. */
  RawClient sendText(String text) {
    return sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a WebSocket close frame (status 1000). */
  RawClient sendClose() {
    return sendFrame(0x8, new byte[] {0x03, (byte) 0xe8});
  }

  private RawClient sendFrame(int opcode, byte[] payload) {
    try {
      ByteArrayOutputStream f = new ByteArrayOutputStream();
      f.write(0x80 | opcode);
      if (payload.length < 126) {
        f.write(0x80 | payload.length);
      } else {
        f.write(0x80 | 126);
        f.write(payload.length >> 8);
        f.write(payload.length & 0xff);
      }
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      f.write(mask);
      for (int i = 0; i < payload.length; i++) {
        f.write(payload[i] ^ mask[i % 4]);
      }
      out.write(f.toByteArray());
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads WebSocket frames until a close frame from the server; true when one came, false when the
   * connection ended first.
   */
  boolean readUntilCloseFrame() {
    try {
      while (true) {
        int b0 = in.read();
        if (b0 < 0) {
          return false;
        }
        int b1 = in.read();
        long length = b1 & 0x7f;
        if (length == 126) {
          length = (in.read() << 8) | in.read();
        } else if (length == 127) {
          length = 0;
          for (int i = 0; i < 8; i++) {
            length = (length << 8) | in.read();
          }
        }
        in.skipNBytes(length);
        if ((b0 & 0x0f) == 0x8) {
          return true;
        }
      }
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads the rest of the answer until the server ends the connection. */
  String readToEnd() {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads and discards everything until the server ends the connection; true when it did (end of
   * stream or reset), false when it was still open after the socket's read timeout.
   */
  boolean drainUntilClosed() {
    byte[] buf = new byte[64 * 1024];
    try {
      while (in.read(buf) >= 0) {
        // discard
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
