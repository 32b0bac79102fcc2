package dev.parley.directory;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Circles and Teams: named groups of staff. */
public final class Groups {

  private static final String SELECT = """
      select g.id, g.kind, g.name,
             coalesce(array_agg(gm.user_id order by gm.user_id) filter (where gm.user_id is not null), '{}') as members,
             coalesce(json_agg(json_build_object('id', u.id, 'name', u.name, 'role', u.role) order by lower(u.name), u.id)
                      filter (where u.id is not null), '[]') as cards
        from groups g left join group_members gm on gm.group_id = g.id left join users u on u.id = gm.user_id
       where g.company_id = $1""";
  private static final String LIST = SELECT + " group by g.id order by g.kind, lower(g.name)";
  private static final String ONE = SELECT + " and g.id = $2 group by g.id";
  private static final String INSERT = "insert into groups (company_id, kind, name) values ($1, $2, $3) returning id";
  private static final String UPDATE = "update groups set kind = $3, name = $4 where company_id = $1 and id = $2";
  private static final String DELETE = "delete from groups where company_id = $1 and id = $2";
  private static final String CLEAR_MEMBERS = "delete from group_members where group_id = $1";
  private static final String ADD_MEMBERS = "insert into group_members (group_id, user_id) select $1, unnest($2::uuid[])";
  private static final String STAFF_AMONG =
      "select count(*) from users where company_id = $1 and role in ('admin', 'staff') and id = any($2::uuid[])";

  private final Pool pool;

  public Groups(Pool pool) {
    this.pool = pool;
  }

  public Future<List<Group>> list(UUID companyId) {
    return pool.preparedQuery(LIST).execute(Tuple.of(companyId)).map(rows -> {
      List<Group> out = new ArrayList<>();
      rows.forEach(r -> out.add(Group.fromRow(r)));
      return out;
    });
  }

  public static Future<Optional<Group>> byId(SqlClient client, UUID companyId, UUID id) {
    return client.preparedQuery(ONE).execute(Tuple.of(companyId, id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Group.fromRow(rows.iterator().next())));
  }

  public Future<Optional<Group>> byId(UUID companyId, UUID id) {
    return byId(pool, companyId, id);
  }

  /** How many of the ids are staff of the company. */
  // (Object) casts here and below: Tuple.of(a, array) picks the varargs overload and spreads the array.
  public static Future<Long> countStaff(SqlClient client, UUID companyId, List<UUID> ids) {
    return client.preparedQuery(STAFF_AMONG).execute(Tuple.of(companyId, (Object) ids.toArray(new UUID[0])))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  public Future<Group> create(UUID companyId, String kind, String name, List<UUID> memberIds) {
    return pool.withTransaction(tx -> tx.preparedQuery(INSERT).execute(Tuple.of(companyId, kind, name))
        .map(rows -> rows.iterator().next().getUUID("id"))
        .compose(id -> setMembers(tx, id, memberIds).compose(v -> byId(tx, companyId, id)))
        .map(Optional::orElseThrow));
  }

  public Future<Optional<Group>> update(UUID companyId, UUID id, String kind, String name, List<UUID> memberIds) {
    return pool.withTransaction(tx -> tx.preparedQuery(UPDATE).execute(Tuple.of(companyId, id, kind, name))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            return Future.succeededFuture(Optional.<Group>empty());
          }
          Future<Void> members = memberIds == null ? Future.succeededFuture() : setMembers(tx, id, memberIds);
          return members.compose(v -> byId(tx, companyId, id));
        }));
  }

  public Future<Boolean> delete(UUID companyId, UUID id) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(companyId, id)).map(rows -> rows.rowCount() > 0);
  }

  private static Future<Void> setMembers(SqlClient tx, UUID groupId, List<UUID> memberIds) {
    return tx.preparedQuery(CLEAR_MEMBERS).execute(Tuple.of(groupId))
        .compose(v -> memberIds.isEmpty() ? Future.succeededFuture()
            : tx.preparedQuery(ADD_MEMBERS).execute(Tuple.of(groupId, (Object) memberIds.toArray(new UUID[0]))).mapEmpty());
  }

  /** A Circle or Team; {@code members} are the members' cards (id, name, role), by name. */
  public record Group(UUID id, String kind, String name, List<UUID> memberIds, JsonArray members) {
    static Group fromRow(Row r) {
      UUID[] ids = r.getArrayOfUUIDs("members");
      Object cards = r.getValue("cards");
      return new Group(r.getUUID("id"), r.getString("kind"), r.getString("name"), ids == null ? List.of() : List.of(ids),
          cards instanceof JsonArray a ? a : new JsonArray());
    }

    public JsonObject toJson() {
      JsonArray ids = new JsonArray();
      memberIds.forEach(m -> ids.add(m.toString()));
      return new JsonObject().put("id", id.toString()).put("kind", kind).put("name", name).put("memberIds", ids)
          .put("members", members.copy());
    }
  }
}
