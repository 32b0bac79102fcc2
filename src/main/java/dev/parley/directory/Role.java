package dev.parley.directory;

import java.util.Locale;

/** What a person is to the company: staff (admin, staff) or a contact (client, prospect). */
public enum Role {
  ADMIN, STAFF, CLIENT, PROSPECT;

  public boolean isStaff() {
    return this == ADMIN || this == STAFF;
  }

  public boolean isContact() {
    return !isStaff();
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the wire name; null when it is not a role. */
  public static Role parse(String s) {
    if (s == null) {
      return null;
    }
    return switch (s) {
      case "admin" -> ADMIN;
      case "staff" -> STAFF;
      case "client" -> CLIENT;
      case "prospect" -> PROSPECT;
      default -> null;
    };
  }
}
