package dev.parley.notify;

import com.icegreen.greenmail.util.GreenMail;
import dev.parley.ParleyConfig;
import dev.parley.Platform;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Notification emails wait the company's delay for their reader: real PostgreSQL, real GreenMail, the
 * real write path and outbox worker. "No email" is proven by the row being marked skipped, never by
 * waiting a while.
 */
class NotificationDelayTest {

  /** Long enough for the test to read or send again before it ends, even on a loaded machine. */
  static final int DELAY = 5;

  static TestNode node;
  static Platform platform;
  static Api api;
  static GreenMail mail;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(ParleyConfig.OUTBOX_POLL_MS, "200", ParleyConfig.IMAP_POLL_SECONDS, "1"));
    platform = node.parley().platform();
    api = node.api();
    mail = Mailboxes.of(node);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static Api.Response setCompany(Fixtures.Person admin, JsonObject body) {
    return admin.login(api).put("/api/settings/company", body);
  }

  static void delay(Fixtures.Person admin, int seconds) {
    Api.Response r = setCompany(admin, new JsonObject().put("notificationDelaySeconds", seconds));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getInteger("notificationDelaySeconds")).isEqualTo(seconds);
  }

  static String startThread(Fixtures.Person from, String subject, String html, Fixtures.Person... to) {
    return from.login(api).startThread(subject, html, to);
  }

  static void reply(Fixtures.Person from, String threadId, String html) {
    Api.Response r = from.login(api).post("/api/threads/" + threadId + "/messages", new JsonObject().put("bodyHtml", html));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  /** The statuses of the notification rows of this recipient, oldest first. */
  static List<String> notifications(Fixtures.Person recipient) {
    List<String> out = new ArrayList<>();
    platform.pool().preparedQuery("select status from outbox where kind = 'notification' and recipient_id = $1 order by created_at, id")
        .execute(Tuple.of(recipient.id())).await().forEach(r -> out.add(r.getString("status")));
    return out;
  }

  static void awaitStatuses(Fixtures.Person recipient, String... statuses) {
    await().atMost(Duration.ofSeconds(20)).until(() -> notifications(recipient).equals(List.of(statuses)));
  }

  /**
   * Waits until the thread's message jobs are all expanded and none of this recipient's notifications
   * is pending any more: from then on nothing more is ever sent to them about those messages.
   */
  static void awaitDone(String threadId, Fixtures.Person recipient) {
    await().atMost(Duration.ofSeconds(20)).until(() -> count("""
        select count(*) from outbox where status = 'pending' and payload->>'threadId' = $1
           and (kind = 'message' or recipient_id = $2)""", threadId, recipient.id()) == 0);
  }

  /** The messages this recipient was emailed about (their notification rows that were sent), oldest first. */
  static List<String> emailedAbout(Fixtures.Person recipient) {
    List<String> out = new ArrayList<>();
    platform.pool().preparedQuery("""
            select payload->>'messageId' as id from outbox
             where kind = 'notification' and recipient_id = $1 and status = 'sent' order by created_at, id""")
        .execute(Tuple.of(recipient.id())).await().forEach(r -> out.add(r.getString("id")));
    return out;
  }

  static long count(String sql, Object... params) {
    return platform.pool().preparedQuery(sql).execute(Tuple.from(params)).await().iterator().next().getLong(0);
  }

  @Test
  void aRecipientWhoReadsWithinTheDelayGetsNoEmailWhileOneWhoDoesNotGetsExactlyOne() {
    actingWithinTheDelayMeansNoEmail("Acme Delay", "read");
  }

  @Test
  void aRecipientWhoLeavesTheThreadWithinTheDelayGetsNoEmailAboutIt() {
    actingWithinTheDelayMeansNoEmail("Kappa Delay", "leave");
  }

  /**
   * Of two recipients of a new thread, the one who does {@code action} ({@code read} or
   * {@code leave}) in Parley within the delay gets no email, the other exactly one.
   */
  static void actingWithinTheDelayMeansNoEmail(String company, String action) {
    Fixtures.Company c = node.fixtures().company(company);
    Fixtures.Person admin = c.admin("Ada Admin");
    Fixtures.Person staff = c.staff("Sam Staff");
    Fixtures.Person active = c.client("Rita Reader", staff);
    Fixtures.Person away = c.client("Alan Away", staff);
    delay(admin, DELAY);

    String threadId = startThread(staff, "Quarterly statement", "<p>Your statement is ready.</p>", active, away);
    Api.Response done = active.login(api).post("/api/threads/" + threadId + "/" + action, new JsonObject());
    assertThat(done.status()).as(done.toString()).isEqualTo(204);

    awaitStatuses(away, "sent");
    awaitDone(threadId, active);
    assertThat(emailedAbout(active)).as("they did '%s' in Parley in time", action).isEmpty();
    assertThat(Mailboxes.to(mail, active.email())).as("they did '%s' in Parley in time", action).isEmpty();
    MimeMessage m = Mailboxes.only(mail, away.email());
    assertThat(Mailboxes.subject(m)).isEqualTo("New secure message from Sam Staff at " + company);
  }

  @Test
  void threeMessagesInOneThreadWithinTheDelayGiveTheNonReaderOneSecureEmailWithoutSubjectOrBody() {
    Fixtures.Company beta = node.fixtures().company("Beta Delay");
    Fixtures.Person admin = beta.admin("Bea Admin");
    Fixtures.Person staff = beta.staff("Stan Staff");
    Fixtures.Person other = beta.staff("Olga Other");
    Fixtures.Person client = beta.client("Cleo Client", staff);
    delay(admin, DELAY);

    String subject = "Harbour refinancing paperwork";
    String threadId = startThread(staff, subject, "<p>Pelican mortgage 7731</p>", client, other);
    reply(staff, threadId, "<p>Zeppelin quokka ledger</p>");
    reply(other, threadId, "<p>Walrus escrow 4412</p>");

    awaitStatuses(client, "sent", "sent", "sent");
    MimeMessage m = Mailboxes.only(mail, client.email());
    String everything = (Mailboxes.raw(m) + "\n" + Mailboxes.decoded(m)).toLowerCase();
    for (String word : List.of("Harbour", "refinancing", "paperwork", "Pelican", "mortgage", "7731", "Zeppelin", "quokka",
        "ledger", "Walrus", "escrow", "4412")) {
      assertThat(everything).as("the email must not carry '%s'", word).doesNotContain(word.toLowerCase());
    }
    assertThat(Mailboxes.subject(m)).isEqualTo("3 new secure messages from Stan Staff and Olga Other at Beta Delay");
    assertThat(Mailboxes.decoded(m)).contains(node.baseUrl() + "/#/thread/" + threadId);
    assertThat(Mailboxes.header(m, "Reply-To")).isNull();
    assertThat(Mailboxes.header(m, "Auto-Submitted")).isEqualTo("auto-generated");
  }

  @Test
  void threeMessagesInConvenienceModeGiveOneEmailWithAllBodiesAndOneReplyAddressThatFilesTheReplyInTheThread()
      throws Exception {
    Fixtures.Company gamma = node.fixtures().company("Gamma Delay");
    Fixtures.Person admin = gamma.admin("Gil Admin");
    Fixtures.Person staff = gamma.staff("Gus Staff");
    Fixtures.Person client = gamma.client("Cora Client", staff);
    Api.Response on = setCompany(admin, new JsonObject().put("convenienceMode", true));
    assertThat(on.status()).as(on.toString()).isEqualTo(200);
    delay(admin, DELAY);

    String threadId = startThread(staff, "Loan terms", "<p>First: the rate is fixed.</p>", client);
    reply(staff, threadId, "<p>Second: the term is ten years.</p>");
    reply(staff, threadId, "<p>Third: please sign by Friday.</p>");
    String newest = lastMessageId(threadId);

    awaitStatuses(client, "sent", "sent", "sent");
    MimeMessage m = Mailboxes.only(mail, client.email());
    assertThat(Mailboxes.subject(m)).isEqualTo("Loan terms");
    String text = Mailboxes.part(m, "text/plain");
    assertThat(text).containsSubsequence("First: the rate is fixed.", "Second: the term is ten years.",
        "Third: please sign by Friday.");
    assertThat(text).contains("Gus Staff wrote on");
    assertThat(Mailboxes.part(m, "text/html")).containsSubsequence("First: the rate", "Second: the term", "Third: please sign");
    assertThat(Mailboxes.headerCount(m, "Reply-To")).isEqualTo(1);
    assertThat(Mailboxes.header(m, "Message-ID")).isEqualTo("<m." + newest + "." + client.id() + "@parley.localhost>");
    String replyTo = Mailboxes.header(m, "Reply-To");
    assertThat(ReplyTokens.tokenOf(replyTo, "parley.localhost")).as(replyTo).isNotNull();

    answerByEmail(client.email(), replyTo, "Signed and sent back, thank you.");
    await().atMost(Duration.ofSeconds(20)).until(() -> emailReplies(threadId).contains("Signed and sent back, thank you."));
    JsonArray seen = staff.login(api).get("/api/threads/" + threadId).json().getJsonArray("messages");
    assertThat(seen.stream().map(JsonObject.class::cast).map(x -> x.getString("bodyHtml")))
        .anyMatch(b -> b.contains("Signed and sent back"));
  }

  @Test
  void aRecipientWhoReadsOnlyTheFirstOfThreeMessagesGetsOneEmailForTheOtherTwo() {
    Fixtures.Company theta = node.fixtures().company("Theta Delay");
    Fixtures.Person admin = theta.admin("Tia Admin");
    Fixtures.Person staff = theta.staff("Tom Staff");
    Fixtures.Person client = theta.client("Tess Client", staff);
    delay(admin, DELAY);

    String threadId = startThread(staff, "Three parts", "<p>one</p>", client);
    String first = lastMessageId(threadId);
    Api.Response read = client.login(api).post("/api/threads/" + threadId + "/read",
        new JsonObject().put("messageIds", new JsonArray().add(first)));
    assertThat(read.status()).as(read.toString()).isEqualTo(204);
    reply(staff, threadId, "<p>two</p>");
    String second = lastMessageId(threadId);
    reply(staff, threadId, "<p>three</p>");
    String newest = lastMessageId(threadId);

    awaitDone(threadId, client);
    assertThat(emailedAbout(client)).containsExactlyInAnyOrder(second, newest);
    MimeMessage m = Mailboxes.only(mail, client.email());
    assertThat(Mailboxes.subject(m)).isEqualTo("2 new secure messages from Tom Staff at Theta Delay");
    assertThat(Mailboxes.header(m, "Message-ID")).isEqualTo("<m." + newest + "." + client.id() + "@parley.localhost>");
  }

  @Test
  void aJobWhoseThreadHasMoreWaitingJobsMakesOneEmailPerRecipientAboutTheMessagesEachHasNotRead() {
    Fixtures.Company iota = node.fixtures().company("Iota Delay");
    Fixtures.Person admin = iota.admin("Ivo Admin");
    Fixtures.Person staff = iota.staff("Ida Staff");
    Fixtures.Person partial = iota.client("Paula Partial", staff);
    Fixtures.Person none = iota.client("Ned None", staff);
    Api.Response on = setCompany(admin, new JsonObject().put("convenienceMode", true));
    assertThat(on.status()).as(on.toString()).isEqualTo(200);
    delay(admin, DELAY);

    String threadId = startThread(staff, "Move plan", "<p>Alpha: boxes arrive Monday.</p>", partial, none);
    String first = lastMessageId(threadId);
    reply(staff, threadId, "<p>Bravo: the van is booked.</p>");
    String second = lastMessageId(threadId);
    reply(staff, threadId, "<p>Charlie: keys on Friday.</p>");
    String newest = lastMessageId(threadId);
    Api.Response read = partial.login(api).post("/api/threads/" + threadId + "/read",
        new JsonObject().put("messageIds", new JsonArray().add(second)));
    assertThat(read.status()).as(read.toString()).isEqualTo(204);

    awaitDone(threadId, partial);
    awaitDone(threadId, none);
    assertThat(emailedAbout(none)).containsExactlyInAnyOrder(first, second, newest);
    assertThat(emailedAbout(partial)).containsExactlyInAnyOrder(first, newest);

    String all = Mailboxes.part(Mailboxes.only(mail, none.email()), "text/plain");
    assertThat(all).containsSubsequence("Alpha: boxes arrive Monday.", "Bravo: the van is booked.", "Charlie: keys on Friday.");
    MimeMessage unreadOnly = Mailboxes.only(mail, partial.email());
    String text = Mailboxes.part(unreadOnly, "text/plain");
    assertThat(text).containsSubsequence("Alpha: boxes arrive Monday.", "Charlie: keys on Friday.");
    assertThat(text).as("the message she read in Parley").doesNotContain("Bravo");
    assertThat(text + Mailboxes.part(unreadOnly, "text/html")).as("a contact never sees another contact")
        .doesNotContain("Ned None");
    assertThat(Mailboxes.header(unreadOnly, "Message-ID")).isEqualTo("<m." + newest + "." + partial.id() + "@parley.localhost>");
  }

  @Test
  void aDelayOfZeroSendsAtOnceEvenToARecipientWhoReadsStraightAway() {
    Fixtures.Company delta = node.fixtures().company("Delta Delay");
    Fixtures.Person admin = delta.admin("Dan Admin");
    Fixtures.Person staff = delta.staff("Dora Staff");
    Fixtures.Person client = delta.client("Dave Client", staff);
    delay(admin, 3600);
    delay(admin, 0);
    assertThat(admin.login(api).get("/api/settings/company").json().getInteger("notificationDelaySeconds")).isZero();

    String threadId = startThread(staff, "Now", "<p>At once</p>", client);
    Api.Response read = client.login(api).post("/api/threads/" + threadId + "/read", new JsonObject());
    assertThat(read.status()).as(read.toString()).isEqualTo(204);

    awaitStatuses(client, "sent");
    assertThat(Mailboxes.only(mail, client.email())).isNotNull();
  }

  @Test
  void badDelaysAnswer400NamingTheFieldAndChangeNothing() {
    Fixtures.Company eps = node.fixtures().company("Epsilon Delay");
    Fixtures.Person admin = eps.admin("Eve Admin");
    Fixtures.Person staff = eps.staff("Ed Staff");
    delay(admin, 300);
    long audited = settingsChanges(eps.id);

    for (Object bad : List.of(-1, 3601, 2.5, "120", true, new JsonArray().add(60), 99999999999L)) {
      Api.Response r = setCompany(admin, new JsonObject().put("notificationDelaySeconds", bad).put("convenienceMode", true));
      assertThat(r.status()).as(bad + " -> " + r).isEqualTo(400);
      assertThat(r.json().getString("message")).as(r.toString()).contains("notificationDelaySeconds");
    }
    Api.Response empty = setCompany(admin, new JsonObject());
    assertThat(empty.status()).as(empty.toString()).isEqualTo(400);
    assertThat(staff.login(api).put("/api/settings/company", new JsonObject().put("notificationDelaySeconds", 0)).status())
        .isEqualTo(403);

    JsonObject now = admin.login(api).get("/api/settings/company").json();
    assertThat(now.getInteger("notificationDelaySeconds")).isEqualTo(300);
    assertThat(now.getBoolean("convenienceMode")).isFalse();
    assertThat(settingsChanges(eps.id)).isEqualTo(audited);
  }

  @Test
  void aChangeOfTheDelayIsAuditedWithItsOldAndNewValue() {
    Fixtures.Company zeta = node.fixtures().company("Zeta Delay");
    Fixtures.Person admin = zeta.admin("Zoe Admin");
    delay(admin, 900);
    Row r = platform.pool().preparedQuery("select actor_id, detail from audit_log where company_id = $1 "
            + "and action = 'settings.changed' and target = 'notificationDelaySeconds'")
        .execute(Tuple.of(zeta.id)).await().iterator().next();
    assertThat(r.getUUID("actor_id")).isEqualTo(admin.id());
    assertThat(r.getJsonObject("detail")).isEqualTo(new JsonObject().put("from", 0).put("to", 900));
  }

  @Test
  void aNewCompanyWaitsTwoMinutesByDefault() {
    UUID id = platform.pool().preparedQuery("insert into companies (name) values ('Eta Delay') returning id")
        .execute().await().iterator().next().getUUID("id");
    int seconds = platform.pool().preparedQuery("select notification_delay_seconds from companies where id = $1")
        .execute(Tuple.of(id)).await().iterator().next().getInteger(0);
    assertThat(seconds).isEqualTo(120);
  }

  static long settingsChanges(UUID company) {
    return platform.pool().preparedQuery("select count(*) from audit_log where company_id = $1 and action = 'settings.changed'")
        .execute(Tuple.of(company)).await().iterator().next().getLong(0);
  }

  static String lastMessageId(String threadId) {
    return platform.pool().preparedQuery("select id from messages where thread_id = $1 order by created_at desc limit 1")
        .execute(Tuple.of(UUID.fromString(threadId))).await().iterator().next().getUUID("id").toString();
  }

  static List<String> emailReplies(String threadId) {
    List<String> out = new ArrayList<>();
    platform.pool().preparedQuery("select body_text from messages where thread_id = $1 and source = 'email'")
        .execute(Tuple.of(UUID.fromString(threadId))).await().forEach(r -> out.add(r.getString("body_text").trim()));
    return out;
  }

  /** The client answers the notification from their mail program: plain SMTP to the reply address. */
  static void answerByEmail(String from, String to, String text) throws Exception {
    Properties p = new Properties();
    p.put("mail.smtp.host", "127.0.0.1");
    p.put("mail.smtp.port", String.valueOf(platform.mail().smtpPort()));
    MimeMessage reply = new MimeMessage(Session.getInstance(p));
    reply.setFrom(new InternetAddress(from));
    reply.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
    reply.setSubject("Re: Loan terms");
    reply.setText(text);
    Transport.send(reply);
  }
}
