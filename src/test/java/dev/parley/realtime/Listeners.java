package dev.parley.realtime;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/** Whether anything on a node listens on an address: a socket's subscription, seen from the bus. */
final class Listeners {

  private Listeners() {
  }

  static boolean has(Vertx vertx, String address) {
    var probe = vertx.eventBus()
        .request(address, new JsonObject().put("type", "test.probe"), new DeliveryOptions().setSendTimeout(300));
    try {
      probe.await();
      return true;
    } catch (ReplyException e) {
      return e.failureType() != ReplyFailure.NO_HANDLERS;
    }
  }
}
