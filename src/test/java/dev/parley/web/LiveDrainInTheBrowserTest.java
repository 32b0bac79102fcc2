package dev.parley.web;

import dev.parley.ParleyConfig;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TcpLink;
import dev.parley.testing.TestNode;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rolling restart as a person sees it, in a real Chromium behind a balancer (a TCP link the test
 * points at one node, then at the other, as a balancer does once a node's {@code /ready} answers
 * 503): the node holding the page's live socket stops; the page is told, moves to the other node at
 * once, says nothing about it, and a message sent afterwards arrives live.
 */
class LiveDrainInTheBrowserTest {

  /** Every change of the page's live state, as the "Reconnecting…" indicator would hear it. */
  static final String RECORD_STATES = "window.__liveStates = [];"
      + "new MutationObserver(() => window.__liveStates.push(document.documentElement.dataset.live || ''))"
      + ".observe(document.documentElement, {attributes: true, attributeFilter: ['data-live']});";

  @Test
  void whenItsNodeStopsThePageMovesToTheOtherNodeQuietlyAndKeepsReceivingLive() {
    Browser.assumeUsable();
    TcpLink balancer = TcpLink.to("127.0.0.1", 1);
    String address = "http://localhost:" + balancer.port();
    TestNode[] nodes = TestNode.cluster(Map.of(ParleyConfig.PUBLIC_URL, address));
    try {
      balancer.retarget("127.0.0.1", nodes[0].port());
      Fixtures.Company co = nodes[0].fixtures().company("Restart Advisors");
      Fixtures.Person alex = co.staff("Alex Restart");
      Fixtures.Person dana = co.client("Dana Stays", alex);
      try (Browser b = Browser.open("Dana", address)) {
        b.signIn(dana.email(), Fixtures.PASSWORD);
        b.waitLive();
        b.js(RECORD_STATES);

        Future<Void> closing = nodes[0].parley().close();
        balancer.retarget("127.0.0.1", nodes[1].port());
        await().atMost(Duration.ofSeconds(30)).until(closing::isComplete);
        alex.login(nodes[1].api()).startThread("Sent after the restart", "<p>Still here</p>", dana);

        b.waitFor(By.xpath("//li[contains(@class,'thread-row') and contains(@class,'unread')]"
            + "[.//div[@class='thread-subject' and text()='Sent after the restart']]"));
        List<Object> states = List.copyOf((List<?>) b.js("return window.__liveStates"));
        assertThat(states).as("the page never said it was reconnecting").doesNotContain("reconnecting", "connecting");
        assertThat(b.js("return document.documentElement.dataset.live")).isEqualTo("open");
        b.screenshot("drain/inbox-after-the-restart.png");
      }
    } finally {
      nodes[1].close();
      nodes[0].close();
      balancer.close();
    }
  }
}
