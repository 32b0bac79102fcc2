package dev.parley.directory;

import dev.parley.Fields;
import dev.parley.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * People added from a CSV file ({@code name,email,role[,coordinator email]}, an optional header row):
 * every row is checked first, and the people are added all in one transaction or not at all.
 */
final class UserImport {

  static final int MAX_ROWS = 500;
  static final int MAX_CHARS = 200_000;

  private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
      .setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true).get();
  private static final String TAKEN = "select email from users where company_id = $1 and email = any($2::text[])";
  private static final String STAFF_BY_EMAIL =
      "select id, email from users where company_id = $1 and role in ('admin', 'staff') and email = any($2::text[])";

  private UserImport() {
  }

  /** One row of the file as read, with what is wrong with it (nothing when it can be added). */
  record Line(long line, String name, String email, Role role, String coordinatorEmail, List<String> errors) {

    JsonObject toJson() {
      return new JsonObject().put("line", line).put("name", name).put("email", email)
          .put("role", role == null ? null : role.wire()).put("coordinatorEmail", coordinatorEmail)
          .put("errors", new JsonArray(errors));
    }
  }

  /** The {@code {"csv": "..."}} body, parsed; 413 over the size or row cap, 400 when it is not CSV. */
  static List<Line> parse(JsonObject body) {
    Fields b = Fields.strict(body, "csv");
    Object raw = b.json().getValue("csv");
    if (!(raw instanceof String csv) || csv.isBlank()) {
      throw Problem.invalid("'csv' is required: the file's text, one person a row as name,email,role[,coordinator email]");
    }
    if (csv.length() > MAX_CHARS) {
      throw Problem.tooLarge("'csv' is over " + MAX_CHARS + " characters; split the file");
    }
    List<CSVRecord> records;
    try (CSVParser parser = CSVParser.parse(new StringReader(csv), FORMAT)) {
      records = parser.getRecords();
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      throw Problem.invalid("'csv' is not valid CSV: " + Fields.abbreviate(String.valueOf(e.getMessage())));
    }
    if (!records.isEmpty() && isHeader(records.get(0))) {
      records = records.subList(1, records.size());
    }
    if (records.isEmpty()) {
      throw Problem.invalid("'csv' holds no one to add");
    }
    if (records.size() > MAX_ROWS) {
      throw Problem.tooLarge("'csv' has " + records.size() + " rows; at most " + MAX_ROWS + " at a time");
    }
    List<Line> lines = new ArrayList<>();
    Map<String, Long> seen = new HashMap<>();
    for (CSVRecord r : records) {
      lines.add(read(r, seen));
    }
    return lines;
  }

  private static boolean isHeader(CSVRecord r) {
    return r.size() >= 2 && r.get(0).equalsIgnoreCase("name") && r.get(1).equalsIgnoreCase("email");
  }

  private static Line read(CSVRecord r, Map<String, Long> seen) {
    List<String> errors = new ArrayList<>();
    long line = r.getRecordNumber();
    if (r.size() < 3 || r.size() > 4) {
      errors.add("expected name,email,role and an optional coordinator email; found " + r.size() + " cells");
    }
    String name = cell(r, 0);
    String email = cell(r, 1).toLowerCase(Locale.ROOT);
    String roleName = cell(r, 2);
    String coordinator = cell(r, 3).toLowerCase(Locale.ROOT);
    if (name.isEmpty()) {
      errors.add("name is missing");
    } else if (name.length() > 200) {
      errors.add("name is longer than 200 characters");
    } else if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
      errors.add("name must be a single line");
    }
    if (!Commands.isEmail(email)) {
      errors.add(email.isEmpty() ? "email is missing" : "email is not an email address");
    } else if (seen.containsKey(email)) {
      errors.add("email is also on line " + seen.get(email) + " of the file");
    } else {
      seen.put(email, line);
    }
    Role role = Role.parse(roleName.toLowerCase(Locale.ROOT));
    if (role == null) {
      errors.add(roleName.isEmpty() ? "role is missing" : "role '" + Fields.abbreviate(roleName) + "' is not one of admin, staff, client, prospect");
    } else if (role.isStaff() && !coordinator.isEmpty()) {
      errors.add("only clients and prospects have a coordinator");
    }
    if (!coordinator.isEmpty() && !Commands.isEmail(coordinator)) {
      errors.add("coordinator email is not an email address");
    }
    return new Line(line, name, email, role, coordinator.isEmpty() ? null : coordinator, errors);
  }

  private static String cell(CSVRecord r, int i) {
    return i < r.size() ? r.get(i).trim() : "";
  }

  /**
   * The lines with what the database adds: an address already in use in the company, and a coordinator who is
   * neither staff of the company nor a staff row of the file.
   */
  static Future<List<Line>> check(Pool pool, UUID companyId, List<Line> lines) {
    String[] emails = lines.stream().map(Line::email).filter(e -> !e.isEmpty()).toArray(String[]::new);
    String[] coordinators = lines.stream().map(Line::coordinatorEmail).filter(e -> e != null).distinct().toArray(String[]::new);
    Future<Set<String>> taken = pool.preparedQuery(TAKEN).execute(Tuple.of(companyId, (Object) emails)).map(rows -> {
      Set<String> out = new HashSet<>();
      rows.forEach(r -> out.add(r.getString("email")));
      return out;
    });
    Future<Map<String, UUID>> staff = staffByEmail(pool, companyId, coordinators);
    return Future.all(taken, staff).map(ok -> {
      Set<String> staffInFile = new HashSet<>();
      lines.stream().filter(l -> l.role() != null && l.role().isStaff()).forEach(l -> staffInFile.add(l.email()));
      List<Line> out = new ArrayList<>(lines.size());
      for (Line l : lines) {
        List<String> errors = new ArrayList<>(l.errors());
        if (taken.result().contains(l.email())) {
          errors.add("a person with this email already exists");
        }
        String c = l.coordinatorEmail();
        if (c != null && Commands.isEmail(c) && !staff.result().containsKey(c) && !staffInFile.contains(c)) {
          errors.add("coordinator " + c + " is not a staff member of your company");
        }
        out.add(new Line(l.line(), l.name(), l.email(), l.role(), c, List.copyOf(errors)));
      }
      return out;
    });
  }

  private static Future<Map<String, UUID>> staffByEmail(SqlClient client, UUID companyId, String[] emails) {
    return client.preparedQuery(STAFF_BY_EMAIL).execute(Tuple.of(companyId, (Object) emails)).map(rows -> {
      Map<String, UUID> out = new HashMap<>();
      rows.forEach(r -> out.put(r.getString("email"), r.getUUID("id")));
      return out;
    });
  }

  /**
   * Adds every line, staff first so that a contact's coordinator may be a row of the same file, in the
   * transaction given: a failure of any row rolls all of them back.
   */
  static Future<List<User>> insertAll(SqlClient tx, UUID companyId, List<Line> lines) {
    List<Line> ordered = new ArrayList<>(lines);
    ordered.sort(Comparator.comparing((Line l) -> l.role().isContact()));
    Map<String, UUID> ids = new HashMap<>();
    String[] coordinators = lines.stream().map(Line::coordinatorEmail).filter(e -> e != null).distinct().toArray(String[]::new);
    Future<List<User>> chain = staffByEmail(tx, companyId, coordinators).map(found -> {
      ids.putAll(found);
      return new ArrayList<>();
    });
    for (Line l : ordered) {
      chain = chain.compose(added -> Users.insert(tx, companyId, l.email(), l.name(), l.role(),
              l.coordinatorEmail() == null ? null : ids.get(l.coordinatorEmail()), null)
          .map(u -> {
            ids.put(u.email(), u.id());
            added.add(u);
            return added;
          }));
    }
    return chain;
  }
}
