package dev.parley.auth;

import dev.parley.directory.Role;

import java.util.UUID;

/** The signed-in person a request acts for. Every query is scoped by its company. */
public record Viewer(UUID userId, UUID companyId, Role role, String name, String email, UUID sessionId) {

  public boolean isStaff() {
    return role.isStaff();
  }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }

  public boolean isContact() {
    return role.isContact();
  }
}
