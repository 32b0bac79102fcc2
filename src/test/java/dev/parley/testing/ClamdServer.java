package dev.parley.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Debian's real clamd on a free loopback port, with a configuration and a signature database of its
 * own: one line that knows the EICAR test file (nothing is downloaded). Start it once per test class.
 */
public final class ClamdServer implements AutoCloseable {

  /** The EICAR test file's MD5, size and a name: a ClamAV hash signature (.hdb). */
  private static final String EICAR_SIGNATURE = "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n";

  private final Process process;
  private final int port;
  private final Path dir;

  private ClamdServer(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /** The clamd binary, or null when it is not installed (CI installs clamav-daemon). */
  public static Path binary() {
    for (String p : new String[] {"/usr/sbin/clamd", "/usr/bin/clamd", "/usr/local/sbin/clamd"}) {
      if (Files.isExecutable(Path.of(p))) {
        return Path.of(p);
      }
    }
    return null;
  }

  public static ClamdServer start() {
    return start(TestNode.freePort());
  }

  /** On this port (to start it again where a node expects it after {@link #close}). */
  public static ClamdServer start(int port) {
    Path clamd = binary();
    if (clamd == null) {
      throw new IllegalStateException("clamd is not installed");
    }
    try {
      Path dir = Files.createTempDirectory("parley-clamd");
      Files.writeString(dir.resolve("eicar.hdb"), EICAR_SIGNATURE);
      Path conf = dir.resolve("clamd.conf");
      Files.writeString(conf, String.join("\n",
          "TCPSocket " + port,
          "TCPAddr 127.0.0.1",
          "DatabaseDirectory " + dir,
          "Foreground yes",
          "LogFile " + dir.resolve("clamd.log"),
          "StreamMaxLength 64M",
          ""));
      Process p = new ProcessBuilder(clamd.toString(), "-c", conf.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("clamd.out").toFile()).start();
      ClamdServer server = new ClamdServer(p, port, dir);
      try {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(server::pong);
      } catch (RuntimeException e) {
        server.close();
        throw new IllegalStateException("clamd did not start: " + Files.readString(dir.resolve("clamd.out")), e);
      }
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return port;
  }

  private boolean pong() throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      out.write("zPING\0".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readNBytes(4), StandardCharsets.US_ASCII).equals("PONG");
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public Path dir() {
    return dir;
  }
}
