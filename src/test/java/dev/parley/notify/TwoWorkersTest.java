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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two nodes on one database share the outbox: every job is expanded once, every email sent once, none lost. */
class TwoWorkersTest {

  static final int ROWS = 1000;
  static final int THREADS = 10;

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
  void twoWorkersRacingOnTheSameDueJobsEmailEachRecipientExactlyOnce() throws Exception {
    Api api = first.api();
    Fixtures.Company c = first.fixtures().company("Busy Bank");
    Fixtures.Person staff = c.staff("Bea Sender");
    Fixtures.Person client = c.client("First Client", staff);
    Pool pool = first.parley().platform().pool();
    // the jobs of the sends below wait an hour: both workers find them due at the same moment
    pool.preparedQuery("update companies set notification_delay_seconds = 3600 where id = $1").execute(Tuple.of(c.id)).await();
    Api.Session sender = staff.login(api);
    List<UUID> messages = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      Api.Response sent = sender.post("/api/threads", new JsonObject()
          .put("to", new JsonArray().add(client.sid())).put("subject", "Rates " + i).put("bodyHtml", "<p>x</p>"));
      assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
      messages.add(UUID.fromString(sent.json().getJsonObject("message").getString("id")));
    }
    GreenMail mail = Mailboxes.of(first);
    int before = mail.getReceivedMessages().length;

    // a thousand more recipients, each of one of those messages
    pool.withTransaction(tx -> tx.preparedQuery("""
            insert into users (company_id, email, name, role)
            select $1, 'load.' || g || '@example.test', 'Load Client ' || g, 'client' from generate_series(1, $2) g""")
        .execute(Tuple.of(c.id, ROWS))
        .compose(v -> tx.preparedQuery("""
            insert into message_recipients (message_id, thread_id, user_id, kind)
            select m.id, m.thread_id, u.id, 'bcc'
              from (select id, row_number() over (order by id) - 1 as n from users where email like 'load.%') u
              join (select id, thread_id, row_number() over (order by id) - 1 as n from messages where id = any($1::uuid[])) m
                on m.n = u.n % $2""").execute(Tuple.of(messages.toArray(UUID[]::new), THREADS)))).await();
    assertThat(jobs(pool, "pending")).isEqualTo(THREADS);

    long t0 = System.nanoTime();
    pool.query("update outbox set next_attempt_at = now() where status = 'pending'").execute().await();
    await().atMost(Duration.ofSeconds(120)).until(() -> mail.getReceivedMessages().length - before >= ROWS + THREADS
        && Mailboxes.pendingRows(first) == 0);
    double seconds = (System.nanoTime() - t0) / 1e9;

    MimeMessage[] all = mail.getReceivedMessages();
    assertThat(all.length - before).as("no duplicate").isEqualTo(ROWS + THREADS);
    Set<String> ids = new HashSet<>();
    Map<String, Integer> perRecipient = new HashMap<>();
    Map<String, Integer> byNode = new HashMap<>();
    for (int i = before; i < all.length; i++) {
      MimeMessage m = all[i];
      ids.add(m.getMessageID());
      perRecipient.merge(((InternetAddress) m.getRecipients(MimeMessage.RecipientType.TO)[0]).getAddress(), 1, Integer::sum);
      byNode.merge(((InternetAddress) m.getFrom()[0]).getAddress(), 1, Integer::sum);
    }
    assertThat(ids).as("every email its own Message-ID").hasSize(ROWS + THREADS);
    assertThat(perRecipient).as("no loss: every recipient got theirs").hasSize(ROWS + 1);
    assertThat(perRecipient).as("one email per message and recipient").containsEntry(client.email(), THREADS);
    assertThat(perRecipient.entrySet()).filteredOn(e -> !e.getKey().equals(client.email()))
        .allMatch(e -> e.getValue() == 1, "exactly one email each");
    assertThat(jobs(pool, "sent")).as("every job expanded once").isEqualTo(THREADS);
    long sentRows = pool.query("select count(*) from outbox where kind = 'notification' and status = 'sent'").execute().await()
        .iterator().next().getLong(0);
    assertThat(sentRows).isEqualTo(ROWS + THREADS);
    assertThat(byNode).as("both nodes took a share").containsKeys("no-reply@parley.localhost", "no-reply-2@parley.localhost");
    System.out.printf("outbox: %d jobs, %d emails by two nodes in %.2f s (%.0f emails/s), split %s%n", THREADS, ROWS + THREADS,
        seconds, (ROWS + THREADS) / seconds, byNode);
  }

  static long jobs(Pool pool, String status) {
    return pool.preparedQuery("select count(*) from outbox where kind = 'message' and status = $1").execute(Tuple.of(status))
        .await().iterator().next().getLong(0);
  }
}
