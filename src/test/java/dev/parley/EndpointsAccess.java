package dev.parley;

import dev.parley.files.Uploads;

/** What tests of other packages need of the node assembly. */
public final class EndpointsAccess {

  private EndpointsAccess() {
  }

  public static Uploads uploads(Platform platform) {
    return Endpoints.uploads(platform);
  }
}
