package dev.parley.realtime;

import dev.parley.Topics;
import dev.parley.audit.Audit;
import dev.parley.testing.Api;
import dev.parley.testing.BridgeClient;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the bridge leaves in the audit log: its refusals, compacted so that a client refused in a loop
 * cannot fill the log, and per closed socket one row naming the messages it was handed (never their
 * content).
 */
class LiveAuditTest {

  static TestNode node;
  static Api api;
  static Vertx clients;
  static Fixtures.Company co;
  static Fixtures.Person staff;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    clients = Vertx.vertx();
    co = node.fixtures().company("Audited Advisors");
    staff = co.staff("Ari Auditor");
  }

  @AfterAll
  static void stop() {
    clients.close().await();
    node.close();
  }

  static List<Row> audit(String action) {
    List<Row> rows = new ArrayList<>();
    node.parley().platform().pool().preparedQuery("select * from audit_log where action = $1 order by id")
        .execute(Tuple.of(action)).await().forEach(rows::add);
    return rows;
  }

  @Test
  void repeatedRefusalsLeaveOneRowPerSourceWithTheirCount() {
    Fixtures.Person mallory = co.client("Mallory Prober", staff);
    Fixtures.Person victim = co.client("Vic Victim", staff);
    String token = mallory.login(api).token();
    BridgeClient probe = BridgeClient.connect(clients, node.baseUrl(), token);
    int denied = 20;
    for (int i = 0; i < denied; i++) {
      probe.register(Topics.user(victim.id()));
    }
    probe.send(new JsonObject().put("type", "publish").put("address", Topics.user(victim.id())).put("body", "hi"));
    // Mallory's refusals first: all sources share this machine's address, and the row written at once
    // is the first refusal of the window, which must be hers whatever the other sockets do meanwhile
    await().atMost(Duration.ofSeconds(10)).until(() -> probe.errors().stream().filter("access_denied"::equals).count() == denied
        && probe.errors().stream().filter("rejected"::equals).count() == denied + 1);
    BridgeClient stranger = BridgeClient.anonymous(clients, node.baseUrl());
    stranger.register(Topics.user(victim.id()));
    Api.Response foreign = api.send("POST", "/eventbus/000/abcdef/xhr_streaming", "",
        Map.of("Origin", "https://evil.example", "Cookie", "parley_session=" + token));
    assertThat(foreign.status()).isEqualTo(403);
    await().atMost(Duration.ofSeconds(10)).until(() -> probe.errors().stream().filter("access_denied"::equals).count() == denied
        && probe.errors().stream().filter("rejected"::equals).count() == denied + 1 && stranger.errors().contains("not_logged_in"));

    // the node's refusal windows are written out (as a stopping node does) instead of waiting a minute
    node.parley().platform().refusals().close().await();
    int total = denied + 3;
    await().atMost(Duration.ofSeconds(10)).until(() -> audit(Audit.LIVE_REFUSED).stream()
        .mapToInt(r -> ((JsonObject) r.getValue("detail")).getInteger("count")).sum() == total);
    List<Row> rows = audit(Audit.LIVE_REFUSED);
    assertThat(rows.stream().collect(Collectors.groupingBy(r -> String.valueOf(r.getString("address")), Collectors.counting())))
        .as("per source address: the first refusal of its window, then one row counting the rest")
        .allSatisfy((address, n) -> assertThat(n).isLessThanOrEqualTo(2));
    Set<String> reasons = new HashSet<>();
    rows.forEach(r -> {
      JsonObject detail = (JsonObject) r.getValue("detail");
      if (detail.containsKey("reason")) {
        reasons.add(detail.getString("reason"));
      }
      detail.getJsonArray("details", new JsonArray()).forEach(d -> reasons.add(((JsonObject) d).getString("reason")));
    });
    assertThat(reasons).containsExactlyInAnyOrder("access_denied", "foreign_origin", "not_logged_in", "rejected");
    assertThat(rows).anySatisfy(r -> assertThat(r.getUUID("actor_id")).isEqualTo(mallory.id()));
    probe.close();
    stranger.close();
  }

  @Test
  void aClosedSocketLeavesOneRowNamingTheMessagesItWasHanded() {
    Fixtures.Person reader = co.client("Rowan Reader", staff);
    Api.Session session = reader.login(api);
    BridgeClient live = BridgeClient.connect(clients, node.baseUrl(), session.token());
    live.register(Topics.user(reader.id()));
    await().atMost(Duration.ofSeconds(10)).until(live::subscribed);
    Api.Session writer = staff.login(api);
    for (int i = 0; i < 3; i++) {
      writer.startThread("Audited " + i, "<p>Secret body " + i + "</p>", reader);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> live.events().size() == 3);
    List<String> messageIds = live.events().stream().map(e -> e.getJsonObject("data").getString("id")).toList();
    live.close();

    await().atMost(Duration.ofSeconds(10)).until(() -> audit(Audit.MESSAGES_DELIVERED).stream()
        .anyMatch(r -> reader.id().equals(r.getUUID("actor_id"))));
    List<Row> rows = audit(Audit.MESSAGES_DELIVERED).stream().filter(r -> reader.id().equals(r.getUUID("actor_id"))).toList();
    assertThat(rows).hasSize(1);
    JsonObject detail = (JsonObject) rows.get(0).getValue("detail");
    assertThat(detail.getString("via")).isEqualTo("live");
    assertThat(detail.getJsonArray("messageIds").getList()).containsExactlyElementsOf(messageIds);
    assertThat(detail.getInteger("count")).isEqualTo(3);
    assertThat(rows.get(0).getUUID("company_id")).isEqualTo(co.id);
    assertThat(detail.encode()).doesNotContain("Secret body");
  }
}
