package dev.parley.realtime;

import dev.parley.Topics;
import dev.parley.testing.Api;
import dev.parley.testing.BridgeClient;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class LiveBridgeTest {

  static TestNode node;
  static Api api;
  static Vertx clients;
  static Fixtures.Company acme;
  static Fixtures.Person alex;   // staff, sends
  static Fixtures.Person blair;  // client, reads
  static Fixtures.Person casey;  // staff on the thread
  static Fixtures.Person dana;   // another client on the thread
  static BridgeClient alexLive;
  static BridgeClient blairLive;
  static BridgeClient caseyLive;
  static BridgeClient danaLive;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    clients = Vertx.vertx();
    acme = node.fixtures().company("Acme");
    alex = acme.staff("Alex Staff");
    blair = acme.client("Blair Client", alex);
    casey = acme.staff("Casey Colleague");
    dana = acme.client("Dana Other", alex);
    alexLive = subscribe(alex.login(api));
    blairLive = subscribe(blair.login(api));
    caseyLive = subscribe(casey.login(api));
    danaLive = subscribe(dana.login(api));
  }

  @AfterAll
  static void stop() {
    clients.close().await();
    node.close();
  }

  static BridgeClient subscribe(Api.Session session) {
    BridgeClient live = BridgeClient.connect(clients, node.baseUrl(), session.token());
    live.register(Topics.USER_PREFIX + session.userId());
    await().atMost(Duration.ofSeconds(5)).until(live::subscribed);
    return live;
  }

  static String send(Fixtures.Person from, List<Fixtures.Person> to, List<Fixtures.Person> cc, String subject) {
    Api.Response sent = from.login(api).post("/api/threads", new JsonObject()
        .put("to", ids(to)).put("cc", ids(cc))
        .put("subject", subject).put("bodyHtml", "<p>" + subject + "</p>").put("readReceipt", false));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
    return sent.json().getJsonObject("thread").getString("id");
  }

  static JsonArray ids(List<Fixtures.Person> people) {
    JsonArray a = new JsonArray();
    people.forEach(p -> a.add(p.sid()));
    return a;
  }

  static Optional<JsonObject> event(BridgeClient live, String type, String threadId) {
    return live.events().stream().filter(e -> e.getString("type").equals(type))
        .filter(e -> threadId.equals(e.getJsonObject("data").getString("threadId"))
            || e.getJsonObject("data").getJsonObject("thread") != null
            && threadId.equals(e.getJsonObject("data").getJsonObject("thread").getString("id")))
        .findFirst();
  }

  /** Where a client starts that has just loaded its state. */
  static String cursor(Api.Session session) {
    return session.get("/api/events").json().getString("cursor");
  }

  /** Every event listed after {@code cursor}, page after page. */
  static List<JsonObject> caughtUp(Api.Session session, String cursor) {
    List<JsonObject> events = new ArrayList<>();
    LiveFeed.catchUp(session, cursor, events::add, () -> {
      throw new AssertionError("resync: nothing was pruned");
    });
    return events;
  }

  @Test
  void theRecipientReceivesTheNewMessageLiveAsTheFeedHasIt() {
    Api.Session blairApi = blair.login(api);
    String before = cursor(blairApi);
    String thread = send(alex, List.of(blair, dana), List.of(casey), "Statements are ready");

    await().atMost(Duration.ofSeconds(10)).until(() -> event(blairLive, "message.created", thread).isPresent());
    JsonObject live = event(blairLive, "message.created", thread).orElseThrow();
    assertThat(caughtUp(blairApi, before)).as("catch-up lists the same event, same id").contains(live);
    assertThat(live.encode()).doesNotContain(dana.sid(), dana.name(), dana.email());
    JsonObject data = live.getJsonObject("data");
    assertThat(data.getString("bodyHtml")).contains("Statements are ready");
    assertThat(data.getJsonObject("thread").getString("subject")).isEqualTo("Statements are ready");
    assertThat(data.getJsonObject("thread").fieldNames())
        .as("no counts: the client counts the message itself").containsExactlyInAnyOrder("id", "subject", "lastMessageAt", "snippet");
    assertThat(data.containsKey("unread")).isFalse();
    JsonObject row = blairApi.get("/api/inbox").array("threads").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("id").equals(thread)).findFirst().orElseThrow();
    assertThat(row.getInteger("unreadCount")).isEqualTo(1);
  }

  @Test
  void theSenderAndTheStaffCatchUpOnTheSameMessageEventsTheyWerePushed() {
    Map<Fixtures.Person, BridgeClient> watchers = Map.of(alex, alexLive, casey, caseyLive, dana, danaLive);
    Map<Fixtures.Person, String> before = new HashMap<>();
    watchers.keySet().forEach(p -> before.put(p, cursor(p.login(api))));
    String thread = send(alex, List.of(blair, dana), List.of(casey), "Same either way");
    for (Map.Entry<Fixtures.Person, BridgeClient> watcher : watchers.entrySet()) {
      BridgeClient live = watcher.getValue();
      await().atMost(Duration.ofSeconds(10)).until(() -> event(live, "message.created", thread).isPresent());
      JsonObject pushed = event(live, "message.created", thread).orElseThrow();
      List<JsonObject> feed = caughtUp(watcher.getKey().login(api), before.get(watcher.getKey()));
      assertThat(feed).as(watcher.getKey().name()).contains(pushed);
    }
  }

  @Test
  void aReadReachesTheSenderAndTheStaffOnTheThreadButNotTheOtherContact() {
    String thread = send(alex, List.of(blair, dana), List.of(casey), "Your new adviser");
    await().atMost(Duration.ofSeconds(10)).until(() -> event(blairLive, "message.created", thread).isPresent());

    Api.Response read = blair.login(api).post("/api/threads/" + thread + "/read", new JsonObject());
    assertThat(read.status()).as(read.toString()).isEqualTo(204);

    await().atMost(Duration.ofSeconds(10)).until(() -> event(alexLive, "message.read", thread).isPresent());
    assertThat(event(alexLive, "message.read", thread).orElseThrow().getJsonObject("data").getString("readerId"))
        .isEqualTo(blair.sid());
    await().atMost(Duration.ofSeconds(10)).until(() -> event(caseyLive, "message.read", thread).isPresent());

    // a later message to Dana alone: once it is there, anything about Blair's read would be too
    String marker = send(alex, List.of(dana), List.of(), "Only for Dana");
    await().atMost(Duration.ofSeconds(10)).until(() -> event(danaLive, "message.created", marker).isPresent());
    assertThat(event(danaLive, "message.read", thread)).isEmpty();
    assertThat(new JsonArray(danaLive.events()).encode()).doesNotContain(blair.sid(), blair.name(), blair.email());
  }

  @Test
  void registeringOnAnotherUsersAddressIsDeniedAndReceivesNothing() {
    Api.Session danaSession = dana.login(api);
    BridgeClient spy = BridgeClient.connect(clients, node.baseUrl(), danaSession.token());
    spy.register(Topics.user(blair.id()));
    await().atMost(Duration.ofSeconds(10)).until(() -> spy.errors().contains("access_denied"));
    spy.register(Topics.user(dana.id()));
    await().atMost(Duration.ofSeconds(10)).until(spy::subscribed);

    String toBlair = send(alex, List.of(blair), List.of(), "For Blair only");
    String toDana = send(alex, List.of(dana), List.of(), "For Dana only");
    await().atMost(Duration.ofSeconds(10)).until(() -> event(spy, "message.created", toDana).isPresent());
    assertThat(event(spy, "message.created", toBlair)).isEmpty();
    assertThat(spy.frames()).allSatisfy(f -> {
      if ("rec".equals(f.getString("type"))) {
        assertThat(f.getString("address")).isEqualTo(Topics.user(dana.id()));
      }
    });
    spy.close();
  }

  @Test
  void anAnonymousSocketCannotRegister() {
    BridgeClient stranger = BridgeClient.anonymous(clients, node.baseUrl());
    stranger.register(Topics.user(blair.id()));
    await().atMost(Duration.ofSeconds(10)).until(() -> stranger.errors().contains("not_logged_in"));

    String thread = send(alex, List.of(blair), List.of(), "Not for strangers");
    await().atMost(Duration.ofSeconds(10)).until(() -> event(blairLive, "message.created", thread).isPresent());
    assertThat(stranger.events()).isEmpty();
    assertThat(stranger.subscribed()).isFalse();
    stranger.close();
  }

  @Test
  void nothingMayBeSentOrPublishedIntoTheBus() {
    AtomicInteger arrived = new AtomicInteger();
    node.parley().vertx().eventBus().consumer(Topics.user(blair.id()), m -> arrived.incrementAndGet()).completion().await();
    BridgeClient sender = subscribe(blair.login(api));
    sender.send(new JsonObject().put("type", "send").put("address", Topics.user(blair.id())).put("body", new JsonObject()));
    sender.send(new JsonObject().put("type", "publish").put("address", Topics.SESSION_ENDED)
        .put("body", new JsonObject().put("userId", alex.sid())));
    await().atMost(Duration.ofSeconds(10)).until(() -> sender.errors().stream().filter("rejected"::equals).count() == 2);
    assertThat(arrived).hasValue(0);
    assertThat(alexLive.closed()).isFalse();
    sender.close();
  }

  @Test
  void textBeyondLatinOneReachesEverySocketIntactOnItsOwnAddress() {
    String text = "Zażółć gęślą jaźń — Ελληνικά … 日本語";
    String subject = text + " 😀";
    String thread = send(alex, List.of(blair, dana), List.of(casey), subject);
    Map<Fixtures.Person, BridgeClient> watchers = Map.of(alex, alexLive, blair, blairLive, casey, caseyLive, dana, danaLive);
    for (Map.Entry<Fixtures.Person, BridgeClient> watcher : watchers.entrySet()) {
      BridgeClient live = watcher.getValue();
      await().atMost(Duration.ofSeconds(10)).until(() -> event(live, "message.created", thread).isPresent());
      JsonObject frame = live.frames().stream().filter(f -> f.getValue("body") instanceof JsonObject b
          && "message.created".equals(b.getString("type"))
          && thread.equals(b.getJsonObject("data").getString("threadId"))).findFirst().orElseThrow();
      assertThat(frame.fieldNames()).containsExactlyInAnyOrder("type", "address", "body");
      assertThat(frame.getString("address")).isEqualTo(Topics.USER_PREFIX + watcher.getKey().sid());
      JsonObject data = frame.getJsonObject("body").getJsonObject("data");
      // the sanitizer writes a character beyond the BMP in the HTML as a reference; the subject keeps it
      assertThat(data.getString("bodyHtml")).as(watcher.getKey().name()).isEqualTo("<p>" + text + " &#x1f600;</p>");
      assertThat(data.getJsonObject("thread").getString("subject")).isEqualTo(subject);
    }
  }

  @Test
  void aChangeReachesOnlyTheSocketsOfThePeopleItConcerns() {
    BridgeClient blairs = subscribe(blair.login(api));
    BridgeClient danas = subscribe(dana.login(api));
    // a change for Dana alone, then one for Blair alone
    TestChanges.publish(node.parley().vertx(), TestChanges.message(dana.id(), 999_002, "<p>for Dana</p>"));
    TestChanges.publish(node.parley().vertx(), TestChanges.message(blair.id(), 999_001, "<p>for Blair</p>"));

    await().atMost(Duration.ofSeconds(10)).until(() -> blairs.events().size() == 1 && danas.events().size() == 1);
    assertThat(blairs.events().get(0).getString("id")).isEqualTo("999001");
    assertThat(danas.events().get(0).getString("id")).isEqualTo("999002");
    blairs.close();
    danas.close();
  }

  @Test
  void aSocketFromAnotherSiteIsRefused() {
    String token = blair.login(api).token();
    assertThatThrownBy(() -> BridgeClient.connectAsync(clients, node.baseUrl(),
        Map.of("Cookie", "parley_session=" + token, "Origin", "https://evil.example")).await())
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(403));
  }

  @Test
  void signingOutClosesThatSessionsSockets() {
    Api.Session leaving = blair.login(api);
    BridgeClient live = subscribe(leaving);
    BridgeClient otherDevice = subscribe(blair.login(api));

    assertThat(leaving.post("/api/auth/logout", null).status()).isEqualTo(204);
    await().atMost(Duration.ofSeconds(10)).until(live::closed);
    assertThat(otherDevice.closed()).isFalse();
    otherDevice.close();
  }

  @Test
  void deactivatingAUserClosesAllItsSockets() {
    Fixtures.Person admin = acme.admin("Ada Admin");
    Fixtures.Person leaver = acme.client("Lee Leaver", alex);
    BridgeClient one = subscribe(leaver.login(api));
    BridgeClient two = subscribe(leaver.login(api));

    Api.Response off = admin.login(api).patch("/api/admin/users/" + leaver.sid(), new JsonObject().put("active", false));
    assertThat(off.status()).as(off.toString()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> one.closed() && two.closed());
  }

  static boolean hasListener(String address) {
    return Listeners.has(node.parley(), java.util.UUID.fromString(address.substring(Topics.USER_PREFIX.length())));
  }

  @Test
  void aSocketThatStopsReadingIsCutOffInsteadOfBufferedForEver() {
    Fixtures.Person slow = acme.client("Sam Slow", alex);
    BridgeClient live = subscribe(slow.login(api));
    live.pause();
    String body = "<p>" + "x".repeat(8 * 1024) + "</p>";
    long cutBefore = LiveBridge.cutOffCount();
    int published = 4_000;
    for (int i = 0; i < published; i++) {
      TestChanges.publish(node.parley().vertx(), TestChanges.message(slow.id(), 990_000 + i, body));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> LiveBridge.cutOffCount() > cutBefore);
    // once the client reads again it finds the connection cut short, and the subscription gone
    live.resume();
    await().atMost(Duration.ofSeconds(30)).until(live::closed);
    await().atMost(Duration.ofSeconds(5)).until(() -> !hasListener(Topics.user(slow.id())));
    assertThat(live.events().size()).isLessThan(published);
  }
}
