package dev.parley.embedded;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.user.UserException;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * An SMTP + IMAP server inside the process (GreenMail), used when no mail server is configured.
 * Anyone can read the mail sent to an address by signing in to IMAP with that address as login and
 * password. Every reply address of the reply domain ({@code reply+<token>@<reply domain>}) is delivered
 * to the one mailbox {@code replies@<reply domain>} that the inbound poller reads.
 */
public final class EmbeddedMailServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMailServer.class);

  private final GreenMail greenMail;

  private EmbeddedMailServer(GreenMail greenMail) {
    this.greenMail = greenMail;
  }

  /** Blocking: starts SMTP and IMAP on 127.0.0.1 at the given ports (0 picks free ones). */
  public static EmbeddedMailServer start(int smtpPort, int imapPort, String replyDomain) {
    ServerSetup smtp = new ServerSetup(smtpPort == 0 ? freePort() : smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    ServerSetup imap = new ServerSetup(imapPort == 0 ? freePort() : imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP);
    GreenMail gm = new GreenMail(new ServerSetup[] {smtp, imap});
    gm.start();
    routeReplies(gm.getUserManager(), replyDomain);
    EmbeddedMailServer server = new EmbeddedMailServer(gm);
    LOG.info("embedded mail server: SMTP on 127.0.0.1:{}, IMAP on 127.0.0.1:{}", server.smtpPort(), server.imapPort());
    return server;
  }

  /** The login (and password) of the mailbox that receives every reply address of the domain. */
  public static String repliesLogin(String replyDomain) {
    return "replies@" + replyDomain.toLowerCase(Locale.ROOT);
  }

  private static void routeReplies(UserManager users, String replyDomain) {
    String suffix = "@" + replyDomain.toLowerCase(Locale.ROOT);
    GreenMailUser replies = mailbox(users, repliesLogin(replyDomain));
    users.setMessageDeliveryHandler((message, address) -> {
      String email = address.getEmail().toLowerCase(Locale.ROOT);
      return email.startsWith("reply+") && email.endsWith(suffix) ? replies : mailbox(users, email);
    });
  }

  /**
   * Opens the mailbox of {@code address} if it has none yet (login and password: the address), so
   * that it can be signed in to before any mail reached it. Mailboxes live in memory: call it on each start.
   */
  public void openMailbox(String address) {
    mailbox(greenMail.getUserManager(), address.toLowerCase(Locale.ROOT));
  }

  private static GreenMailUser mailbox(UserManager users, String email) {
    GreenMailUser user = users.getUserByEmail(email);
    if (user != null) {
      return user;
    }
    try {
      return users.createUser(email, email, email);
    } catch (UserException e) {
      throw new IllegalStateException("cannot create the mailbox " + email, e);
    }
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
