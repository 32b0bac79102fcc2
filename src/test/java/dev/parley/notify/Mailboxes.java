package dev.parley.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.parley.testing.TestNode;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reading what the test node's GreenMail received. */
public final class Mailboxes {

  private Mailboxes() {
  }

  public static GreenMail of(TestNode node) {
    return node.parley().platform().mail().embedded().greenMail();
  }

  /** Every message received for this address, oldest first. */
  public static List<MimeMessage> to(GreenMail gm, String address) {
    List<MimeMessage> out = new ArrayList<>();
    for (MimeMessage m : gm.getReceivedMessages()) {
      try {
        jakarta.mail.Address[] rcpts = m.getRecipients(Message.RecipientType.TO);
        if (rcpts != null && Arrays.stream(rcpts).anyMatch(a -> ((InternetAddress) a).getAddress().equalsIgnoreCase(address))) {
          out.add(m);
        }
      } catch (MessagingException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  static MimeMessage only(GreenMail gm, String address) {
    List<MimeMessage> all = to(gm, address);
    if (all.size() != 1) {
      throw new AssertionError(address + " received " + all.size() + " messages, expected one");
    }
    return all.get(0);
  }

  /** The message as it went over the wire. */
  static String raw(MimeMessage m) {
    return GreenMailUtil.getWholeMessage(m);
  }

  /** The decoded text of every part (plain and HTML). */
  static String decoded(MimeMessage m) {
    try {
      StringBuilder b = new StringBuilder();
      collect(m.getContent(), b);
      return b.toString();
    } catch (IOException | MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String part(MimeMessage m, String mimeType) {
    try {
      Object content = m.getContent();
      if (content instanceof Multipart mp) {
        for (int i = 0; i < mp.getCount(); i++) {
          BodyPart p = mp.getBodyPart(i);
          if (p.isMimeType(mimeType)) {
            return String.valueOf(p.getContent());
          }
        }
      }
      return m.isMimeType(mimeType) ? String.valueOf(content) : null;
    } catch (IOException | MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String header(MimeMessage m, String name) {
    try {
      String[] v = m.getHeader(name);
      return v == null ? null : v[0];
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  static int headerCount(MimeMessage m, String name) {
    try {
      String[] v = m.getHeader(name);
      return v == null ? 0 : v.length;
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String subject(MimeMessage m) {
    try {
      return m.getSubject();
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void collect(Object content, StringBuilder b) throws IOException, MessagingException {
    if (content instanceof Multipart mp) {
      for (int i = 0; i < mp.getCount(); i++) {
        collect(mp.getBodyPart(i).getContent(), b);
      }
    } else {
      b.append(content).append('\n');
    }
  }

  /** Outbox rows not yet sent or failed. */
  static long pendingRows(TestNode node) {
    return node.parley().platform().pool().query("select count(*) from outbox where status = 'pending'").execute()
        .await().iterator().next().getLong(0);
  }

  static String statusOf(TestNode node, String kind, String messageId) {
    var rows = node.parley().platform().pool()
        .preparedQuery("select string_agg(status, ',' order by status) from outbox where kind = $1 and payload->>'messageId' = $2")
        .execute(io.vertx.sqlclient.Tuple.of(kind, messageId)).await();
    return rows.iterator().next().getString(0);
  }
}
