package dev.parley.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What PostgreSQL has counted so far in one database: rows inserted, updated (HOT or not) and
 * deleted per table ({@code pg_stat_user_tables}), the WAL ({@code pg_stat_wal}, and the WAL position
 * for its bytes) and the statements ({@code pg_stat_statements}). Two readings give a step's figures
 * per message ({@link #since}).
 *
 * <p>The table and WAL counters reach the readers through PostgreSQL 14's statistics collector: a
 * connection reports them when it finishes a transaction at least 500 ms after its previous report
 * (never while it sits idle), and a reader sees the collector's file of up to 500 ms ago. A reading
 * taken after a step's drain therefore misses up to about a second of each connection's last writes,
 * and the next reading counts them. Those figures are divided by the {@code messages} rows the same
 * counters saw, one per send, so that the lag cancels out of the ratio while the mix of writes stays
 * the same; {@code countedMessages} against {@code accepted} shows how large it was. The WAL bytes
 * (from the WAL position) and the statements are exact at the moment of reading and are divided by
 * the messages accepted.
 */
record DbCounters(Map<String, TableRows> tables, Wal wal, Map<String, Query> statements) {

  /** The table with one row per message sent. */
  static final String MESSAGES = "messages";

  private static final Pattern LOCKING_CLAUSE = Pattern.compile(
      "\\bfor\\s+(no\\s+key\\s+update|update|key\\s+share|share)\\b",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern WRITE = Pattern.compile(
      "\\b(insert\\s+into|delete\\s+from|merge\\s+into)\\b|\\bupdate\\s+(only\\s+)?[\\w.\"]+(\\s+(as\\s+)?\\w+)?\\s+set\\b",
      Pattern.CASE_INSENSITIVE);

  record TableRows(long inserted, long updated, long hotUpdated, long deleted) {
    TableRows minus(TableRows o) {
      return new TableRows(inserted - o.inserted, updated - o.updated, hotUpdated - o.hotUpdated, deleted - o.deleted);
    }

    long written() {
      return inserted + updated + deleted;
    }

    boolean isEmpty() {
      return inserted == 0 && updated == 0 && deleted == 0;
    }
  }

  /** WAL records and full-page images from the statistics, bytes from the WAL insert position. */
  record Wal(long records, long fullPages, long bytes) {
    Wal minus(Wal o) {
      return new Wal(records - o.records, fullPages - o.fullPages, bytes - o.bytes);
    }
  }

  /** A {@code pg_stat_statements} entry; {@code toplevel} false for statements run inside others (foreign key checks). */
  record Query(String query, boolean toplevel, long calls, double totalMs, long rows) {
    Query minus(Query o) {
      // an entry reset or evicted in between starts again from zero
      return o == null || o.calls > calls ? this
          : new Query(query, toplevel, calls - o.calls, totalMs - o.totalMs, rows - o.rows);
    }
  }

  /** Reads the counters of the database {@code c} is connected to; pg_stat_statements may be missing. */
  static DbCounters read(Connection c) throws SQLException {
    Map<String, TableRows> tables = new TreeMap<>();
    Wal wal;
    Map<String, Query> statements = new HashMap<>();
    try (Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("""
          select case when schemaname = 'public' then relname else schemaname || '.' || relname end,
                 n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del from pg_stat_user_tables""")) {
        while (r.next()) {
          tables.put(r.getString(1), new TableRows(r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5)));
        }
      }
      try (ResultSet r = s.executeQuery("""
          select wal_records, wal_fpi, pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint from pg_stat_wal""")) {
        r.next();
        wal = new Wal(r.getLong(1), r.getLong(2), r.getLong(3));
      }
    }
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
        select userid::text || '/' || queryid::text || '/' || toplevel::text, toplevel, calls, total_exec_time, rows,
               left(regexp_replace(query, '\\s+', ' ', 'g'), 200)
          from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())""")) {
      while (r.next()) {
        statements.put(r.getString(1), new Query(r.getString(6), r.getBoolean(2), r.getLong(3), r.getDouble(4),
            r.getLong(5)));
      }
    } catch (SQLException e) {
      // without pg_stat_statements there are no statement figures; rows and WAL still count
    }
    return new DbCounters(tables, wal, statements);
  }

  /** What happened between {@code before} and this reading. */
  DbCounters since(DbCounters before) {
    Map<String, TableRows> t = new TreeMap<>();
    tables.forEach((name, rows) -> {
      TableRows d = rows.minus(before.tables.getOrDefault(name, new TableRows(0, 0, 0, 0)));
      if (!d.isEmpty()) {
        t.put(name, d);
      }
    });
    Map<String, Query> s = new HashMap<>();
    statements.forEach((key, st) -> {
      Query d = st.minus(before.statements.get(key));
      if (d.calls > 0) {
        s.put(key, d);
      }
    });
    return new DbCounters(t, wal.minus(before.wal), s);
  }

  /**
   * Whether a statement only reads and locks what it reads ({@code SELECT ... FOR UPDATE} and the
   * like, foreign key checks included): its rows are rows locked. A write that locks on the way
   * ({@code UPDATE ... WHERE id IN (SELECT ... FOR UPDATE)}) is counted by its rows updated instead.
   */
  static boolean isLockingRead(String query) {
    return LOCKING_CLAUSE.matcher(query).find() && !WRITE.matcher(LOCKING_CLAUSE.matcher(query).replaceAll(" ")).find();
  }

  /**
   * This difference as a step's figures: rows written and locked and WAL per message, and the
   * {@code top} statements by time with their calls per message and rows per call.
   */
  JsonObject perMessage(long accepted, int top) {
    JsonObject out = new JsonObject();
    if (accepted <= 0) {
      return out;
    }
    TableRows sent = tables.get(MESSAGES);
    long counted = sent == null ? 0 : sent.inserted;
    // with nothing counted yet (a very short step), the accepted messages are the best divisor there is
    double byCounted = counted > 0 ? counted : accepted;
    long ins = 0;
    long upd = 0;
    long hot = 0;
    long del = 0;
    JsonObject perTable = new JsonObject();
    for (Map.Entry<String, TableRows> e : tables.entrySet()) {
      TableRows r = e.getValue();
      ins += r.inserted;
      upd += r.updated;
      hot += r.hotUpdated;
      del += r.deleted;
      perTable.put(e.getKey(), rows(r, byCounted));
    }
    TableRows total = new TableRows(ins, upd, hot, del);
    out.put("rowsWritten", rows(total, byCounted).put("tables", perTable));
    long lockingReadRows = 0;
    JsonArray lockingReads = new JsonArray();
    List<Query> locking = statements.values().stream().filter(s -> isLockingRead(s.query) && s.rows > 0)
        .sorted(Comparator.comparingLong(Query::rows).reversed()).toList();
    for (Query s : locking) {
      lockingReadRows += s.rows;
      lockingReads.add(new JsonObject().put("rowsPerMessage", round2(s.rows / (double) accepted)).put("query", s.query));
    }
    double updatedOrDeleted = (upd + del) / byCounted;
    double lockedByReads = lockingReadRows / (double) accepted;
    out.put("rowsLocked", new JsonObject()
        .put("perMessage", round2(updatedOrDeleted + lockedByReads))
        .put("updatedOrDeleted", round2(updatedOrDeleted))
        .put("lockingReads", round2(lockedByReads))
        .put("lockingStatements", lockingReads));
    out.put("countedMessages", new JsonObject().put("counted", counted).put("accepted", accepted)
        .put("ratio", round2(counted / (double) accepted)));
    out.put("wal", new JsonObject()
        .put("recordsPerMessage", Math.round(wal.records / byCounted * 10) / 10.0)
        .put("fullPagesPerMessage", round2(wal.fullPages / byCounted))
        .put("kbPerMessage", Math.round(wal.bytes / (double) accepted / 1024 * 10) / 10.0));
    JsonArray byTime = new JsonArray();
    statements.values().stream().filter(Query::toplevel)
        .sorted(Comparator.comparingDouble(Query::totalMs).reversed()).limit(top)
        .forEach(s -> byTime.add(new JsonObject()
            .put("msPerMessage", Math.round(s.totalMs / accepted * 1000) / 1000.0)
            .put("callsPerMessage", round2(s.calls / (double) accepted))
            .put("rowsPerCall", round2(s.rows / (double) s.calls))
            .put("meanMs", Math.round(s.totalMs / s.calls * 1000) / 1000.0)
            .put("query", s.query)));
    out.put("statements", byTime);
    return out;
  }

  private static JsonObject rows(TableRows r, double messages) {
    return new JsonObject()
        .put("perMessage", round2(r.written() / messages))
        .put("inserted", round2(r.inserted / messages))
        .put("updated", round2(r.updated / messages))
        .put("hotUpdated", round2(r.hotUpdated / messages))
        .put("deleted", round2(r.deleted / messages));
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
