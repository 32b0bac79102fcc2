package dev.parley.notify;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * The token in a reply address ({@code reply+<token>@<reply domain>}): 64 random bits naming a row
 * that binds company, recipient and thread, followed by 80 bits of HMAC-SHA256 over that binding.
 * Verification looks the row up and compares the MAC in constant time, so a guessed, altered or
 * transplanted token is refused.
 */
public final class ReplyTokens {

  private static final int ID_BYTES = 8;
  private static final int MAC_BYTES = 10;
  private static final HexFormat HEX = HexFormat.of();
  private static final SecureRandom RANDOM = new SecureRandom();

  private static final String ISSUE = """
      insert into reply_tokens (id, company_id, user_id, thread_id) values ($1, $2, $3, $4)
      on conflict (user_id, thread_id) do update set user_id = excluded.user_id
      returning id, company_id""";
  private static final String FIND = "select company_id, user_id, thread_id from reply_tokens where id = $1";

  private final byte[] secret;

  public ReplyTokens(byte[] secret) {
    this.secret = secret.clone();
  }

  /** The token for this recipient and thread (the same one each time). */
  public Future<String> issue(SqlClient client, UUID companyId, UUID userId, UUID threadId) {
    byte[] fresh = new byte[ID_BYTES];
    RANDOM.nextBytes(fresh);
    return client.preparedQuery(ISSUE).execute(Tuple.of(Buffer.buffer(fresh), companyId, userId, threadId)).map(rows -> {
      Row r = rows.iterator().next();
      byte[] id = r.getBuffer("id").getBytes();
      return HEX.formatHex(id) + HEX.formatHex(mac(id, r.getUUID("company_id"), userId, threadId));
    });
  }

  /** What a token is bound to, or empty when it is malformed, unknown or its MAC does not match. */
  public Future<Optional<Binding>> verify(SqlClient client, String token) {
    if (token == null || token.length() != 2 * (ID_BYTES + MAC_BYTES)) {
      return Future.succeededFuture(Optional.empty());
    }
    byte[] raw;
    try {
      raw = HEX.parseHex(token.toLowerCase());
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(Optional.empty());
    }
    byte[] id = java.util.Arrays.copyOfRange(raw, 0, ID_BYTES);
    byte[] given = java.util.Arrays.copyOfRange(raw, ID_BYTES, raw.length);
    return client.preparedQuery(FIND).execute(Tuple.of(Buffer.buffer(id))).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      Binding b = new Binding(r.getUUID("company_id"), r.getUUID("user_id"), r.getUUID("thread_id"));
      byte[] expected = mac(id, b.companyId(), b.userId(), b.threadId());
      return MessageDigest.isEqual(expected, given) ? Optional.of(b) : Optional.empty();
    });
  }

  /** The reply address for a token. */
  public static String address(String token, String replyDomain) {
    return "reply+" + token + "@" + replyDomain;
  }

  /** The token in a reply address of our domain, or null. */
  public static String tokenOf(String address, String replyDomain) {
    if (address == null) {
      return null;
    }
    String a = address.trim().toLowerCase();
    String suffix = "@" + replyDomain.toLowerCase();
    if (!a.startsWith("reply+") || !a.endsWith(suffix)) {
      return null;
    }
    return a.substring("reply+".length(), a.length() - suffix.length());
  }

  private byte[] mac(byte[] id, UUID company, UUID user, UUID thread) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      ByteBuffer b = ByteBuffer.allocate(ID_BYTES + 48);
      b.put(id);
      for (UUID u : new UUID[] {company, user, thread}) {
        b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
      }
      return java.util.Arrays.copyOf(mac.doFinal(b.array()), MAC_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Who may reply with a token, and where the reply goes. */
  public record Binding(UUID companyId, UUID userId, UUID threadId) {
  }
}
