package dev.parley.inbound;

import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.parley.ParleyConfig;
import dev.parley.Platform;
import dev.parley.notify.ReplyTokens;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import jakarta.mail.Flags;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The IMAP reader against a mail server of its own: restarts, outages, and workers that died half-way. */
class PollerRecoveryTest {

  static final String LOGIN = "replies@parley.localhost";

  /** A node reading the replies mailbox of {@code imap}, with a thread and the client's reply address. */
  record Setup(TestNode node, Map<String, String> env, Fixtures.Person client, String threadId, String replyAddress) {
    Platform platform() {
      return node.parley().platform();
    }
  }

  static Map<String, String> env(int imapPort) {
    Map<String, String> env = TestNode.defaults();
    env.put(ParleyConfig.DB_URL, TestDatabase.newDatabase());
    env.put(ParleyConfig.IMAP_HOST, "127.0.0.1");
    env.put(ParleyConfig.IMAP_PORT, Integer.toString(imapPort));
    env.put(ParleyConfig.IMAP_USERNAME, LOGIN);
    env.put(ParleyConfig.IMAP_PASSWORD, "mailbox-secret");
    env.put(ParleyConfig.IMAP_POLL_SECONDS, "1");
    return env;
  }

  static Setup setup(Map<String, String> env) {
    TestNode node = TestNode.startWith(env);
    Platform platform = node.parley().platform();
    Fixtures.Company c = node.fixtures().company("Acme");
    platform.pool().preparedQuery("update companies set convenience_mode = true where id = $1").execute(Tuple.of(c.id)).await();
    Fixtures.Person staff = c.staff("Sam Staff");
    Fixtures.Person client = c.client("Chris Client", staff);
    Api.Response sent = staff.login(node.api()).post("/api/threads", new JsonObject()
        .put("to", new JsonArray().add(client.sid())).put("subject", "Statements").put("bodyHtml", "<p>Ready.</p>"));
    String threadId = sent.json().getJsonObject("thread").getString("id");
    String token = new ReplyTokens(platform.secrets().replyToken())
        .issue(platform.pool(), c.id, client.id(), UUID.fromString(threadId)).await();
    return new Setup(node, env, client, threadId, ReplyTokens.address(token, platform.config().replyDomain()));
  }

  static GreenMail imapServer(int port) {
    GreenMail gm = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
    gm.start();
    gm.setUser(LOGIN, LOGIN, "mailbox-secret");
    return gm;
  }

  static String raw(Setup s, String messageId, String text) {
    return "MIME-Version: 1.0\r\nFrom: Chris Client <" + s.client().email() + ">\r\nTo: <" + s.replyAddress() + ">\r\n"
        + "Message-ID: <" + messageId + ">\r\nSubject: Re: Statements\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + text + "\r\n\r\nOn Mon, 3 Mar 2025 at 09:00, Sam Staff wrote:\r\n> Ready.\r\n";
  }

