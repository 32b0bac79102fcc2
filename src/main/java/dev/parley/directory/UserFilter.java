package dev.parley.directory;

import dev.parley.Keyset;
import dev.parley.Problem;
import dev.parley.QueryParams;

import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;

/**
 * The admin's filters on the list of people: a search in names and emails, a role, active or not,
 * the clients of one Coordinator; and the page (size and keyset cursor).
 */
record UserFilter(String q, Role role, Boolean active, UUID coordinatorId, int limit, String cursor) {

  /** Without {@code limit} the whole list is one page (pickers load everyone at once). */
  static final int ALL = 10_000;

  /** Reads the filter from the query string's parameters. */
  static UserFilter from(Function<String, String> param) {
    String roleName = QueryParams.text("role", param.apply("role"), 20);
    Role role = Role.parse(roleName);
    if (roleName != null && role == null) {
      throw Problem.invalid("'role' must be one of admin, staff, client, prospect");
    }
    UserFilter f = new UserFilter(
        QueryParams.text("q", param.apply("q"), 100),
        role,
        QueryParams.bool("active", param.apply("active")),
        QueryParams.uuid("coordinator", param.apply("coordinator")),
        QueryParams.integer("limit", param.apply("limit"), ALL, 1, 200),
        param.apply("cursor"));
    f.after();
    return f;
  }

  /** The search as a LIKE pattern on lower-case names and emails, its wildcards escaped. */
  String likePattern() {
    if (q == null) {
      return null;
    }
    String escaped = q.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    return "%" + escaped + "%";
  }

  /** The (lower-case name, id) the page continues after, or null for the first page. */
  String[] after() {
    String[] parts = Keyset.decode(cursor, 2);
    if (parts != null) {
      QueryParams.uuid("cursor", parts[1]);
    }
    return parts;
  }
}
