package dev.parley;

import dev.parley.audit.Refusals;
import dev.parley.auth.Passwords;
import dev.parley.auth.RateLimiter;
import dev.parley.auth.Sessions;
import dev.parley.auth.Tokens;
import dev.parley.events.GroupCommit;
import dev.parley.realtime.LiveHub;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.time.Clock;

/**
 * The shared services every verticle of a node is built on (one of each per node). {@code writes} runs
 * the node's messaging transactions together (see {@link GroupCommit}); {@code refusals} counts the
 * refusals anyone can repeat into a few audit rows (see {@link Refusals}); {@code live} receives each
 * write's change once for the node's live sockets (see {@link LiveHub}); {@code metrics} hands out the
 * node's meters, which keep nothing when metrics are off (see {@link Metrics}).
 */
public record Platform(
    ParleyConfig config,
    Vertx vertx,
    Pool pool,
    Tokens tokens,
    Sessions sessions,
    Passwords passwords,
    Limits limits,
    Clock clock,
    Secrets secrets,
    Mail mail,
    GroupCommit writes,
    Refusals refusals,
    LiveHub live,
    Metrics metrics) {

  /** Where mail goes out and where replies come in (the embedded server's ports when none is configured). */
  public record Mail(String smtpHost, int smtpPort, String smtpUsername, String smtpPassword, String smtpTls,
                     String imapHost, int imapPort, String imapUsername, String imapPassword, String imapTls,
                     dev.parley.embedded.EmbeddedMailServer embedded) {
  }

  /** Per-node rate limits. */
  public record Limits(RateLimiter loginPerAccount, RateLimiter loginPerAddress, RateLimiter sendPerUser,
                       RateLimiter inboundPerAddress, Account account) {
  }

  /**
   * Limits of the account screens and sign-in's second step: password-link requests per client address,
   * per address typed and per account; wrong second-factor codes (and current passwords) per account.
   */
  public record Account(RateLimiter linksPerAddress, RateLimiter linksPerEmail, RateLimiter linksPerAccount,
                        RateLimiter codesPerAccount) {
  }

  /** Secrets generated once under the data directory (or configured). */
  public record Secrets(byte[] inboundWebhook, byte[] replyToken, byte[] passwordLink) {
  }
}
