package dev.parley.messaging;

import dev.parley.auth.Viewer;
import dev.parley.events.Change;
import dev.parley.events.ChangeLog;
import dev.parley.events.Event;
import dev.parley.events.Position;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code GET /api/events}: the viewer's changes after a cursor, projected exactly as the live feed
 * projected them ({@link LiveViews}), with each message as it is now (a read time filled in since,
 * say) loaded by the one message loader ({@link Threads#messages(SqlClient, java.util.Collection)}).
 */
final class CatchUp {

  private CatchUp() {
  }

  /** One page: its events, the cursor to continue from, whether more follow, or "resync". */
  record Page(List<Event> events, List<UUID> shown, Position next, boolean more, boolean resync) {
  }

  static Future<Page> after(SqlClient client, Viewer viewer, Position after, int limit) {
    return ChangeLog.after(client, viewer.companyId(), viewer.userId(), after, limit).compose(page -> {
      if (page.resync()) {
        return Future.succeededFuture(new Page(List.of(), List.of(), page.next(), false, true));
      }
      Set<UUID> ids = new LinkedHashSet<>();
      page.changes().forEach(c -> {
        if (Change.MESSAGE.equals(c.kind()) && c.messageId() != null) {
          ids.add(c.messageId());
        }
      });
      return Threads.messages(client, ids).map(found -> {
        List<Event> events = new ArrayList<>();
        List<UUID> shown = new ArrayList<>();
        for (Change c : page.changes()) {
          MessageView m = c.messageId() == null ? null : found.get(c.messageId());
          for (Event e : new LiveViews().events(LiveViews.loaded(c, m), viewer.userId(), viewer.isStaff())) {
            events.add(e);
            if (Event.MESSAGE_CREATED.equals(e.type())) {
              shown.add(c.messageId());
            }
          }
        }
        return new Page(events, shown, page.next(), page.more(), false);
      });
    });
  }
}
