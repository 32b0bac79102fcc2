package dev.parley.directory;

import dev.parley.Keyset;
import dev.parley.auth.Sessions;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Users of a company. Every query but sign-in is scoped by company. */
public final class Users {

  private static final String BY_EMAIL = "select " + User.COLUMNS + " from users where email = $1 order by company_id";
  private static final String BY_ID = "select " + User.COLUMNS + " from users where company_id = $1 and id = $2";
  private static final String BY_ID_FOR_SIGN_IN = "select " + User.COLUMNS + " from users where id = $1";
  private static final String INSERT = "insert into users (company_id, email, name, role, coordinator_id, password_hash) "
      + "values ($1, $2, $3, $4, $5, $6) returning " + User.COLUMNS;
  private static final String UPDATE = "update users set email = $3, name = $4, role = $5, coordinator_id = $6, "
      + "active = $7, password_hash = coalesce($8, password_hash), updated_at = now() "
      + "where company_id = $1 and id = $2 returning " + User.COLUMNS;
  /**
   * One page of the admin's list: the filters that are null match everyone; ordered by name, then id,
   * and continued after the cursor's (name, id).
   */
  private static final String SEARCH = "select " + User.COLUMNS + ", lower(name) as sort_key from users where company_id = $1"
      + " and ($2::text is null or lower(name) like $2 escape '\\' or email like $2 escape '\\')"
      + " and ($3::text is null or role = $3)"
      + " and ($4::boolean is null or active = $4)"
      + " and ($5::uuid is null or coordinator_id = $5)"
      + " and ($6::text is null or (lower(name), id) > ($6, $7::uuid))"
      + " order by lower(name), id limit $8";
  private static final String COMPANY = "select id, name from companies where id = $1";

  private final Pool pool;

  public Users(Pool pool) {
    this.pool = pool;
  }

  /** Everyone with this address, in any company (an address is unique within its company only): for sign-in. */
  public Future<List<User>> byEmail(String email) {
    return pool.preparedQuery(BY_EMAIL).execute(Tuple.of(email.toLowerCase())).map(Users::all);
  }

  public Future<Optional<User>> byId(UUID companyId, UUID id) {
    return byId(pool, companyId, id);
  }

  public static Future<Optional<User>> byId(SqlClient client, UUID companyId, UUID id) {
    return client.preparedQuery(BY_ID).execute(Tuple.of(companyId, id)).map(Users::first);
  }

  /** A person by id alone, for the second step of a sign-in (whose ticket names them): not scoped by company. */
  public Future<Optional<User>> forSignIn(UUID id) {
    return pool.preparedQuery(BY_ID_FOR_SIGN_IN).execute(Tuple.of(id)).map(Users::first);
  }

  /** A page of the company's people matching the filter, and the cursor of the next page (null at the end). */
  public Future<Page> search(UUID companyId, UserFilter f) {
    String[] after = f.after();
    return pool.preparedQuery(SEARCH)
        .execute(Tuple.from(java.util.Arrays.asList(companyId, f.likePattern(), f.role() == null ? null : f.role().wire(), f.active(),
            f.coordinatorId(), after == null ? null : after[0], after == null ? null : UUID.fromString(after[1]), f.limit() + 1)))
        .map(rows -> {
          List<User> page = new ArrayList<>();
          String lastKey = null;
          for (Row r : rows) {
            if (page.size() == f.limit()) {
              return new Page(page, Keyset.encode(lastKey, page.get(page.size() - 1).id().toString()));
            }
            page.add(User.fromRow(r));
            lastKey = r.getString("sort_key");
          }
          return new Page(page, null);
        });
  }

  /** A page of people and the cursor that continues it. */
  public record Page(List<User> users, String nextCursor) {
  }

  public static Future<User> insert(SqlClient client, UUID companyId, String email, String name, Role role,
                                    UUID coordinatorId, String passwordHash) {
    return client.preparedQuery(INSERT)
        .execute(Tuple.of(companyId, email.toLowerCase(), name, role.wire(), coordinatorId, passwordHash))
        .map(rows -> User.fromRow(rows.iterator().next()));
  }

  /** Writes the user; deactivation or a new password also ends every session in the same transaction. */
  public Future<Optional<User>> update(User u, String newPasswordHash) {
    return pool.withTransaction(tx -> tx.preparedQuery(UPDATE)
        .execute(Tuple.of(u.companyId(), u.id(), u.email().toLowerCase(), u.name(), u.role().wire(),
            u.coordinatorId(), u.active(), newPasswordHash))
        .map(Users::first)
        .compose(updated -> updated.isPresent() && (!updated.get().active() || newPasswordHash != null)
            ? Sessions.revokeAll(tx, u.id()).map(updated)
            : Future.succeededFuture(updated)));
  }

  public Future<String> companyName(UUID companyId) {
    return pool.preparedQuery(COMPANY).execute(Tuple.of(companyId))
        .map(rows -> rows.size() == 0 ? "" : rows.iterator().next().getString("name"));
  }

  static Optional<User> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(User.fromRow(rows.iterator().next()));
  }

  static List<User> all(RowSet<Row> rows) {
    List<User> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(User.fromRow(r)));
    return out;
  }
}
