package dev.parley.inbound;

import dev.parley.Platform;
import dev.parley.Problem;
import dev.parley.audit.Audit;
import dev.parley.auth.Viewer;
import dev.parley.directory.Role;
import dev.parley.files.Uploads;
import dev.parley.messaging.Commands;
import dev.parley.messaging.MessagingService;
import dev.parley.notify.Outbox;
import dev.parley.notify.ReplyTokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.InternetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The one pipeline for emailed replies, whether they come from the IMAP mailbox or the webhook:
 * read the MIME, drop automatic mail, find and verify the reply token, check the sender, the company's
 * Convenience Mode and the thread, take the new text above the quoted history, and post it as a reply
 * of that user through {@link MessagingService} — once per email. A human reply that fails a check is
 * answered once (rate-limited per address) by a "not delivered, please sign in" email.
 */
public final class Ingest {

  private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);

  /** Longest reply text taken, after the quoted history is removed. */
  public static final int MAX_TEXT_CHARS = 16_000;
  private static final int MAX_TOKENS = 5;
  /** Longest quoted history kept with a message; older history beyond it is of no use in the thread. */
  private static final int MAX_QUOTED_CHARS = 100_000;

  /** How the email arrived. */
  public enum Channel {
    IMAP, WEBHOOK;

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Platform platform;
  private final MessagingService messaging;
  private final ReplyTokens tokens;
  private final String replyDomain;
  private final String ownAddress;
  private final EmailFiles files;
  private final InboundMetrics metrics;

  public Ingest(Platform platform) {
    this.platform = platform;
    this.metrics = new InboundMetrics(platform.metrics());
    this.messaging = new MessagingService(platform);
    this.tokens = new ReplyTokens(platform.secrets().replyToken());
    this.replyDomain = platform.config().replyDomain().toLowerCase(Locale.ROOT);
    this.ownAddress = address(platform.config().mailFrom());
    this.files = new EmailFiles(Uploads.of(platform));
  }

  /** Takes one raw email. The future fails only on a passing fault (database unreachable): try again later. */
  public Future<Outcome> accept(byte[] raw, Channel channel) {
    if (raw.length > MimeReader.MAX_RAW_BYTES) {
      return Future.succeededFuture(Outcome.rejected("too_large"));
    }
    return platform.vertx().executeBlocking(() -> MimeReader.read(raw), false)
        .compose(mail -> decide(mail, channel), e -> {
          if (e instanceof Malformed) {
            LOG.info("inbound email ({}) rejected: {}", channel.wire(), e.getMessage());
            return Future.succeededFuture(Outcome.rejected("malformed"));
          }
          return Future.failedFuture(e);
        })
        .onSuccess(o -> {
          metrics.count(o);
          LOG.debug("inbound email ({}): {} {}", channel.wire(), o.kind().wire(), o.reason() == null ? "" : o.reason());
        });
  }

  private Future<Outcome> decide(InboundEmail mail, Channel channel) {
    if (mail.automatic() != null) {
      return Future.succeededFuture(Outcome.dropped(mail.automatic()));
    }
    if (mail.from() == null) {
      return Future.succeededFuture(Outcome.dropped("no_sender"));
    }
    if (mail.from().endsWith("@" + replyDomain) || mail.from().equals(ownAddress)) {
      return Future.succeededFuture(Outcome.dropped("own_address"));
    }
    List<String> candidates = new ArrayList<>();
    for (String r : mail.recipients()) {
      String t = ReplyTokens.tokenOf(r, replyDomain);
      if (t != null && !candidates.contains(t) && candidates.size() < MAX_TOKENS) {
        candidates.add(t);
      }
    }
    if (candidates.isEmpty()) {
      return Future.succeededFuture(Outcome.dropped("no_reply_address"));
    }
    if (!platform.limits().inboundPerAddress().tryAcquire(mail.from())) {
      LOG.warn("inbound email from {} dropped: too many from this address", mail.from());
      return Future.succeededFuture(Outcome.dropped("rate_limited"));
    }
    return firstBinding(candidates, 0).compose(binding -> binding.isEmpty()
        ? refuseUnbound(mail, channel)
        : check(mail, channel, binding.get()));
  }

  private Future<Optional<ReplyTokens.Binding>> firstBinding(List<String> candidates, int i) {
    if (i >= candidates.size()) {
      return Future.succeededFuture(Optional.empty());
    }
    return tokens.verify(platform.pool(), candidates.get(i))
        .compose(b -> b.isPresent() ? Future.succeededFuture(b) : firstBinding(candidates, i + 1));
  }

  /** A token that is unknown or altered: told only when the sender is one of our users. */
  private Future<Outcome> refuseUnbound(InboundEmail mail, Channel channel) {
    return InboundStore.userByEmail(platform.pool(), mail.from()).compose(known -> known.isEmpty()
        ? Future.succeededFuture(Outcome.dropped("bad_token"))
        : refuse(mail, channel, "bad_token", known.get().companyId(), known.get().userId(), null, null));
  }

  private Future<Outcome> check(InboundEmail mail, Channel channel, ReplyTokens.Binding b) {
    return InboundStore.recipient(platform.pool(), b.userId(), b.companyId(), b.threadId()).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Outcome.dropped("unknown_recipient"));
      }
      InboundStore.Recipient r = found.get();
      if (!r.email().equalsIgnoreCase(mail.from())) {
        return InboundStore.userByEmailIn(platform.pool(), mail.from(), b.companyId()).compose(sender ->
            refuse(mail, channel, "wrong_sender", b.companyId(), sender, b.userId(), b.threadId()));
      }
      if (!r.active()) {
        return Future.succeededFuture(Outcome.dropped("inactive_user"));
      }
      if (!r.convenienceMode()) {
        return refuse(mail, channel, "convenience_mode_off", b.companyId(), b.userId(), b.userId(), b.threadId());
      }
      if (!r.onThread()) {
        return refuse(mail, channel, "left_thread", b.companyId(), b.userId(), b.userId(), b.threadId());
      }
      Quotes.Reply reply = Quotes.split(mail.text());
      String text = reply.text();
      if (mail.textTooLong() || text.length() > MAX_TEXT_CHARS) {
        return refuse(mail, channel, "too_long", b.companyId(), b.userId(), b.userId(), b.threadId());
      }
      Commands.Content content;
      try {
        content = Commands.Content.of(Paragraphs.html(text));
      } catch (Problem p) {
        String reason = p.status() == 413 ? "too_long" : "empty";
        return refuse(mail, channel, reason, b.companyId(), b.userId(), b.userId(), b.threadId());
      }
      return post(mail, channel, b, r, content, quotedHtml(reply.quoted()));
    });
  }

  /** The part of the email left out of the message, as escaped paragraphs (at most {@value #MAX_QUOTED_CHARS} characters), or null. */
  static String quotedHtml(String quoted) {
    if (quoted.isBlank()) {
      return null;
    }
    return Paragraphs.html(quoted.length() > MAX_QUOTED_CHARS ? quoted.substring(0, MAX_QUOTED_CHARS) + " \u2026" : quoted);
  }

  private Future<Outcome> post(InboundEmail mail, Channel channel, ReplyTokens.Binding b, InboundStore.Recipient r,
                               Commands.Content content, String quotedHtml) {
    String key = key(mail);
    return platform.pool().withTransaction(tx ->
            InboundStore.claim(tx, b.companyId(), key, mail.rawHash(), channel.wire(), b.userId(), b.threadId()))
        .compose(claim -> switch (claim.state()) {
          case DONE -> Future.succeededFuture(Outcome.duplicate());
          case BUSY -> Future.succeededFuture(Outcome.busy());
          case TAKEN_OVER -> InboundStore.postedSince(platform.pool(), b.threadId(), b.userId(), claim.since(), content.text())
              .compose(existing -> existing != null
                  ? InboundStore.finish(platform.pool(), b.companyId(), key, existing).map(Outcome.duplicate())
                  : postNow(mail, channel, b, r, content, quotedHtml, key));
          case FRESH -> postNow(mail, channel, b, r, content, quotedHtml, key);
        });
  }

  private Future<Outcome> postNow(InboundEmail mail, Channel channel, ReplyTokens.Binding b, InboundStore.Recipient r,
                                  Commands.Content content, String quotedHtml, String key) {
    Viewer as = new Viewer(b.userId(), b.companyId(), Role.parse(r.role()), r.name(), r.email(), null);
    Future<EmailFiles.Taken> taken = files.bringIn(mail.files(), new Uploads.Uploader(b.companyId(), b.userId(), null));
    Future<MessagingService.Sent> sent = taken.compose(t -> {
      try {
        return messaging.reply(as, b.threadId(), new Commands.Reply(content, false, null, null, t.ids()), Commands.Source.EMAIL,
            t.note(), quotedHtml);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }).onFailure(e -> {
      if (taken.succeeded()) {
        files.letGo(taken.result());
      }
    });
    return sent.compose(
        s -> InboundStore.finish(platform.pool(), b.companyId(), key, s.messageId())
            .onFailure(e -> LOG.warn("reply {} posted but not yet marked as taken: {}", s.messageId(), e.getMessage()))
            .transform(ignored -> {
              Audit.log(platform.pool(), b.companyId(), b.userId(), Audit.INBOUND_ACCEPTED, s.messageId().toString(),
                  new JsonObject().put("channel", channel.wire()).put("threadId", b.threadId().toString())
                      .put("attachmentsLeftOut", taken.result().leftOut().size()), null);
              return Future.succeededFuture(Outcome.posted(s.messageId()));
            }),
        e -> InboundStore.release(platform.pool(), b.companyId(), key).transform(released -> {
          if (e instanceof Problem p && p.status() == 404) {
            return refuse(mail, channel, "left_thread", b.companyId(), b.userId(), b.userId(), b.threadId());
          }
          if (e instanceof Problem p && p.status() == 409) {
            return Future.succeededFuture(Outcome.dropped("no_recipients"));
          }
          return Future.failedFuture(e);
        }));
  }

  /**
   * Records the refusal (once per email) and, unless this address was told recently, writes the
   * "reply not delivered" email to the outbox in the same transaction.
   */
  private Future<Outcome> refuse(InboundEmail mail, Channel channel, String reason, UUID companyId, UUID tellUserId,
                                 UUID boundUserId, UUID threadId) {
    String key = key(mail);
    return platform.pool().withTransaction(tx ->
            InboundStore.recordRefusal(tx, companyId, key, mail.rawHash(), channel.wire(), boundUserId, threadId, reason)
                .compose(fresh -> {
                  if (!fresh) {
                    return Future.succeededFuture(Told.ALREADY);
                  }
                  return InboundStore.mayTell(tx, mail.from()).compose(tell -> {
                    Future<Void> email = tell
                        ? new Outbox().add(companyId, Outbox.REPLY_REFUSED, tellUserId,
                            new JsonObject().put("reason", reason).put("address", mail.from())).write(tx)
                        : Future.succeededFuture();
                    return email
                        .compose(v -> Audit.record(tx, companyId, tellUserId, Audit.INBOUND_REFUSED,
                            threadId == null ? null : threadId.toString(),
                            new JsonObject().put("reason", reason).put("channel", channel.wire()).put("told", tell), null))
                        .map(tell ? Told.NOW : Told.QUIET);
                  });
                }))
        .map(told -> {
          if (told == Told.ALREADY) {
            return Outcome.duplicate();
          }
          if (told == Told.NOW) {
            Outbox.ring(platform.vertx());
          }
          LOG.info("inbound email from {} refused ({}){}", mail.from(), reason, told == Told.NOW ? ", sender told" : "");
          return Outcome.refused(reason);
        });
  }

  private enum Told { NOW, QUIET, ALREADY }

  /** The key an email is taken once by: its Message-ID, or the hash of the raw message when it has none. */
  static String key(InboundEmail mail) {
    return mail.messageId() != null ? mail.messageId() : "sha256:" + mail.rawHash();
  }

  private static String address(String mailbox) {
    try {
      return new InternetAddress(mailbox, false).getAddress().toLowerCase(Locale.ROOT);
    } catch (Exception e) {
      return mailbox.toLowerCase(Locale.ROOT);
    }
  }
}
