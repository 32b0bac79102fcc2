package dev.parley.settings;

import dev.parley.Fields;
import dev.parley.Problem;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.UUID;

/** The admin's changes to the company's settings, each parsed from its JSON and validated when built. */
final class Commands {

  private static final int MAX_IDS = 1000;

  private Commands() {
  }

  /** Convenience Mode, the notification delay and two-factor for staff: null where the body does not name the setting. */
  record CompanyChange(Boolean convenienceMode, Integer notificationDelaySeconds, Boolean requireTotpForStaff) {

    static CompanyChange from(JsonObject json) {
      Fields b = Fields.strict(json, "convenienceMode", "notificationDelaySeconds", "requireTotpForStaff");
      CompanyChange cmd = new CompanyChange(b.optionalBoolean("convenienceMode"),
          b.optionalInt("notificationDelaySeconds", 0, Settings.MAX_NOTIFICATION_DELAY_SECONDS),
          b.optionalBoolean("requireTotpForStaff"));
      if (cmd.convenienceMode == null && cmd.notificationDelaySeconds == null && cmd.requireTotpForStaff == null) {
        throw Problem.invalid("'convenienceMode', 'notificationDelaySeconds' or 'requireTotpForStaff' is required");
      }
      return cmd;
    }

    /** The settings once changed: what the body names, the rest as they {@code were}. */
    Settings.Company over(Settings.Company were) {
      return new Settings.Company(convenienceMode == null ? were.convenienceMode() : convenienceMode,
          notificationDelaySeconds == null ? were.notificationDelaySeconds() : notificationDelaySeconds,
          requireTotpForStaff == null ? were.requireTotpForStaff() : requireTotpForStaff);
    }
  }

  /**
   * The messaging settings: null where the body does not name one. {@code designated} given as null
   * turns designated recipients off; given as an object, its three lists replace the old ones.
   */
  record MessagingChange(Boolean restrictToCoordinator, boolean designatedGiven, Designated designated,
                         List<UUID> notifyOnReadUserIds) {

    static MessagingChange from(JsonObject json) {
      Fields b = Fields.strict(json, "restrictContactsToCoordinator", "designated", "notifyOnReadUserIds");
      Boolean restrict = b.optionalBoolean("restrictContactsToCoordinator");
      Fields designated = b.object("designated", "userIds", "circleIds", "teamIds");
      List<UUID> notify = b.optionalUuids("notifyOnReadUserIds", MAX_IDS);
      return new MessagingChange(restrict, b.has("designated"), designated == null ? null
          : new Designated(ids(designated, "userIds"), ids(designated, "circleIds"), ids(designated, "teamIds")), notify);
    }

    /** The settings once changed: what the body names, the rest as they are ({@code current}). */
    Settings.Messaging over(Settings.Messaging current) {
      Designated d = designated == null ? Designated.NONE : designated;
      return new Settings.Messaging(
          restrictToCoordinator == null ? current.restrictToCoordinator() : restrictToCoordinator,
          designatedGiven ? designated != null : current.designatedEnabled(),
          designatedGiven ? d.userIds() : current.userIds(),
          designatedGiven ? d.circleIds() : current.circleIds(),
          designatedGiven ? d.teamIds() : current.teamIds(),
          notifyOnReadUserIds == null ? current.notifyOnReadUserIds() : notifyOnReadUserIds);
    }
  }

  /** Who may message contacts directly, when designated recipients are on. */
  record Designated(List<UUID> userIds, List<UUID> circleIds, List<UUID> teamIds) {
    static final Designated NONE = new Designated(List.of(), List.of(), List.of());
  }

  private static List<UUID> ids(Fields b, String field) {
    List<UUID> ids = b.optionalUuids(field, MAX_IDS);
    return ids == null ? List.of() : ids;
  }
}
