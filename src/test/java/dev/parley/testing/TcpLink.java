package dev.parley.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP link between a node and its database that a test can cut: {@link #reset()} ends every open
 * connection with a TCP reset, as a restarting server or a network device does, and the link then
 * accepts new connections again. Also the simplest balancer in front of nodes: {@link #retarget}.
 */
public final class TcpLink implements AutoCloseable {

  private final ServerSocket server;
  private volatile String targetHost;
  private volatile int targetPort;
  private final List<Socket> clients = new CopyOnWriteArrayList<>();

  private TcpLink(ServerSocket server, String targetHost, int targetPort) {
    this.server = server;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  /** Listens on a free loopback port and forwards to {@code host:port}. */
  public static TcpLink to(String host, int port) {
    try {
      TcpLink link = new TcpLink(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), host, port);
      Thread accept = new Thread(link::accept, "tcp-link-accept");
      accept.setDaemon(true);
      accept.start();
      return link;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Sends the connections opened from now on to {@code host:port} (as a balancer that took a node out); open ones stay. */
  public void retarget(String host, int port) {
    this.targetHost = host;
    this.targetPort = port;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(targetHost, targetPort);
        clients.add(client);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        // closed, or the target refused: the client sees its connection end
      }
    }
  }

  private static void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buf)) >= 0; ) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side ended: end the other
      } finally {
        closeQuietly(to);
        closeQuietly(from);
      }
    }, "tcp-link-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Ends every connection open now with a TCP reset (RST) towards the node. */
  public void reset() {
    for (Socket s : clients) {
      try {
        s.setSoLinger(true, 0);
      } catch (IOException e) {
        // already closed
      }
      closeQuietly(s);
      clients.remove(s);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    reset();
  }
}
