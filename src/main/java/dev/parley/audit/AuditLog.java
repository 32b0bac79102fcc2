package dev.parley.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reads a company's audit log for its admins, newest first, a page at a time. */
final class AuditLog {

  private AuditLog() {
  }

  /** One entry as an admin sees it. */
  record Entry(long id, Instant at, String action, UUID actorId, String actorName, String target, String targetName,
               JsonObject detail, String address) {

    static Entry fromRow(Row r) {
      Object detail = r.getValue("detail");
      return new Entry(r.getLong("id"), r.getOffsetDateTime("at").toInstant(), r.getString("action"), r.getUUID("actor_id"),
          r.getString("actor_name"), r.getString("target"), r.getString("target_name"), detail instanceof JsonObject o ? o : new JsonObject(),
          r.getString("address"));
    }

    JsonObject toJson() {
      return new JsonObject().put("at", at.toString()).put("action", action)
          .put("actorId", actorId == null ? null : actorId.toString()).put("actorName", actorName)
          .put("target", target).put("targetName", targetName).put("detail", detail).put("address", address);
    }
  }

  /** A page of entries and the cursor of the next page (null at the end). */
  record Page(List<Entry> entries, String nextCursor, AuditFilter next) {
  }

  static Future<Page> page(SqlClient client, UUID companyId, AuditFilter filter) {
    AuditFilter.Statement st = filter.statement(companyId);
    return client.preparedQuery(st.sql()).execute(Tuple.from(st.params())).map(rows -> {
      List<Entry> entries = new ArrayList<>();
      for (Row r : rows) {
        if (entries.size() == filter.limit()) {
          Entry last = entries.get(entries.size() - 1);
          return new Page(entries, AuditFilter.cursor(last.at(), last.id()), filter.after(last.at(), last.id(), filter.limit()));
        }
        entries.add(Entry.fromRow(r));
      }
      return new Page(entries, null, null);
    });
  }
}
