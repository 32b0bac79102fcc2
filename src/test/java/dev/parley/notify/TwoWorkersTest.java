package dev.parley.notify;

import com.icegreen.greenmail.util.GreenMail;
import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two nodes on one database share the outbox: every row is sent once, none is lost. */
class TwoWorkersTest {

  static final int ROWS = 1000;

  static TestNode first;
  static TestNode second;

  @BeforeAll
  static void start() {
    first = TestNode.start(Map.of(ParleyConfig.OUTBOX_POLL_MS, "50"));
    Map<String, String> env = new HashMap<>(TestNode.defaults());
    env.put(ParleyConfig.DB_URL, first.dbUrl());
    env.put(ParleyConfig.SMTP_HOST, "127.0.0.1");
    env.put(ParleyConfig.SMTP_PORT, Integer.toString(first.parley().platform().mail().smtpPort()));
    env.put(ParleyConfig.MAIL_FROM, "Parley <no-reply-2@parley.localhost>");
    env.put(ParleyConfig.OUTBOX_POLL_MS, "50");
    second = TestNode.startWith(env);
  }

  @AfterAll
  static void stop() {
    second.close();
    first.close();
  }

  @Test
  void twoWorkersDeliverAThousandRowsWithNoDuplicateAndNoLoss() throws Exception {
    Api api = first.api();
    Fixtures.Company c = first.fixtures().company("Busy Bank");
    Fixtures.Person staff = c.staff("Bea Sender");
    Fixtures.Person client = c.client("First Client", staff);
    Api.Response sent = staff.login(api).post("/api/threads", new JsonObject()
        .put("to", new JsonArray().add(client.sid())).put("subject", "Rates").put("bodyHtml", "<p>x</p>"));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
    UUID threadId = UUID.fromString(sent.json().getJsonObject("thread").getString("id"));
    UUID messageId = UUID.fromString(sent.json().getJsonObject("message").getString("id"));
    GreenMail mail = Mailboxes.of(first);
    await().atMost(Duration.ofSeconds(20)).until(() -> Mailboxes.pendingRows(first) == 0);
    int before = mail.getReceivedMessages().length;

    // a thousand more recipients of that message, their notifications parked until all are written
    Pool pool = first.parley().platform().pool();
    pool.withTransaction(tx -> tx.preparedQuery("""
            insert into users (company_id, email, name, role)
            select $1, 'load.' || g || '@example.test', 'Load Client ' || g, 'client' from generate_series(1, $2) g""")
        .execute(Tuple.of(c.id, ROWS))
        .compose(v -> tx.preparedQuery("""
            insert into message_recipients (message_id, thread_id, user_id, kind)
            select $1, $2, id, 'bcc' from users where email like 'load.%'""").execute(Tuple.of(messageId, threadId)))
        .compose(v -> tx.preparedQuery("""
            insert into outbox (company_id, kind, recipient_id, payload, next_attempt_at)
            select $1, 'notification', id, jsonb_build_object('messageId', $2::text, 'threadId', $3::text), now() + interval '1 day'
              from users where email like 'load.%'""").execute(Tuple.of(c.id, messageId.toString(), threadId.toString())))).await();

    long t0 = System.nanoTime();
    pool.query("update outbox set next_attempt_at = now() where status = 'pending'").execute().await();
    await().atMost(Duration.ofSeconds(120)).until(() -> mail.getReceivedMessages().length - before >= ROWS
        && Mailboxes.pendingRows(first) == 0);
    double seconds = (System.nanoTime() - t0) / 1e9;

    MimeMessage[] all = mail.getReceivedMessages();
    assertThat(all.length - before).as("no duplicate").isEqualTo(ROWS);
    Set<String> ids = new HashSet<>();
    Set<String> recipients = new HashSet<>();
    Map<String, Integer> byNode = new HashMap<>();
    for (int i = before; i < all.length; i++) {
      MimeMessage m = all[i];
      ids.add(m.getMessageID());
      recipients.add(((InternetAddress) m.getRecipients(MimeMessage.RecipientType.TO)[0]).getAddress());
      byNode.merge(((InternetAddress) m.getFrom()[0]).getAddress(), 1, Integer::sum);
    }
    assertThat(ids).as("every email its own Message-ID").hasSize(ROWS);
    assertThat(recipients).as("no loss: every recipient got theirs").hasSize(ROWS);
    long sentRows = pool.query("select count(*) from outbox where status = 'sent'").execute().await().iterator().next().getLong(0);
    assertThat(sentRows).isEqualTo(ROWS + 1);
    assertThat(byNode).as("both nodes took a share").containsKeys("no-reply@parley.localhost", "no-reply-2@parley.localhost");
    System.out.printf("outbox: %d emails by two nodes in %.2f s (%.0f emails/s), split %s%n", ROWS, seconds, ROWS / seconds, byNode);
  }
}
