package dev.parley.events;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Publishes the events of a node's write transactions so that each person's events reach the bus,
 * and so each socket, in id order.
 *
 * <p>Two transactions that write to one person are serialised by that person's row lock: the second
 * gets its ids only after the first has committed. But each commit is answered on its own
 * connection, and the first answer may be read after the second one, so publishing on commit could
 * ring the second's doorbell first. Instead a transaction takes its turn the moment its ids are known
 * ({@link Turn#take}); the first must have taken its turn before the second could lock the row, so
 * for every person two turns share they are in id order. A committed turn is published once no
 * earlier turn still waiting concerns any of its people (unrelated people never wait for each other),
 * from one context, since the bus keeps the order of one sender; a turn whose transaction failed is
 * dropped.
 */
final class PublishOrder {

  private final Context context;
  private final Consumer<List<Event>> publish;
  private final LinkedList<Turn> waiting = new LinkedList<>();

  PublishOrder(Context context, Consumer<List<Event>> publish) {
    this.context = context;
    this.publish = publish;
  }

  /** A turn for one transaction, not yet in the line. */
  Turn turn() {
    return new Turn();
  }

  /** Publishes every committed turn that no earlier waiting turn holds back. */
  private void drain() {
    if (Vertx.currentContext() != context) {
      context.runOnContext(v -> drain());
      return;
    }
    List<Turn> ready = new ArrayList<>();
    synchronized (this) {
      Set<UUID> heldBack = new HashSet<>();
      for (Iterator<Turn> it = waiting.iterator(); it.hasNext(); ) {
        Turn t = it.next();
        if (t.committed != null && disjoint(t.people, heldBack)) {
          it.remove();
          ready.add(t);
        } else {
          heldBack.addAll(t.people);
        }
      }
    }
    ready.forEach(Turn::leave);
  }

  private static boolean disjoint(Set<UUID> a, Set<UUID> b) {
    for (UUID id : a) {
      if (b.contains(id)) {
        return false;
      }
    }
    return true;
  }

  /** One transaction's place in the line. */
  final class Turn {
    private final Promise<Void> left = Promise.promise();
    private final Set<UUID> people = new HashSet<>();
    private boolean taken;
    private List<Event> committed;

    /** Joins the line: call once the transaction's events are numbered, before it commits. */
    void take(List<Event> numbered) {
      synchronized (PublishOrder.this) {
        if (!taken) {
          taken = true;
          numbered.forEach(e -> people.add(e.userId()));
          waiting.add(this);
        }
      }
    }

    /**
     * The transaction committed: its events leave once no earlier turn of the same people waits.
     * Answers when they are published.
     */
    Future<Void> publish(List<Event> events) {
      boolean inLine;
      synchronized (PublishOrder.this) {
        inLine = taken;
        committed = events;
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
        if (!committed.isEmpty()) {
          publish.accept(committed);
        }
      } finally {
        left.tryComplete();
      }
    }
  }
}
