package dev.parley.notify;

import com.icegreen.greenmail.util.GreenMail;
import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestNode;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Emails accepted by the SMTP server while the database cannot be reached: their outcome is written
 * once the database is back, so they are recorded sent and never sent again.
 */
class DatabaseBlipTest {

  static final int RECIPIENTS = 6;

  static TestNode node;
  static String database;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(
        ParleyConfig.SMTP_POOL_SIZE, "2",
        ParleyConfig.OUTBOX_POLL_MS, "100"));
    String url = node.dbUrl();
    database = url.substring(url.lastIndexOf('/') + 1);
  }

  @AfterAll
  static void stop() {
    TestDatabase.exec("postgres", "alter database " + database + " allow_connections true");
    node.close();
  }

  @Test
  void emailsSentWhileTheDatabaseIsUnreachableAreRecordedSentWhenItReturnsAndNeverSentTwice() {
    Fixtures.Company c = node.fixtures().company("Blip Bank");
    Fixtures.Person staff = c.staff("Bo Sender");
    List<Fixtures.Person> clients = c.clients("Blip Client", RECIPIENTS, staff);
    GreenMail mail = Mailboxes.of(node);
    SmtpGate gate = SmtpGate.closedOn(mail);
    Api api = node.api();
    staff.login(api).startThread("Statement", "<p>x</p>", clients.toArray(Fixtures.Person[]::new));
    await().atMost(Duration.ofSeconds(20)).until(gate::holding);

    // the database goes away while the first emails are on their way to the SMTP server
    TestDatabase.exec("postgres", "alter database " + database + " allow_connections false");
    TestDatabase.exec("postgres", "select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + database + "'");
    await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/ready").status() == 503);
    gate.open();
    await().atMost(Duration.ofSeconds(20)).until(() -> mail.getReceivedMessages().length >= 2);
    TestDatabase.exec("postgres", "alter database " + database + " allow_connections true");

    await().atMost(Duration.ofSeconds(20)).until(() -> sentRows() == RECIPIENTS);
    MimeMessage[] received = mail.getReceivedMessages();
    assertThat(received).as("every email once, none sent again").hasSize(RECIPIENTS);
    for (Fixtures.Person client : clients) {
      assertThat(Mailboxes.to(mail, client.email())).as(client.email()).hasSize(1);
    }
  }

  static long sentRows() {
    return node.parley().platform().pool().query("select count(*) from outbox where kind = 'notification' and status = 'sent'").execute()
        .await().iterator().next().getLong(0);
  }
}