  static void deliver(GreenMail gm, String raw) throws Exception {
    GreenMailUser user = gm.getUserManager().getUser(LOGIN);
    user.deliver(new MimeMessage(Session.getInstance(new Properties()),
        new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8))));
  }

  static long emailMessages(Platform platform, String threadId) {
    return Mails.count(platform, "select count(*) from messages where thread_id = $1 and source = 'email'", UUID.fromString(threadId));
  }

  static long distinctTexts(Platform platform, String threadId) {
    return Mails.count(platform, "select count(distinct body_text) from messages where thread_id = $1 and source = 'email'",
        UUID.fromString(threadId));
  }

  static long mailboxLocks(Platform platform) {
    return Mails.count(platform, "select count(*) from pg_locks where locktype = 'advisory' and granted "
        + "and database = (select oid from pg_database where datname = current_database())");
  }

  @Test
  void twoNodesOnOneDatabaseReadTheMailboxOneAtATime() throws Exception {
    int port = TestNode.freePort();
    GreenMail gm = imapServer(port);
    Setup s = setup(env(port));
    Map<String, String> otherEnv = new java.util.HashMap<>(TestNode.defaults());
    otherEnv.putAll(Map.of(ParleyConfig.DB_URL, s.env().get(ParleyConfig.DB_URL), ParleyConfig.DATA_DIR, s.env().get(ParleyConfig.DATA_DIR)));
    s.env().forEach((k, v) -> {
      if (k.startsWith("PARLEY_IMAP_")) {
        otherEnv.put(k, v);
      }
    });
    try (TestNode other = TestNode.startWith(otherEnv)) {
      for (int i = 0; i < 30; i++) {
        deliver(gm, raw(s, "pair-" + i + "@mail.example.test", "Reply to both nodes " + i));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> emailMessages(s.platform(), s.threadId()) >= 30);
      awaitLastEmail(gm, s, s.platform(), "pair-last@mail.example.test");
      assertThat(emailMessages(s.platform(), s.threadId())).isEqualTo(31);
      assertThat(distinctTexts(s.platform(), s.threadId())).isEqualTo(31);
      assertThat(mailboxLocks(s.platform())).isEqualTo(1);
    } finally {
      s.node().close();
      gm.stop();
    }
  }

  /**
   * Delivers one more email and waits until it is posted. The mailbox is read in order by one reader
   * at a time, so once this later email is in, any copy of an earlier one would be in too: the count
   * of messages is final, with no quiet period to wait out.
   */
  static void awaitLastEmail(GreenMail gm, Setup s, Platform p, String messageId) throws Exception {
    String text = "The last email, after all the others (" + messageId + ")";
    deliver(gm, raw(s, messageId, text));
    // an IDLE notice the server sends while the reader is busy can be missed; the reader's own wake-up
    // (every 25 s) then takes the email, so the wait covers that wake-up and the work after it
    await().atMost(Duration.ofSeconds(60)).until(() -> Mails.count(p,
        "select count(*) from messages where thread_id = $1 and source = 'email' and body_text = $2",
        UUID.fromString(s.threadId()), text) == 1);
  }

  @Test
  void aReaderThatDiedMidBatchLeavesTheNextNodeNothingToLoseOrDuplicate() throws Exception {
    int port = TestNode.freePort();
    GreenMail gm = imapServer(port);
    Setup s = setup(env(port));
    int taken = 10;
    int n = 30;
    UUID companyId = s.platform().pool().preparedQuery("select company_id from threads where id = $1")
        .execute(Tuple.of(UUID.fromString(s.threadId()))).await().iterator().next().getUUID(0);
    try {
      // the first node reads the first emails through to the end
      for (int i = 0; i < taken; i++) {
        deliver(gm, raw(s, "restart-" + i + "@mail.example.test", "Reply number " + i));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> emailMessages(s.platform(), s.threadId()) == taken
          && Mails.takenUid(s.platform()) == Mails.lastUid(Mails.inbox(gm, LOGIN)));
      // the state a reader that died half-way through its next batch leaves, made by hand (the
      // emails themselves arrive below, once no node reads the mailbox):
      // - the next email claimed over IMAP and never posted
      s.platform().pool().preparedQuery("insert into inbound_emails (company_id, message_key, raw_hash, status, channel) "
          + "values ($1, $2, 'x', 'claimed', 'imap')").execute(Tuple.of(companyId, "<restart-" + taken + "@mail.example.test>")).await();
      // - the one after it posted, but still claimed by that reader: it died before marking it taken
      byte[] postedNotTaken = raw(s, "restart-" + (taken + 1) + "@mail.example.test", "Reply number " + (taken + 1))
          .getBytes(StandardCharsets.UTF_8);
      assertThat(Mails.webhook(s.node(), postedNotTaken).json().getString("outcome")).isEqualTo("posted");
      s.platform().pool().preparedQuery("update inbound_emails set status = 'claimed', channel = 'imap', message_id = null, "
          + "done_at = null, claimed_at = now() where message_key = $1")
          .execute(Tuple.of("<restart-" + (taken + 1) + "@mail.example.test>")).await();
      s.node().close();
      for (int i = taken; i < n; i++) {
        deliver(gm, raw(s, "restart-" + i + "@mail.example.test", "Reply number " + i));
      }

      try (TestNode second = TestNode.startWith(s.env())) {
        Platform p = second.parley().platform();
        await().atMost(Duration.ofSeconds(30)).until(() -> emailMessages(p, s.threadId()) >= n);
        awaitLastEmail(gm, s, p, "restart-last@mail.example.test");
        assertThat(emailMessages(p, s.threadId())).isEqualTo(n + 1);
        assertThat(distinctTexts(p, s.threadId())).isEqualTo(n + 1);
        assertThat(Mails.count(p, "select count(*) from inbound_emails where status = 'claimed'")).isZero();

        // the reader marks an email seen and then saves its position after posting it: once the
        // position reaches the last email, every email is marked
        MailFolder inbox = Mails.inbox(gm, LOGIN);
        await().atMost(Duration.ofSeconds(20)).until(() -> Mails.takenUid(p) == Mails.lastUid(inbox));
        assertThat(inbox.getMessages()).allMatch(m -> m.getFlags().contains(Flags.Flag.SEEN));
      }

      try (TestNode third = TestNode.startWith(s.env())) {
        Platform p = third.parley().platform();
        awaitLastEmail(gm, s, p, "after-restart@mail.example.test");
        assertThat(emailMessages(p, s.threadId())).isEqualTo(n + 2);
      }
    } finally {
      gm.stop();
    }
  }

  @Test
  void thePollerBacksOffWhileTheServerIsDownAndReadsItOnceItIsUp() throws Exception {
    int port = TestNode.freePort();
    Setup s = setup(env(port));
    GreenMail gm = null;
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> mailboxLocks(s.platform()) == 1);
      gm = imapServer(port);
      deliver(gm, raw(s, "outage@mail.example.test", "Sent while the mailbox was down"));
      long start = System.nanoTime();
      await().atMost(Duration.ofSeconds(30)).until(() -> emailMessages(s.platform(), s.threadId()) == 1);
      System.out.println("inbound outage: reply taken " + (System.nanoTime() - start) / 1_000_000 + " ms after the server came up");
    } finally {
      s.node().close();
      if (gm != null) {
        gm.stop();
      }
    }
  }

  @Test
  void anEmailLeftClaimedByADeadWorkerIsTakenOverWithoutDuplicating() {
    int port = TestNode.freePort();
    GreenMail gm = imapServer(port);
    Setup s = setup(env(port));
    Platform p = s.platform();
    UUID companyId = p.pool().preparedQuery("select company_id from threads where id = $1")
        .execute(Tuple.of(UUID.fromString(s.threadId()))).await().iterator().next().getUUID(0);
    try {
      // posted, then the worker died before marking it taken
      byte[] first = raw(s, "dead-1@mail.example.test", "Posted before the crash").getBytes(StandardCharsets.UTF_8);
      assertThat(Mails.webhook(s.node(), first).json().getString("outcome")).isEqualTo("posted");
      p.pool().preparedQuery("update inbound_emails set status = 'claimed', message_id = null, done_at = null, "
          + "claimed_at = now() - interval '2 minutes' where message_key = $1").execute(Tuple.of("<dead-1@mail.example.test>")).await();
      assertThat(Mails.webhook(s.node(), first).json().getString("outcome")).isEqualTo("duplicate");
      assertThat(emailMessages(p, s.threadId())).isEqualTo(1);

      // claimed, then the worker died before posting
      p.pool().preparedQuery("insert into inbound_emails (company_id, message_key, raw_hash, status, channel, claimed_at) "
          + "values ($1, $2, 'x', 'claimed', 'imap', now() - interval '2 minutes')")
          .execute(Tuple.of(companyId, "<dead-2@mail.example.test>")).await();
      byte[] second = raw(s, "dead-2@mail.example.test", "Never posted before the crash").getBytes(StandardCharsets.UTF_8);
      assertThat(Mails.webhook(s.node(), second).json().getString("outcome")).isEqualTo("posted");
      assertThat(emailMessages(p, s.threadId())).isEqualTo(2);

      // claimed just now by a live worker: asked to come back later, nothing posted twice
      p.pool().preparedQuery("insert into inbound_emails (company_id, message_key, raw_hash, status, channel) "
          + "values ($1, $2, 'x', 'claimed', 'imap')").execute(Tuple.of(companyId, "<busy@mail.example.test>")).await();
      byte[] third = raw(s, "busy@mail.example.test", "Being taken elsewhere").getBytes(StandardCharsets.UTF_8);
      assertThat(Mails.webhook(s.node(), third).status()).isEqualTo(503);
      assertThat(emailMessages(p, s.threadId())).isEqualTo(2);
    } finally {
      s.node().close();
      gm.stop();
    }
  }
}
