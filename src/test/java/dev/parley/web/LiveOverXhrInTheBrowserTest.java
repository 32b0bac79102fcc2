package dev.parley.web;

import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web app in a real headless Chromium whose WebSocket is taken away (what a proxy that does not
 * pass WebSocket looks like to the page): its SockJS client falls back to the XHR transports, and a
 * message someone else sends still arrives live.
 */
class LiveOverXhrInTheBrowserTest {

  static TestNode node;

  @BeforeAll
  static void start() {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    if (!ci) {
      assumeTrue(Browser.available(), "Debian's chromium and chromium-driver are not installed");
    }
    assumeTrue(Browser.bundled() || ci,
        "the browser app was not bundled (the Maven build bundles it unless -DskipWebBuild=true)");
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  static final String CATCH_UPS =
      "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/events?after=')"
      + " && e.startTime > (arguments[0] || 0)).length";

  @Test
  void withoutWebSocketAMessageFromSomeoneElseArrivesLiveOverXhr() {
    Fixtures.Company co = node.fixtures().company("Fallback Advisors");
    Fixtures.Person alex = co.staff("Alex Fallback");
    Fixtures.Person blair = co.client("Blair Behind-Proxy", alex);

    try (Browser b = Browser.open("Blair", node.baseUrl())) {
      b.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
          Map.of("source", "delete window.WebSocket; delete window.MozWebSocket;"));
      b.signIn(blair.email(), Fixtures.PASSWORD);
      b.waitLive();
      assertThat(b.js("return typeof WebSocket")).isEqualTo("undefined");
      // subscribed over XHR: the client sent its registration with xhr_send, and caught up once
      b.until(d -> ((Number) b.js(CATCH_UPS, 0)).intValue() > 0);
      assertThat(b.js("return performance.getEntriesByType('resource').some(e => e.name.includes('/xhr_send'))"))
          .isEqualTo(true);

      Object before = b.js("return performance.now()");
      alex.login(node.api()).startThread("Sent while you were behind a proxy", "<p>Over XHR</p>", blair);

      b.waitFor(By.xpath("//li[contains(@class,'thread-row') and contains(@class,'unread')]"
          + "[.//div[@class='thread-subject' and text()='Sent while you were behind a proxy']]"));
      // it came live: the connection stayed open and nothing had to be fetched to fill a gap
      assertThat(b.js("return document.documentElement.dataset.live")).isEqualTo("open");
      assertThat(((Number) b.js(CATCH_UPS, before)).intValue()).isZero();
      b.screenshot("xhr/inbox.png");
    }
  }
}
