package dev.parley;

import dev.parley.directory.Role;
import dev.parley.directory.User;
import dev.parley.directory.Users;
import dev.parley.embedded.EmbeddedMailServer;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The demo company seeded on an empty database, so that a fresh start has someone to sign in as. */
final class Demo {

  private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

  static final String COMPANY = "Harbor & Pine Advisors";
  static final String PASSWORD = "demo-parley";

  /** email, name, role, coordinator's email. */
  static final List<String[]> PEOPLE = List.of(
      new String[] {"admin@demo.test", "Ada Admin", "admin", null},
      new String[] {"sam.staff@demo.test", "Sam Rivera", "staff", null},
      new String[] {"taylor.staff@demo.test", "Taylor Chen", "staff", null},
      new String[] {"casey.coordinator@demo.test", "Casey Morgan", "staff", null},
      new String[] {"chris.client@demo.test", "Chris Client", "client", "casey.coordinator@demo.test"},
      new String[] {"dana.client@demo.test", "Dana Brooks", "client", "casey.coordinator@demo.test"},
      new String[] {"pat.prospect@demo.test", "Pat Prospect", "prospect", "casey.coordinator@demo.test"},
      new String[] {"quinn.prospect@demo.test", "Quinn Park", "prospect", null});

  private Demo() {
  }

  static Future<Void> seedIfAsked(Platform platform) {
    if (!platform.config().demo()) {
      return Future.succeededFuture();
    }
    return platform.pool().query("select count(*) from companies").execute()
        .compose(rows -> rows.iterator().next().getLong(0) > 0 ? Future.succeededFuture()
            : seed(platform).compose(people -> DemoConversations.write(platform, people)))
        .onSuccess(v -> openMailboxes(platform));
  }

  /**
   * Each demo person can read their mail in the embedded IMAP server from the start, before any
   * email reached them (its mailboxes are kept in memory, so on every start).
   */
  private static void openMailboxes(Platform platform) {
    EmbeddedMailServer mail = platform.mail().embedded();
    if (mail != null) {
      PEOPLE.forEach(p -> mail.openMailbox(p[0]));
    }
  }

  /** The company, its people (by email) and groups, in one transaction. */
  private static Future<Map<String, User>> seed(Platform platform) {
    String adminPassword = platform.config().demoAdminPassword();
    return platform.passwords().hash(adminPassword)
        .compose(adminHash -> platform.passwords().hash(PASSWORD).compose(hash -> platform.pool().withTransaction(tx ->
            tx.preparedQuery("insert into companies (name) values ($1) returning id").execute(Tuple.of(COMPANY))
                .map(r -> r.iterator().next().getUUID("id"))
                .compose(companyId -> tx.preparedQuery("insert into messaging_settings (company_id) values ($1)")
                    .execute(Tuple.of(companyId)).map(companyId))
                .compose(companyId -> {
                  Map<String, User> people = new HashMap<>();
                  Map<String, UUID> ids = new HashMap<>();
                  Future<Void> chain = Future.succeededFuture();
                  for (String[] p : PEOPLE) {
                    chain = chain.compose(v -> Users.insert(tx, companyId, p[0], p[1], Role.parse(p[2]),
                            p[3] == null ? null : ids.get(p[3]), p[2].equals("admin") ? adminHash : hash)
                        .map(u -> {
                          people.put(u.email(), u);
                          ids.put(u.email(), u.id());
                          return (Void) null;
                        }));
                  }
                  return chain.compose(v -> groups(tx, companyId, ids)).map(v -> people);
                }))))
        .onSuccess(v -> {
          List<String> lines = new ArrayList<>();
          lines.add("Demo company '" + COMPANY + "' created. Sign in with:");
          for (String[] p : PEOPLE) {
            lines.add(String.format("  %-30s %-9s password %s", p[0], p[2], p[2].equals("admin") ? adminPassword : PASSWORD));
          }
          if (platform.mail().embedded() != null) {
            lines.add("  Their email: IMAP at 127.0.0.1:" + platform.mail().embedded().imapPort()
                + " (no TLS), login and password both the address");
          }
          LOG.info(String.join(System.lineSeparator(), lines));
        });
  }

  private static Future<Void> groups(SqlConnection tx, UUID companyId, Map<String, UUID> ids) {
    String sql = "with g as (insert into groups (company_id, kind, name) values ($1, $2, $3) returning id) "
        + "insert into group_members (group_id, user_id) select g.id, unnest($4::uuid[]) from g";
    return tx.preparedQuery(sql).execute(Tuple.of(companyId, "circle", "Advisors",
            new UUID[] {ids.get("sam.staff@demo.test"), ids.get("casey.coordinator@demo.test")}))
        .compose(v -> tx.preparedQuery(sql).execute(Tuple.of(companyId, "team", "Front Desk",
            new UUID[] {ids.get("taylor.staff@demo.test")})))
        .mapEmpty();
  }

}
