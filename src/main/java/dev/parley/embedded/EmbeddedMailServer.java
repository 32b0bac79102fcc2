package dev.parley.embedded;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMTP + IMAP server inside the process (GreenMail), used when no mail server is configured.
 * Anyone can read the mail sent to an address by signing in to IMAP with that address as login and
 * password.
 */
public final class EmbeddedMailServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMailServer.class);

  private final GreenMail greenMail;

  private EmbeddedMailServer(GreenMail greenMail) {
    this.greenMail = greenMail;
  }

  /** Blocking: starts SMTP and IMAP on 127.0.0.1 at the given ports (0 picks free ones). */
  public static EmbeddedMailServer start(int smtpPort, int imapPort) {
    ServerSetup smtp = new ServerSetup(smtpPort == 0 ? freePort() : smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    ServerSetup imap = new ServerSetup(imapPort == 0 ? freePort() : imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP);
    GreenMail gm = new GreenMail(new ServerSetup[] {smtp, imap});
    gm.start();
    EmbeddedMailServer server = new EmbeddedMailServer(gm);
    LOG.info("embedded mail server: SMTP on 127.0.0.1:{}, IMAP on 127.0.0.1:{}", server.smtpPort(), server.imapPort());
    return server;
  }

  private static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public int smtpPort() {
    return greenMail.getSmtp().getPort();
  }

  public int imapPort() {
    return greenMail.getImap().getPort();
  }

  public GreenMail greenMail() {
    return greenMail;
  }

  @Override
  public void close() {
    greenMail.stop();
  }
}
