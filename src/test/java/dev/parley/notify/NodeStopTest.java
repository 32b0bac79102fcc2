package dev.parley.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.Sql;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node that stops hands back the emails it had claimed and not sent, so another node sends them at
 * once; a draining node does so as its drain begins, not once its last request is answered.
 */
class NodeStopTest {

  static final int RECIPIENTS = 8;

  TestNode first;
  TestNode second;
  GreenMail mail;

  @AfterEach
  void stop() {
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
    if (mail != null) {
      mail.stop();
    }
  }

  @Test
  void aStoppingNodeReleasesItsClaimedEmailsAndAnotherNodeSendsEachExactlyOnce() throws Exception {
    Batch batch = aBatchHeldByTheFirstNode(Map.of());

    Future<Void> closing = first.parley().close();
    batch.gate().open();
    closing.await();
    first = null;

    await().atMost(Duration.ofSeconds(20)).until(() -> sentRows() == RECIPIENTS);
    for (Fixtures.Person client : batch.clients()) {
      assertThat(Mailboxes.to(mail, client.email())).as(client.email()).hasSize(1);
    }
    assertOneSentByTheFirstNodeAndTheRestByTheSecond("the stopping node finished the one it was sending; the other node sent the rest");
  }

  @Test
  void aDrainingNodeSendsOnlyTheEmailInFlightAndHandsTheRestToAnotherNodeWhileItsRequestsFinish() throws Exception {
    Batch batch = aBatchHeldByTheFirstNode(Map.of(ParleyConfig.REQUEST_TIMEOUT_SECONDS, "60", ParleyConfig.SHUTDOWN_SECONDS, "60"));

    CompletableFuture<Api.Response> inFlight;
    Future<Void> closing;
    try (Sql.Lock frozen = Sql.lock(first.dbUrl(), "drafts")) {
      // a draft's save stuck behind the lock keeps the first node draining (it owes no email)
      inFlight = CompletableFuture.supplyAsync(() -> batch.sender().post("/api/drafts",
          new JsonObject().put("subject", "Held").put("bodyHtml", "<p>y</p>")));
      await().atMost(Duration.ofSeconds(20)).until(() -> Sql.count(first.dbUrl(), "select count(*) from pg_stat_activity "
          + "where datname = current_database() and wait_event_type = 'Lock'") >= 1);

      closing = first.parley().close();
      batch.gate().open();
      await().atMost(Duration.ofSeconds(20)).until(() -> sentRows() == RECIPIENTS);
      assertThat(closing.isComplete()).as("the first node is still draining: its request is in flight").isFalse();
    }
    assertThat(inFlight.join().status()).as("the request in flight is answered").isEqualTo(201);
    closing.await();
    first = null;
    assertOneSentByTheFirstNodeAndTheRestByTheSecond("the draining node finished the one it was sending and started nothing more");
  }

  /** The emails of one message to every client, one at the SMTP server. */
  record Batch(Api.Session sender, List<Fixtures.Person> clients, SmtpGate gate) {
  }

  /**
   * Starts the first node (one SMTP connection, {@code overrides} on top) and has it claim a message's
   * {@value #RECIPIENTS} emails: one on its way to the SMTP server, held at the gate, the rest waiting
   * their turn; then starts the second node, with a From address of its own.
   */
  Batch aBatchHeldByTheFirstNode(Map<String, String> overrides) {
    int smtpPort = TestNode.freePort();
    mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    Map<String, String> config = new HashMap<>(Map.of(ParleyConfig.SMTP_HOST, "127.0.0.1",
        ParleyConfig.SMTP_PORT, Integer.toString(smtpPort), ParleyConfig.SMTP_POOL_SIZE, "1", ParleyConfig.OUTBOX_POLL_MS, "100"));
    config.putAll(overrides);
    first = TestNode.start(config);
    Fixtures.Company c = first.fixtures().company("Stop Street Bank");
    Fixtures.Person staff = c.staff("Stella Sender");
    List<Fixtures.Person> clients = c.clients("Stop Client", RECIPIENTS, staff);
    SmtpGate gate = SmtpGate.closedOn(mail);
    Api.Session sender = staff.login(first.api());
    sender.startThread("Statement", "<p>x</p>", clients.toArray(Fixtures.Person[]::new));
    await().atMost(Duration.ofSeconds(20)).until(() -> gate.holding() && claimedRows() == RECIPIENTS);

    Map<String, String> env = new HashMap<>(TestNode.defaults());
    env.put(ParleyConfig.DB_URL, first.dbUrl());
    env.put(ParleyConfig.SMTP_HOST, "127.0.0.1");
    env.put(ParleyConfig.SMTP_PORT, Integer.toString(smtpPort));
    env.put(ParleyConfig.MAIL_FROM, "Parley <no-reply-2@parley.localhost>");
    env.put(ParleyConfig.OUTBOX_POLL_MS, "100");
    second = TestNode.startWith(env);
    return new Batch(sender, clients, gate);
  }

  void assertOneSentByTheFirstNodeAndTheRestByTheSecond(String why) throws Exception {
    MimeMessage[] received = mail.getReceivedMessages();
    assertThat(received).as("every email exactly once").hasSize(RECIPIENTS);
    Map<String, Integer> byNode = new HashMap<>();
    for (MimeMessage m : received) {
      byNode.merge(((InternetAddress) m.getFrom()[0]).getAddress(), 1, Integer::sum);
    }
    assertThat(byNode).as(why)
        .containsEntry("no-reply@parley.localhost", 1)
        .containsEntry("no-reply-2@parley.localhost", RECIPIENTS - 1);
  }

  long claimedRows() {
    return count("select count(*) from outbox where status = 'pending' and attempts > 0 and next_attempt_at > now()");
  }

  long sentRows() {
    return count("select count(*) from outbox where kind = 'notification' and status = 'sent'");
  }

  long count(String sql) {
    TestNode any = second != null ? second : first;
    return any.parley().platform().pool().query(sql).execute().await().iterator().next().getLong(0);
  }
}
