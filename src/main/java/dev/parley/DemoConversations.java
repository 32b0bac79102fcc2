package dev.parley;

import dev.parley.auth.Viewer;
import dev.parley.directory.User;
import dev.parley.messaging.Attempt;
import dev.parley.messaging.Commands;
import dev.parley.messaging.MessagingService;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A few conversations of the demo company, so that a first sign-in finds an inbox with something read,
 * something unread and a client's reply. Written through {@link MessagingService}, as the API writes,
 * so that their rows, live events, audit rows and unread counts are those of real sends and opens.
 */
final class DemoConversations {

  /**
   * A real send also queues its notification job; the seed's messages are a pretend history, so their
   * jobs are dropped (before the outbox worker is deployed) and the demo mailboxes start empty: the
   * first email a newcomer sees is one for a message they sent themselves.
   */
  private static final String DROP_NOTIFICATIONS = "delete from outbox where company_id = $1";

  private DemoConversations() {
  }

  /** Writes the conversations; {@code people} are the demo company's people by email. */
  static Future<Void> write(Platform platform, Map<String, User> people) {
    Seeder s = new Seeder(new MessagingService(platform), people);
    UUID companyId = people.get("sam.staff@demo.test").companyId();
    return s.start("sam.staff", "Documents for your annual review", """
            <p>Hi Chris,</p><p>Ahead of our annual review on the 14th, could you upload last year's tax return
            and your latest pension statement? A scan or a photo is fine.</p><p>Sam</p>""", "chris.client")
        .compose(review -> s.read("chris.client", review)
            .compose(v -> s.reply("chris.client", review, """
                <p>Hi Sam, thanks for the reminder. I'll upload both by Friday: the pension statement only
                arrived this week.</p>""")))
        .compose(v -> s.start("casey.coordinator", "Welcome to Harbor & Pine", """
            <p>Hi Dana,</p><p>Welcome aboard! I'm Casey, your coordinator. Whenever you have a question about
            your plan, write to me here: I answer within a working day.</p>""", "dana.client"))
        .compose(v -> s.start("taylor.staff", "Your consultation on Tuesday", """
            <p>Hello Pat,</p><p>This confirms your 30-minute consultation on Tuesday at 10:00 with Sam Rivera.
            If that time no longer suits you, reply here and we will find another.</p>""", "pat.prospect"))
        .compose(consultation -> s.read("pat.prospect", consultation))
        .compose(v -> s.start("sam.staff", "Quarter-end checklist", """
            <p>Client statements go out on the 5th. Please flag any account with missing documents by
            Thursday.</p>""", "casey.coordinator", "taylor.staff"))
        .compose(checklist -> s.read("casey.coordinator", checklist)
            .compose(v -> s.reply("casey.coordinator", checklist, """
                <p>Chris's pension statement is still outstanding; I'll follow up if it hasn't arrived by
                Friday.</p>"""))
            .compose(v -> s.read("sam.staff", checklist)))
        .compose(v -> s.start("casey.coordinator", "Your quarterly portfolio summary", """
            <p>Hi Chris,</p><p>Your summary for the quarter is ready: the portfolio returned 2.1%, in line with
            your balanced plan. Nothing needs doing on your side; happy to talk it through if you like.</p>""",
            "chris.client"))
        .compose(v -> platform.pool().preparedQuery(DROP_NOTIFICATIONS).execute(Tuple.of(companyId)))
        .mapEmpty();
  }

  /** Sends and opens as a demo person, named by the part of their address before {@code @demo.test}. */
  private record Seeder(MessagingService messaging, Map<String, User> people) {

    Future<UUID> start(String from, String subject, String html, String... to) {
      List<UUID> recipients = List.of(to).stream().map(this::person).map(User::id).toList();
      return messaging.startThread(as(from), new Commands.NewThread(recipients, List.of(), subject,
              Commands.Content.of(html), false), Commands.Source.WEB, Attempt.DEFAULT)
          .map(MessagingService.Sent::threadId);
    }

    Future<Void> reply(String from, UUID thread, String html) {
      return messaging.reply(as(from), thread, new Commands.Reply(Commands.Content.of(html), false, null, null),
          Commands.Source.WEB, null).mapEmpty();
    }

    Future<Void> read(String who, UUID thread) {
      return messaging.markRead(as(who), thread, null);
    }

    private User person(String name) {
      return people.get(name + "@demo.test");
    }

    private Viewer as(String name) {
      User u = person(name);
      return new Viewer(u.id(), u.companyId(), u.role(), u.name(), u.email(), null);
    }
  }
}
