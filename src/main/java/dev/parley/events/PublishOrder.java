package dev.parley.events;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Publishes the events of a node's write transactions in the order their ids were handed out, so a
 * person's events reach the bus, and so each socket, in id order.
 *
 * <p>Two transactions that write to one person are serialised by that person's row lock: the second
 * gets its ids only after the first has committed. But each commit is answered on its own
 * connection, and the first answer may be read after the second one, so publishing on commit could
 * ring the second's doorbell first. Instead a transaction takes its turn the moment its ids are known
 * ({@link #turn()} then {@link Turn#take()}); the first transaction must have taken its turn
 * before the second could lock the row, so turns are in id order for every person they share.
 * Turns are published strictly in order, from one context (the bus keeps the order of one sender),
 * and a turn whose transaction failed is skipped.
 */
final class PublishOrder {

  private final Context context;
  private final Consumer<List<Event>> publish;
  private final ArrayDeque<Turn> turns = new ArrayDeque<>();

  PublishOrder(Context context, Consumer<List<Event>> publish) {
    this.context = context;
    this.publish = publish;
  }

  /** A turn for one transaction, not yet in the line. */
  Turn turn() {
    return new Turn();
  }

  private void drain() {
    if (Vertx.currentContext() != context) {
      context.runOnContext(v -> drain());
      return;
    }
    while (true) {
      Turn head;
      synchronized (this) {
        head = turns.peek();
        if (head == null || head.events == null) {
          return;
        }
        turns.poll();
      }
      head.leave();
    }
  }

  /** One transaction's place in the line. */
  final class Turn {
    private final Promise<Void> left = Promise.promise();
    private boolean taken;
    private List<Event> events;

    /** Joins the line: call once the transaction's event ids are known. */
    void take() {
      synchronized (PublishOrder.this) {
        if (!taken) {
          taken = true;
          turns.add(this);
        }
      }
    }

    /**
     * The transaction committed: its events leave when every earlier turn has left. Answers when
     * they are published.
     */
    Future<Void> publish(List<Event> committed) {
      boolean inLine;
      synchronized (PublishOrder.this) {
        inLine = taken;
        events = committed;
      }
      if (inLine) {
        drain();
      } else {
        // never in the line: it numbered no events, so nothing is ordered after it
        leave();
      }
      return left.future();
    }

    /** The transaction failed: it leaves the line without publishing. */
    void skip() {
      publish(List.of());
    }

    private void leave() {
      try {
        if (!events.isEmpty()) {
          publish.accept(events);
        }
      } finally {
        left.tryComplete();
      }
    }
  }
}
