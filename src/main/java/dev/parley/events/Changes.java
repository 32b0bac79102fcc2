package dev.parley.events;

import java.util.ArrayList;
import java.util.List;

/** The changes one write owes the live feed; the group commit stores them last in its transaction. */
public final class Changes {

  final List<Change> list = new ArrayList<>();

  public Changes add(Change change) {
    list.add(change);
    return this;
  }

  Changes addAll(Changes other) {
    list.addAll(other.list);
    return this;
  }
}
