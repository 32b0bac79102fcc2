package dev.parley;

import dev.parley.testing.Api;
import dev.parley.testing.Sql;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fresh node with the demo company: what a newcomer finds on signing in as the README says, and in
 * the demo people's mailboxes of the embedded mail server.
 */
class DemoCompanyTest {

  static TestNode node;
  static Api api;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(ParleyConfig.DEMO, "true"));
    api = node.api();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void theDemoStaffFindsTheClientsReplyUnreadInAnInboxWhoseCountsAgree() {
    Api.Session sam = api.login("sam.staff@demo.test", "demo-parley");
    JsonObject inbox = inboxAgreeingWithCounts(sam);
    assertThat(subjects(inbox)).containsExactlyInAnyOrder("Documents for your annual review", "Quarter-end checklist");
    assertThat(unreadOf(inbox, "Documents for your annual review")).isEqualTo(1);
    assertThat(unreadOf(inbox, "Quarter-end checklist")).isZero();
  }

  @Test
  void theDemoClientFindsOneConversationReadAndOneUnread() {
    Api.Session chris = api.login("chris.client@demo.test", "demo-parley");
    JsonObject inbox = inboxAgreeingWithCounts(chris);
    assertThat(subjects(inbox)).containsExactlyInAnyOrder("Documents for your annual review", "Your quarterly portfolio summary");
    assertThat(unreadOf(inbox, "Documents for your annual review")).isZero();
    assertThat(unreadOf(inbox, "Your quarterly portfolio summary")).isEqualTo(1);
  }

  @Test
  void theStaffSeesThatTheClientReadTheirMessageAndTheClientsReplyBelowIt() {
    Api.Session sam = api.login("sam.staff@demo.test", "demo-parley");
    String id = threadId(inboxAgreeingWithCounts(sam), "Documents for your annual review");
    List<JsonObject> messages = sam.get("/api/threads/" + id).json().getJsonArray("messages").stream()
        .map(JsonObject.class::cast).toList();
    assertThat(messages).hasSize(2);
    assertThat(messages.get(0).getJsonObject("sender").getString("name")).isEqualTo("Sam Rivera");
    JsonObject chris = messages.get(0).getJsonArray("recipients").getJsonObject(0);
    assertThat(chris.getString("name")).isEqualTo("Chris Client");
    assertThat(chris.getString("readAt")).isNotNull();
    assertThat(messages.get(1).getJsonObject("sender").getString("name")).isEqualTo("Chris Client");
  }

  @Test
  void theDemoConversationsQueueNoEmail() {
    assertThat(Sql.count(node.dbUrl(), "select count(*) from messages")).isEqualTo(7);
    assertThat(Sql.count(node.dbUrl(), "select count(*) from outbox")).isZero();
  }

  @Test
  void aDemoClientSignsInToTheEmbeddedImapBeforeAnyEmailReachedThem() throws Exception {
    int imapPort = node.parley().platform().mail().embedded().imapPort();
    for (String address : List.of("chris.client@demo.test", "quinn.prospect@demo.test", "sam.staff@demo.test")) {
      try (Store store = Session.getInstance(new Properties()).getStore("imap")) {
        store.connect("127.0.0.1", imapPort, address, address);
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        assertThat(inbox.getMessageCount()).as(address).isZero();
        inbox.close(false);
      }
    }
  }

  /** The inbox, having checked that its unread counts, the tab's count and the total all say the same. */
  private static JsonObject inboxAgreeingWithCounts(Api.Session person) {
    JsonObject inbox = person.get("/api/inbox").json();
    List<JsonObject> rows = rows(inbox);
    assertThat(rows).as("the inbox").isNotEmpty();
    int unreadMessages = rows.stream().mapToInt(r -> r.getInteger("unreadCount")).sum();
    long unreadThreads = rows.stream().filter(r -> r.getInteger("unreadCount") > 0).count();
    assertThat(person.get("/api/unread").json().getInteger("unread")).isEqualTo(unreadMessages);
    assertThat(inbox.getJsonObject("counts").getInteger("unread")).isEqualTo((int) unreadThreads);
    return inbox;
  }

  private static List<JsonObject> rows(JsonObject inbox) {
    return inbox.getJsonArray("threads").stream().map(JsonObject.class::cast).toList();
  }

  private static List<String> subjects(JsonObject inbox) {
    return rows(inbox).stream().map(r -> r.getString("subject")).toList();
  }

  private static JsonObject row(JsonObject inbox, String subject) {
    return rows(inbox).stream().filter(r -> r.getString("subject").equals(subject)).findFirst().orElseThrow();
  }

  private static int unreadOf(JsonObject inbox, String subject) {
    return row(inbox, subject).getInteger("unreadCount");
  }

  private static String threadId(JsonObject inbox, String subject) {
    return row(inbox, subject).getString("id");
  }
}
