package dev.parley.settings;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A company's settings: Convenience Mode, the notification delay and the messaging settings. */
public final class Settings {

  /** Shown whenever Convenience Mode is turned on; the UI must show it and ask for confirmation. */
  public static final String HIPAA_WARNING = "WARNING: By enabling this setting, HIPAA compliance cannot be guaranteed. "
      + "If you are working with sensitive information that is required by law to be privacy compliant, "
      + "you should NOT enable this setting.";

  /** How long a new message's notification waits for its reader, unless the company says otherwise. */
  public static final int DEFAULT_NOTIFICATION_DELAY_SECONDS = 120;
  public static final int MAX_NOTIFICATION_DELAY_SECONDS = 3600;

  private static final String COMPANY =
      "select convenience_mode, notification_delay_seconds, require_totp_for_staff from companies where id = $1";
  private static final String SET_COMPANY = "update companies set convenience_mode = $2, notification_delay_seconds = $3, "
      + "require_totp_for_staff = $4 where id = $1";
  private static final String MESSAGING = """
      select coalesce(ms.restrict_contacts_to_coordinator, false) as restrict_cc,
             coalesce(ms.designated_enabled, false) as designated,
             array(select d.user_id from designated_staff d where d.company_id = $1 and d.user_id is not null order by 1) as user_ids,
             array(select d.group_id from designated_staff d join groups g on g.id = d.group_id
                    where d.company_id = $1 and g.kind = 'circle' order by 1) as circle_ids,
             array(select d.group_id from designated_staff d join groups g on g.id = d.group_id
                    where d.company_id = $1 and g.kind = 'team' order by 1) as team_ids,
             array(select n.user_id from notify_on_read n where n.company_id = $1 order by 1) as notify_ids
        from companies c left join messaging_settings ms on ms.company_id = c.id
       where c.id = $1""";
  private static final String UPSERT_MESSAGING = """
      insert into messaging_settings (company_id, restrict_contacts_to_coordinator, designated_enabled, updated_at)
      values ($1, $2, $3, now())
      on conflict (company_id) do update set restrict_contacts_to_coordinator = $2, designated_enabled = $3, updated_at = now()""";
  private static final String CLEAR_DESIGNATED = "delete from designated_staff where company_id = $1";
  private static final String ADD_DESIGNATED = """
      insert into designated_staff (company_id, user_id, group_id)
      select $1::uuid, u, null::uuid from unnest($2::uuid[]) as u
      union all select $1::uuid, null::uuid, g from unnest($3::uuid[]) as g""";
  private static final String CLEAR_NOTIFY = "delete from notify_on_read where company_id = $1";
  private static final String ADD_NOTIFY = "insert into notify_on_read (company_id, user_id) select $1::uuid, unnest($2::uuid[])";
  private static final String COUNT_STAFF =
      "select count(*) from users where company_id = $1 and role in ('admin', 'staff') and id = any($2::uuid[])";
  private static final String COUNT_USERS = "select count(*) from users where company_id = $1 and id = any($2::uuid[])";
  private static final String COUNT_GROUPS = "select count(*) from groups where company_id = $1 and kind = $2 and id = any($3::uuid[])";

  private Settings() {
  }

  /** The company settings; {@code lock} holds the company row until the caller's transaction ends. */
  public static Future<Company> company(SqlClient client, UUID companyId, boolean lock) {
    return client.preparedQuery(lock ? COMPANY + " for no key update" : COMPANY).execute(Tuple.of(companyId))
        .map(rows -> rows.size() == 0 ? new Company(false, DEFAULT_NOTIFICATION_DELAY_SECONDS, false)
            : Company.fromRow(rows.iterator().next()));
  }

  public static Future<Void> setCompany(SqlClient client, UUID companyId, Company c) {
    return client.preparedQuery(SET_COMPANY).execute(Tuple.of(companyId, c.convenienceMode(), c.notificationDelaySeconds(), c.requireTotpForStaff()))
        .mapEmpty();
  }

  public static Future<Messaging> messaging(SqlClient client, UUID companyId) {
    return client.preparedQuery(MESSAGING).execute(Tuple.of(companyId)).map(rows -> Messaging.fromRow(rows.iterator().next()));
  }

