package dev.parley.notify;

import com.icegreen.greenmail.util.GreenMail;
import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class NotificationEmailTest {

  static TestNode node;
  static Api api;
  static GreenMail mail;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(ParleyConfig.OUTBOX_POLL_MS, "200", ParleyConfig.OUTBOX_RETRY_BASE_MS, "200"));
    api = node.api();
    mail = Mailboxes.of(node);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static JsonObject send(Fixtures.Person from, List<Fixtures.Person> to, String subject, String html) {
    JsonArray ids = new JsonArray();
    to.forEach(p -> ids.add(p.sid()));
    Api.Response r = from.login(api).post("/api/threads", new JsonObject().put("to", ids).put("subject", subject)
        .put("bodyHtml", html));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  static MimeMessage awaitOne(String address) {
    await().atMost(Duration.ofSeconds(20)).until(() -> !Mailboxes.to(mail, address).isEmpty());
    return Mailboxes.only(mail, address);
  }

  static void convenience(Fixtures.Person admin, boolean on) {
    Api.Response r = admin.login(api).put("/api/settings/company", new JsonObject().put("convenienceMode", on));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  @Test
  void secureModeEmailNamesSenderAndCompanyButCarriesNeitherSubjectNorAnyWordOfTheBody() {
    Fixtures.Company acme = node.fixtures().company("Acme Wealth");
    Fixtures.Person staff = acme.staff("Sam Staff");
    Fixtures.Person client = acme.client("Chris Client", staff);
    String subject = "Harbour refinancing paperwork";
    String body = "<p>Pelican <b>mortgage</b> 7731 zeppelin, quokka-ledger!</p>";
    JsonObject sent = send(staff, List.of(client), subject, body);
    String threadId = sent.getJsonObject("thread").getString("id");

    MimeMessage m = awaitOne(client.email());
    String raw = Mailboxes.raw(m);
    String everything = (raw + "\n" + Mailboxes.decoded(m)).toLowerCase();
    assertThat(everything).doesNotContain(subject.toLowerCase());
    for (String word : List.of("Harbour", "refinancing", "paperwork", "Pelican", "mortgage", "7731", "zeppelin", "quokka", "ledger")) {
      assertThat(everything).as("the email must not carry '%s'", word).doesNotContain(word.toLowerCase());
    }
    assertThat(Mailboxes.subject(m)).isEqualTo("New secure message from Sam Staff at Acme Wealth");
    assertThat(Mailboxes.decoded(m)).contains("Sam Staff", "Acme Wealth", node.baseUrl() + "/#/thread/" + threadId);
    assertThat(Mailboxes.header(m, "Auto-Submitted")).isEqualTo("auto-generated");
    assertThat(Mailboxes.header(m, "Reply-To")).isNull();
    assertThat(Mailboxes.part(m, "text/plain")).isNotNull();
    assertThat(Mailboxes.part(m, "text/html")).contains("Acme Wealth").doesNotContain("<img");
  }

  @Test
  void convenienceModeEmailCarriesSubjectAndBodyAndAReplyAddressBoundToRecipientAndThread() {
    Fixtures.Company beta = node.fixtures().company("Beta Advisors");
    Fixtures.Person admin = beta.admin("Ada Admin");
    Fixtures.Person staff = beta.staff("Stella Staff");
    Fixtures.Person one = beta.client("Olive Onetwo", staff);
    Fixtures.Person two = beta.client("Tobias Twothree", staff);
    convenience(admin, true);
    String subject = "Your annual statement";
    JsonObject sent = send(staff, List.of(one, two), subject, "<p>Dear client, the <b>statement</b> is attached below.</p>");
    UUID threadId = UUID.fromString(sent.getJsonObject("thread").getString("id"));
    String messageId = sent.getJsonObject("message").getString("id");

    for (Fixtures.Person contact : List.of(one, two)) {
      Fixtures.Person other = contact == one ? two : one;
      MimeMessage m = awaitOne(contact.email());
      assertThat(Mailboxes.subject(m)).isEqualTo(subject);
      assertThat(Mailboxes.part(m, "text/plain")).contains("the statement is attached below");
      assertThat(Mailboxes.part(m, "text/html")).contains("<b>statement</b>").doesNotContain("<img");
      assertThat(Mailboxes.raw(m) + Mailboxes.decoded(m)).as("a contact never learns of another contact")
          .doesNotContain(other.name()).doesNotContain(other.email());
      assertThat(Mailboxes.header(m, "Auto-Submitted")).isEqualTo("auto-generated");
      assertThat(Mailboxes.header(m, "Message-ID")).isEqualTo("<m." + messageId + "." + contact.id() + "@parley.localhost>");
      assertThat(Mailboxes.header(m, "References")).isEqualTo("<t." + threadId + "@parley.localhost>");
      assertThat(Mailboxes.header(m, "In-Reply-To")).isEqualTo("<t." + threadId + "@parley.localhost>");

      String replyTo = Mailboxes.header(m, "Reply-To");
      String token = ReplyTokens.tokenOf(replyTo, "parley.localhost");
      assertThat(token).as(replyTo).isNotNull();
      var binding = new ReplyTokens(node.parley().platform().secrets().replyToken())
          .verify(node.parley().platform().pool(), token).await();
      assertThat(binding).hasValueSatisfying(b -> {
        assertThat(b.companyId()).isEqualTo(beta.id);
        assertThat(b.userId()).isEqualTo(contact.id());
        assertThat(b.threadId()).isEqualTo(threadId);
      });
    }
  }

  @Test
  void switchingConvenienceModeOffMakesTheNextEmailSecure() {
    Fixtures.Company gamma = node.fixtures().company("Gamma Partners");
    Fixtures.Person admin = gamma.admin("Gina Admin");
    Fixtures.Person staff = gamma.staff("Gus Staff");
    Fixtures.Person client = gamma.client("Cora Client", staff);
    convenience(admin, true);
    JsonObject sent = send(staff, List.of(client), "Loan terms", "<p>Interest goes down</p>");
    String threadId = sent.getJsonObject("thread").getString("id");
    assertThat(Mailboxes.subject(awaitOne(client.email()))).isEqualTo("Loan terms");

    convenience(admin, false);
    Api.Response reply = staff.login(api).post("/api/threads/" + threadId + "/messages",
        new JsonObject().put("bodyHtml", "<p>Ferret invoice nebula</p>"));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(20)).until(() -> Mailboxes.to(mail, client.email()).size() == 2);
    MimeMessage second = Mailboxes.to(mail, client.email()).get(1);
    String everything = Mailboxes.raw(second) + Mailboxes.decoded(second);
    assertThat(Mailboxes.subject(second)).isEqualTo("New secure message from Gus Staff at Gamma Partners");
    assertThat(everything).doesNotContain("Loan terms", "Ferret", "invoice", "nebula");
    assertThat(Mailboxes.header(second, "Reply-To")).isNull();
  }

  @Test
  void eachRecipientGetsExactlyOneNotification() {
    Fixtures.Company delta = node.fixtures().company("Delta Trust");
    Fixtures.Person staff = delta.staff("Dora Staff");
    List<Fixtures.Person> recipients = List.of(delta.client("Rae One", staff), delta.prospect("Rex Two", staff),
        delta.staff("Ria Three"), delta.client("Ron Four", staff), delta.admin("Rue Five"));
    JsonObject sent = send(staff, recipients, "Team update", "<p>Hello</p>");
    String messageId = sent.getJsonObject("message").getString("id");

    await().atMost(Duration.ofSeconds(20))
        .until(() -> "sent,sent,sent,sent,sent".equals(Mailboxes.statusOf(node, Outbox.NOTIFICATION, messageId)));
    for (Fixtures.Person r : recipients) {
      assertThat(Mailboxes.to(mail, r.email())).as(r.email()).hasSize(1);
    }
    assertThat(Mailboxes.to(mail, staff.email())).as("the sender is not notified of their own message").isEmpty();
  }

  @Test
  void aNotificationNamingAnotherCompanysMessageIsNeverSentEvenToStaff() {
    Fixtures.Company kappa = node.fixtures().company("Kappa Private");
    Fixtures.Person kappaStaff = kappa.staff("Kim Staff");
    Fixtures.Person kappaClient = kappa.client("Kit Client", kappaStaff);
    JsonObject sent = send(kappaStaff, List.of(kappaClient), "Kappa only", "<p>Otter salary 5521</p>");
    String messageId = sent.getJsonObject("message").getString("id");
    String threadId = sent.getJsonObject("thread").getString("id");
    Fixtures.Company lambda = node.fixtures().company("Lambda Outside");
    Fixtures.Person outsider = lambda.staff("Lou Outsider");
    var pool = node.parley().platform().pool();
    UUID row = pool.preparedQuery("insert into outbox (company_id, kind, recipient_id, payload) values ($1, $2, $3, $4::jsonb) returning id")
        .execute(io.vertx.sqlclient.Tuple.of(lambda.id, Outbox.NOTIFICATION, outsider.id(),
            new JsonObject().put("messageId", messageId).put("threadId", threadId))).await().iterator().next().getUUID(0);
    Outbox.ring(node.parley().vertx());

    await().atMost(Duration.ofSeconds(20)).until(() -> pool.preparedQuery("select status from outbox where id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(row)).await().iterator().next().getString(0).equals("failed"));
    String why = pool.preparedQuery("select last_error from outbox where id = $1").execute(io.vertx.sqlclient.Tuple.of(row)).await()
        .iterator().next().getString(0);
    assertThat(why).isEqualTo("not sent: the message is not there");
    assertThat(Mailboxes.to(mail, outsider.email())).isEmpty();
  }

  @Test
  void aMessageJobThatNamesNoMessageHoldsUpNoOtherEmail() {
    Fixtures.Company mu = node.fixtures().company("Mu Mutual");
    Fixtures.Person staff = mu.staff("Max Staff");
    Fixtures.Person client = mu.client("Mia Client", staff);
    var pool = node.parley().platform().pool();
    UUID broken = pool.preparedQuery("insert into outbox (company_id, kind, payload) values ($1, $2, $3::jsonb) returning id")
        .execute(io.vertx.sqlclient.Tuple.of(mu.id, Outbox.MESSAGE,
            new JsonObject().put("messageId", "not-an-id").put("threadId", "not-an-id"))).await().iterator().next().getUUID(0);

    send(staff, List.of(client), "After the broken job", "<p>x</p>");

    assertThat(Mailboxes.subject(awaitOne(client.email()))).isEqualTo("New secure message from Max Staff at Mu Mutual");
    await().atMost(Duration.ofSeconds(20)).until(() -> pool.preparedQuery("select status from outbox where id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(broken)).await().iterator().next().getString(0).equals("sent"));
    assertThat(pool.preparedQuery("select count(*) from outbox where kind = 'notification' and payload->>'messageId' = 'not-an-id'")
        .execute().await().iterator().next().getLong(0)).as("it announces nothing").isZero();
  }

  @Test
  void aRefusedReplyIsAnsweredOnceAtItsAddressAndNeverAtOurOwnDomain() {
    Fixtures.Company c = node.fixtures().company("Epsilon Care");
    var pool = node.parley().platform().pool();
    String insert = "insert into outbox (company_id, kind, recipient_id, payload) values ($1, $2, null, $3::jsonb) returning id";
    UUID answered = pool.preparedQuery(insert).execute(io.vertx.sqlclient.Tuple.of(c.id, Outbox.REPLY_REFUSED,
        new JsonObject().put("reason", "sender_mismatch").put("address", "stranger@example.test"))).await().iterator().next().getUUID(0);
    UUID loop = pool.preparedQuery(insert).execute(io.vertx.sqlclient.Tuple.of(c.id, Outbox.REPLY_REFUSED,
        new JsonObject().put("reason", "unknown_address").put("address", "reply+abc@parley.localhost"))).await().iterator().next().getUUID(0);
    UUID injected = pool.preparedQuery(insert).execute(io.vertx.sqlclient.Tuple.of(c.id, Outbox.REPLY_REFUSED,
        new JsonObject().put("reason", "x").put("address", "a@example.test\r\nBcc: spy@evil.test"))).await().iterator().next().getUUID(0);
    Outbox.ring(node.parley().vertx());

    MimeMessage m = awaitOne("stranger@example.test");
    assertThat(Mailboxes.subject(m)).isEqualTo("Your reply to Epsilon Care was not delivered");
    assertThat(Mailboxes.part(m, "text/plain")).contains("Replies are accepted only from the email address the notification was sent to.");
    assertThat(Mailboxes.header(m, "Auto-Submitted")).isEqualTo("auto-replied");
    await().atMost(Duration.ofSeconds(20)).until(() -> pool.preparedQuery("select count(*) from outbox where id = any($1) and status = 'pending'")
        .execute(io.vertx.sqlclient.Tuple.of((Object) new UUID[] {answered, loop, injected})).await().iterator().next().getLong(0) == 0);
    var statuses = pool.preparedQuery("select id, status, last_error from outbox where id = any($1)")
        .execute(io.vertx.sqlclient.Tuple.of((Object) new UUID[] {answered, loop, injected})).await();
    statuses.forEach(r -> {
      UUID id = r.getUUID("id");
      assertThat(r.getString("status")).as(r.getString("last_error")).isEqualTo(id.equals(answered) ? "sent" : "failed");
    });
    assertThat(Mailboxes.to(mail, "spy@evil.test")).isEmpty();
  }
}
