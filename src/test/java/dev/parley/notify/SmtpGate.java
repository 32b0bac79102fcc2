package dev.parley.notify;

import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds a GreenMail server's deliveries until opened: a message it holds has reached the server but
 * is not yet answered "250", so the sender's send is in flight. GreenMail delivers one message at a
 * time, so one held message holds every connection.
 */
final class SmtpGate {

  private final CountDownLatch open = new CountDownLatch(1);
  private final CountDownLatch reached = new CountDownLatch(1);

  private SmtpGate() {
  }

  static SmtpGate closedOn(GreenMail greenMail) {
    SmtpGate gate = new SmtpGate();
    UserManager users = greenMail.getUserManager();
    MessageDeliveryHandler deliver = users.getMessageDeliveryHandler();
    users.setMessageDeliveryHandler((message, address) -> {
      gate.reached.countDown();
      try {
        if (!gate.open.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the gate was never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return deliver.handle(message, address);
    });
    return gate;
  }

  /** True once a message waits at the gate. */
  boolean holding() {
    return reached.getCount() == 0;
  }

  void open() {
    open.countDown();
  }
}