  /** Replaces the messaging settings inside the caller's transaction. */
  public static Future<Void> setMessaging(SqlClient tx, UUID companyId, Messaging m) {
    List<UUID> groups = new ArrayList<>(m.circleIds());
    groups.addAll(m.teamIds());
    return tx.preparedQuery(UPSERT_MESSAGING).execute(Tuple.of(companyId, m.restrictToCoordinator(), m.designatedEnabled()))
        .compose(v -> tx.preparedQuery(CLEAR_DESIGNATED).execute(Tuple.of(companyId)))
        .compose(v -> tx.preparedQuery(ADD_DESIGNATED).execute(Tuple.of(companyId, m.userIds().toArray(new UUID[0]),
            groups.toArray(new UUID[0]))))
        .compose(v -> tx.preparedQuery(CLEAR_NOTIFY).execute(Tuple.of(companyId)))
        .compose(v -> tx.preparedQuery(ADD_NOTIFY).execute(Tuple.of(companyId, (Object) m.notifyOnReadUserIds().toArray(new UUID[0]))))
        .mapEmpty();
  }

  static Future<Long> countStaff(SqlClient c, UUID companyId, List<UUID> ids) {
    return count(c, COUNT_STAFF, Tuple.of(companyId, (Object) ids.toArray(new UUID[0])));
  }

  static Future<Long> countUsers(SqlClient c, UUID companyId, List<UUID> ids) {
    return count(c, COUNT_USERS, Tuple.of(companyId, (Object) ids.toArray(new UUID[0])));
  }

  static Future<Long> countGroups(SqlClient c, UUID companyId, String kind, List<UUID> ids) {
    return count(c, COUNT_GROUPS, Tuple.of(companyId, kind, ids.toArray(new UUID[0])));
  }

  private static Future<Long> count(SqlClient c, String sql, Tuple t) {
    return c.preparedQuery(sql).execute(t).map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Convenience Mode, and how many seconds a new message's notification email waits for its reader
   * (0: sent at once); whether staff must sign in with a second factor (TOTP).
   */
  public record Company(boolean convenienceMode, int notificationDelaySeconds, boolean requireTotpForStaff) {

    static Company fromRow(Row r) {
      return new Company(Boolean.TRUE.equals(r.getBoolean("convenience_mode")), r.getInteger("notification_delay_seconds"),
          Boolean.TRUE.equals(r.getBoolean("require_totp_for_staff")));
    }

    public JsonObject toJson() {
      return new JsonObject().put("convenienceMode", convenienceMode).put("notificationDelaySeconds", notificationDelaySeconds)
          .put("requireTotpForStaff", requireTotpForStaff);
    }
  }

  /** The messaging settings of the source document. */
  public record Messaging(boolean restrictToCoordinator, boolean designatedEnabled, List<UUID> userIds,
                          List<UUID> circleIds, List<UUID> teamIds, List<UUID> notifyOnReadUserIds) {

    static Messaging fromRow(Row r) {
      return new Messaging(r.getBoolean("restrict_cc"), r.getBoolean("designated"), list(r, "user_ids"),
          list(r, "circle_ids"), list(r, "team_ids"), list(r, "notify_ids"));
    }

    private static List<UUID> list(Row r, String col) {
      UUID[] a = r.getArrayOfUUIDs(col);
      return a == null ? List.of() : List.of(a);
    }

    public JsonObject toJson() {
      JsonObject designated = designatedEnabled ? new JsonObject()
          .put("userIds", strings(userIds)).put("circleIds", strings(circleIds)).put("teamIds", strings(teamIds)) : null;
      return new JsonObject()
          .put("restrictContactsToCoordinator", restrictToCoordinator)
          .put("designated", designated)
          .put("notifyOnReadUserIds", strings(notifyOnReadUserIds));
    }

    private static JsonArray strings(List<UUID> ids) {
      JsonArray a = new JsonArray();
      ids.forEach(i -> a.add(i.toString()));
      return a;
    }
  }
}
