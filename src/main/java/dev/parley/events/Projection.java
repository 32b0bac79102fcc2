package dev.parley.events;

import java.util.List;
import java.util.UUID;

/**
 * What a change shows one person: the feature that made the change knows; the live fan-out and
 * catch-up ask it. Empty when the person may see nothing of it.
 */
public interface Projection {

  List<Event> events(Published change, UUID viewerId, boolean staff);
}
