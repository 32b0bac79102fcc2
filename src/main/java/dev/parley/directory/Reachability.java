package dev.parley.directory;

import dev.parley.auth.Viewer;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Who may start a conversation with whom — the one place this rule lives. Staff may message anyone
 * active in their company. Contacts may message staff only: just their Coordinator when the company
 * restricts contacts to coordinators (this wins when both settings are on), else only the designated
 * users, Circles and Teams when designation is on, else any staff member.
 */
public final class Reachability {

  private static final String ALLOWED = """
      select u.id, u.name, u.role, u.email
        from users u
        left join messaging_settings ms on ms.company_id = u.company_id
       where u.company_id = $1 and u.active and u.id <> $2
         and ($3::boolean or (u.role in ('admin', 'staff') and case
               when coalesce(ms.restrict_contacts_to_coordinator, false) then
                 u.id = (select me.coordinator_id from users me where me.id = $2)
               when coalesce(ms.designated_enabled, false) then
                 exists (select 1 from designated_staff d where d.company_id = $1 and d.user_id = u.id)
                 or exists (select 1 from designated_staff d join group_members gm on gm.group_id = d.group_id
                             where d.company_id = $1 and gm.user_id = u.id)
               else true end))
      """;
  private static final String SEARCH = ALLOWED
      + " and ($4::text is null or u.name ilike $4 or ($3::boolean and u.email ilike $4))"
      + " order by lower(u.name), u.id limit $5";
  private static final String AMONG = ALLOWED + " and u.id = any($4::uuid[])";

  private Reachability() {
  }

  /** People the viewer may message whose name matches {@code query} (null for all). */
  public static Future<List<Person>> search(SqlClient client, Viewer viewer, String query, int limit) {
    String pattern = query == null || query.isBlank() ? null : "%" + escapeLike(query.trim()) + "%";
    return client.preparedQuery(SEARCH)
        .execute(Tuple.of(viewer.companyId(), viewer.userId(), viewer.isStaff(), pattern, limit))
        .map(rows -> {
          List<Person> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(Person.fromRow(r)));
          return out;
        });
  }

  /** Of the given ids, those the viewer may message (unknown, foreign and forbidden ids are left out). */
  public static Future<List<Person>> among(SqlClient client, Viewer viewer, Collection<UUID> ids) {
    return client.preparedQuery(AMONG)
        .execute(Tuple.of(viewer.companyId(), viewer.userId(), viewer.isStaff(), ids.toArray(new UUID[0])))
        .map(rows -> {
          List<Person> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(Person.fromRow(r)));
          return out;
        });
  }

  private static String escapeLike(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  /** Someone a viewer may message. */
  public record Person(UUID id, String name, Role role, String email) {
    static Person fromRow(Row r) {
      return new Person(r.getUUID("id"), r.getString("name"), Role.parse(r.getString("role")), r.getString("email"));
    }
  }
}
