package dev.parley.realtime;

import dev.parley.Parley;

import java.util.UUID;

/** Whether a node has a socket of the person that receives the person's changes. */
final class Listeners {

  private Listeners() {
  }

  static boolean has(Parley node, UUID person) {
    return node.platform().live().socketsOf(person) > 0;
  }
}
