package dev.parley.audit;

import dev.parley.Keyset;
import dev.parley.Problem;
import dev.parley.QueryParams;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * What an admin asks of the audit log: one action, one person's doings ({@code userId}, the actor),
 * a time range ({@code from} inclusive, {@code to} exclusive; a date means that whole day in UTC),
 * and a page: newest first, continued after the cursor's (time, id).
 */
public record AuditFilter(String action, UUID userId, Instant from, Instant to, int limit, Instant afterAt, Long afterId) {

  static final int DEFAULT_LIMIT = 50;

  public static AuditFilter from(Function<String, String> param) {
    String action = QueryParams.text("action", param.apply("action"), 100);
    Instant from = QueryParams.instant("from", param.apply("from"), false);
    Instant to = QueryParams.instant("to", param.apply("to"), true);
    if (from != null && to != null && !from.isBefore(to)) {
      throw Problem.invalid("'from' must be before 'to'");
    }
    String[] after = Keyset.decode(param.apply("cursor"), 2);
    Instant afterAt = null;
    Long afterId = null;
    if (after != null) {
      try {
        afterAt = Instant.parse(after[0]);
        afterId = Long.parseLong(after[1]);
      } catch (DateTimeParseException | NumberFormatException e) {
        throw Problem.invalid("'cursor' is not a cursor this server gave out");
      }
    }
    return new AuditFilter(action, QueryParams.uuid("userId", param.apply("userId")), from, to,
        QueryParams.integer("limit", param.apply("limit"), DEFAULT_LIMIT, 1, 200), afterAt, afterId);
  }

  /** The same filter for the page after the entry at {@code at} with {@code id}, {@code limit} entries long. */
  AuditFilter after(Instant at, long id, int pageLimit) {
    return new AuditFilter(action, userId, from, to, pageLimit, at, id);
  }

  static String cursor(Instant at, long id) {
    return Keyset.encode(at.toString(), Long.toString(id));
  }

  /** The filters as the audit entry of whoever read the log records them. */
  JsonObject describe() {
    JsonObject d = new JsonObject();
    if (action != null) {
      d.put("action", action);
    }
    if (userId != null) {
      d.put("userId", userId.toString());
    }
    if (from != null) {
      d.put("from", from.toString());
    }
    if (to != null) {
      d.put("to", to.toString());
    }
    return d;
  }

  /**
   * The statement of one page (one more row than the page, to tell whether another follows; a target
   * that is a person of the company comes with their name) and its
   * parameters. Only the conditions given are written, so that the planner picks the index that
   * serves them (company and action, company and actor, or company alone, each by time) for every
   * combination, rather than one generic plan for all.
   */
  public Statement statement(UUID companyId) {
    List<Object> params = new ArrayList<>();
    params.add(companyId);
    StringBuilder sql = new StringBuilder("""
        select a.id, a.at, a.action, a.actor_id, u.name as actor_name, a.target, t.name as target_name, a.detail, a.address
          from audit_log a left join users u on u.id = a.actor_id
               left join users t on t.id = case when a.target ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                                                then a.target::uuid end
                                and t.company_id = a.company_id
         where a.company_id = $1""");
    if (action != null) {
      params.add(action);
      sql.append(" and a.action = $").append(params.size());
    }
    if (userId != null) {
      params.add(userId);
      sql.append(" and a.actor_id = $").append(params.size());
    }
    if (from != null) {
      params.add(from.atOffset(java.time.ZoneOffset.UTC));
      sql.append(" and a.at >= $").append(params.size());
    }
    if (to != null) {
      params.add(to.atOffset(java.time.ZoneOffset.UTC));
      sql.append(" and a.at < $").append(params.size());
    }
    if (afterAt != null) {
      params.add(afterAt.atOffset(java.time.ZoneOffset.UTC));
      params.add(afterId);
      sql.append(" and (a.at, a.id) < ($").append(params.size() - 1).append(", $").append(params.size()).append(")");
    }
    params.add(limit + 1);
    sql.append(" order by a.at desc, a.id desc limit $").append(params.size());
    return new Statement(sql.toString(), params);
  }

  /** A statement and its parameters in order. */
  public record Statement(String sql, List<Object> params) {
  }
}
