package dev.parley;

import java.util.UUID;

/** Event-bus addresses, in one place. */
public final class Topics {

  private Topics() {
  }

  /** A person's live feed; the browser registers here through the bridge. */
  public static String user(UUID userId) {
    return "user." + userId;
  }

  public static final String USER_PREFIX = "user.";

  /** Published when a session ends (logout, expiry, deactivation); body {"userId", "sessionId"?}. */
  public static final String SESSION_ENDED = "parley.session.ended";

  /** Published when an admin changed a user's role, name or email; body {"userId"}. Nodes forget its sessions. */
  public static final String USER_CHANGED = "parley.user.changed";

  /**
   * One message per write, published once after commit (a {@code events.Change} as JSON); each node
   * has one consumer, which hands it to the live sockets of the people it concerns on that node.
   */
  public static final String CHANGES = "parley.changes";

  /**
   * Published on a node's own bus (local only) when another node left the cluster: a change it
   * committed may never have been published, so the node's live sockets are told to catch up.
   */
  public static final String NODE_LEFT = "parley.cluster.node-left";

  /** Published after commit when outbox rows are waiting, so a worker wakes without polling delay. */
  public static final String OUTBOX_READY = "parley.outbox.ready";
}
