package dev.parley.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The two database roles: the owner, which migrates the schema, and the runtime role Parley's pool
 * connects as. The runtime role owns nothing, so it can neither disable, drop or replace the audit
 * log's append-only triggers nor set {@code session_replication_role}: on {@code audit_log} it may
 * only insert and read. Blocking (JDBC): call from a worker thread.
 */
public final class Roles {

  /** The advisory lock the owner holds while it grants (any constant of Parley's own). */
  private static final long GRANTS_LOCK = 0x5061726c6579L;

  private Roles() {
  }

  /**
   * As the owner, gives {@code runtimeRole} what Parley needs on every table of the schema, and on the
   * audit log only SELECT and INSERT. Idempotent, and run after every migration, so that tables added
   * by later migrations are covered without a grant of their own.
   */
  public static void grantRuntime(String jdbcUrl, String owner, String ownerPassword, String runtimeRole) throws SQLException {
    String r = quote(runtimeRole);
    try (Connection c = DriverManager.getConnection(jdbcUrl, owner, ownerPassword)) {
      c.setAutoCommit(false);
      String s;
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select current_schema()")) {
        rs.next();
        s = quote(rs.getString(1));
      }
      try (Statement st = c.createStatement()) {
        // nodes starting together would otherwise collide on the same catalog rows ("tuple concurrently updated")
        st.execute("select pg_advisory_xact_lock(" + GRANTS_LOCK + ")");
        st.execute("grant usage on schema " + s + " to " + r);
        // no role but the owner creates objects in the schema (PostgreSQL before 15 lets everyone)
        st.execute("revoke create on schema " + s + " from public, " + r);
        st.execute("grant select, insert, update, delete on all tables in schema " + s + " to " + r);
        st.execute("grant usage on all sequences in schema " + s + " to " + r);
        st.execute("revoke update, delete, truncate, references, trigger on " + s + ".audit_log from " + r);
        st.execute("revoke all on " + s + ".flyway_schema_history from " + r);
      }
      c.commit();
    }
  }

  /** As the owner, creates the login role {@code role} if it is missing, and (re)sets its password. */
  public static void ensureLogin(String jdbcUrl, String owner, String ownerPassword, String role, String password)
      throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, owner, ownerPassword); Statement st = c.createStatement()) {
      boolean exists;
      try (ResultSet rs = st.executeQuery("select 1 from pg_roles where rolname = " + literal(role))) {
        exists = rs.next();
      }
      st.execute((exists ? "alter role " : "create role ") + quote(role)
          + " login nosuperuser nocreatedb nocreaterole noinherit noreplication nobypassrls password " + literal(password));
    }
  }

  /**
   * Whether the role of this connection could take the audit log's guard away: a superuser, or a
   * member of the role owning the table or its trigger function.
   */
  public static boolean canAlterAuditLog(String jdbcUrl, String user, String password) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("""
             select r.rolsuper
                 or pg_has_role(current_user, c.relowner, 'USAGE')
                 or exists (select 1 from pg_proc p where p.proname = 'audit_log_is_append_only'
                              and pg_has_role(current_user, p.proowner, 'USAGE'))
               from pg_roles r, pg_class c
              where r.rolname = current_user and c.oid = to_regclass('audit_log')""")) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  /** An SQL identifier, quoted. */
  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
