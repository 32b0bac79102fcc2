package dev.parley.directory;

import dev.parley.Fields;
import dev.parley.Problem;
import dev.parley.auth.Passwords;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** The admin's writes to the directory, each parsed from its JSON and validated when built. */
final class Commands {

  private static final Pattern EMAIL = Pattern.compile("^[^@\\s\"<>,;()]{1,64}@[A-Za-z0-9.-]{1,253}\\.[A-Za-z]{2,}$");
  static final int MAX_GROUP_MEMBERS = 1000;

  private Commands() {
  }

  /** A new user; without a password they cannot sign in until one is set. */
  record NewUser(String email, String name, Role role, String password, UUID coordinatorId) {

    static NewUser from(JsonObject json) {
      Fields b = Fields.strict(json, "email", "name", "role", "password", "coordinatorId");
      NewUser cmd = new NewUser(
          Commands.email(b.requiredString("email", 254)),
          Commands.name(b.requiredString("name", 200)),
          Commands.role(b.requiredString("role", 20)),
          b.optionalString("password", 1024),
          b.optionalUuid("coordinatorId"));
      requireStrong(cmd.password);
      return cmd;
    }
  }

  /**
   * A change to a user: null where the body does not name the field. {@code coordinatorGiven} tells a
   * coordinator removed (null) from one not mentioned; {@code fields} are the names given, for the audit.
   */
  record UserChange(String email, String name, Role role, String password, Boolean active, boolean coordinatorGiven,
                    UUID coordinatorId, List<String> fields) {

    static UserChange from(JsonObject json) {
      Fields b = Fields.strict(json, "email", "name", "role", "password", "coordinatorId", "active");
      UserChange cmd = new UserChange(
          b.has("email") ? Commands.email(b.requiredString("email", 254)) : null,
          b.has("name") ? Commands.name(b.requiredString("name", 200)) : null,
          b.has("role") ? Commands.role(b.requiredString("role", 20)) : null,
          b.optionalString("password", 1024),
          b.optionalBoolean("active"),
          b.has("coordinatorId"),
          b.optionalUuid("coordinatorId"),
          List.copyOf(json.fieldNames()));
      requireStrong(cmd.password);
      return cmd;
    }
  }

  /** A new Circle or Team. */
  record NewGroup(String kind, String name, List<UUID> memberIds) {

    static NewGroup from(JsonObject json) {
      Fields b = Fields.strict(json, "kind", "name", "memberIds");
      String kind = Commands.kind(b.requiredString("kind", 20));
      String name = Commands.name(b.requiredString("name", 200));
      List<UUID> members = b.optionalUuids("memberIds", MAX_GROUP_MEMBERS);
      return new NewGroup(kind, name, members == null ? List.of() : members);
    }
  }

  /** A change to a group: null where the body does not name the field ({@code memberIds} replaces the members). */
  record GroupChange(String kind, String name, List<UUID> memberIds) {

    static GroupChange from(JsonObject json) {
      Fields b = Fields.strict(json, "kind", "name", "memberIds");
      String kind = b.has("kind") ? Commands.kind(b.requiredString("kind", 20)) : null;
      String name = b.has("name") ? Commands.name(b.requiredString("name", 200)) : null;
      return new GroupChange(kind, name, b.optionalUuids("memberIds", MAX_GROUP_MEMBERS));
    }
  }

  private static void requireStrong(String password) {
    if (password != null && Passwords.weakness(password) != null) {
      throw Problem.invalid(Passwords.weakness(password));
    }
  }

  /** Whether the (trimmed, lower-case) text is an email address Parley accepts. */
  static boolean isEmail(String e) {
    return e.length() <= 254 && EMAIL.matcher(e).matches();
  }

  private static String email(String s) {
    String e = s.trim().toLowerCase(Locale.ROOT);
    Fields.requireSingleLine("email", e);
    if (!EMAIL.matcher(e).matches()) {
      throw Problem.invalid("'email' is not an email address");
    }
    return e;
  }

  private static String name(String s) {
    String n = s.trim();
    Fields.requireSingleLine("name", n);
    if (n.isEmpty()) {
      throw Problem.invalid("'name' must not be blank");
    }
    return n;
  }

  private static Role role(String s) {
    Role r = Role.parse(s);
    if (r == null) {
      throw Problem.invalid("'role' must be one of admin, staff, client, prospect");
    }
    return r;
  }

  private static String kind(String s) {
    if (!s.equals("circle") && !s.equals("team")) {
      throw Problem.invalid("'kind' must be circle or team");
    }
    return s;
  }
}
