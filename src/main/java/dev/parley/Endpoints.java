package dev.parley;

import dev.parley.auth.AuthHandler;
import dev.parley.auth.AuthRoutes;
import dev.parley.auth.RefusalAudit;
import dev.parley.directory.DirectoryRoutes;
import dev.parley.http.HttpVerticle;
import dev.parley.inbound.InboundRoutes;
import dev.parley.messaging.CannedResponses;
import dev.parley.messaging.MailboxRoutes;
import dev.parley.messaging.MessagingRoutes;
import dev.parley.messaging.MessagingService;
import dev.parley.notify.UndeliveredEmailRoutes;
import dev.parley.realtime.LiveRoutes;
import dev.parley.settings.SettingsRoutes;

import java.util.List;

/** The features as the HTTP adapter serves them: which routes a node has, the session check and the refusal audit. */
final class Endpoints {

  private Endpoints() {
  }

  /**
   * A fresh set for one HTTP verticle (each instance owns the live sockets its server accepted), its
   * routes in the order they are mounted within each stage.
   */
  static HttpVerticle.Features of(Platform platform) {
    AuthHandler auth = new AuthHandler(platform.tokens(), platform.sessions(), platform.config().publicUrl());
    return new HttpVerticle.Features(List.of(
        new InboundRoutes(platform),
        new AuthRoutes(platform, auth),
        new DirectoryRoutes(platform),
        new MessagingRoutes(platform, new MessagingService(platform)),
        new MailboxRoutes(platform),
        new CannedResponses(platform),
        new SettingsRoutes(platform),
        new UndeliveredEmailRoutes(platform),
        new LiveRoutes(platform)),
        auth,
        new RefusalAudit(platform.refusals()));
  }
}
