package dev.parley.events;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Publishes the changes of a node's write transactions so that the changes of one thread reach the
 * bus, and so each socket, in the order they were made.
 *
 * <p>Two transactions that change one thread are ordered by the database: a reply waits for the
 * thread's row lock, and a read can only see a message once its transaction has committed. But each
 * commit is answered on its own connection, and the first answer may be read after the second one,
 * so publishing on commit could ring the second's doorbell first. Instead a transaction takes its turn
 * once its statements have run and before its {@code COMMIT} leaves ({@link Turn#take}), keyed by
 * the threads it changed; the first must have taken its turn before the second could wait on it, so
 * for every thread two turns share they are in order. A committed turn is published once no earlier
 * turn still waiting shares a thread with it (unrelated threads never wait for each other), from one
 * context, since the bus keeps the order of one sender; a turn whose transaction failed is dropped.
 */
final class PublishOrder<T> {

  private final Context context;
  private final Consumer<List<T>> publish;
  private final LinkedList<Turn> waiting = new LinkedList<>();

  PublishOrder(Context context, Consumer<List<T>> publish) {
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
    private List<T> committed;

    /** Joins the line: call once the transaction's events are numbered, before it commits. */
    void take(Collection<UUID> keys) {
      synchronized (PublishOrder.this) {
        if (!taken) {
          taken = true;
          people.addAll(keys);
          waiting.add(this);
        }
      }
    }

    /**
     * The transaction committed: its events leave once no earlier turn of the same people waits.
     * Answers when they are published.
     */
    Future<Void> publish(List<T> events) {
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
