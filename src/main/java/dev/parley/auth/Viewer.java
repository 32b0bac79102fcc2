package dev.parley.auth;

import dev.parley.directory.Role;

import java.util.UUID;

/**
 * The signed-in person a request acts for. Every query is scoped by its company. {@code address} is
 * the client address of the request (for the audit log), null when no request is behind it.
 */
public record Viewer(UUID userId, UUID companyId, Role role, String name, String email, UUID sessionId, String address) {

  public Viewer(UUID userId, UUID companyId, Role role, String name, String email, UUID sessionId) {
    this(userId, companyId, role, name, email, sessionId, null);
  }

  /** The same person acting from {@code clientAddress}. */
  public Viewer from(String clientAddress) {
    return new Viewer(userId, companyId, role, name, email, sessionId, clientAddress);
  }

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
