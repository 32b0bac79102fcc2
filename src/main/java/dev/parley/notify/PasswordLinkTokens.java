package dev.parley.notify;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.UUID;

/**
 * The token of a password link, derived from the link's id with a secret of the node's (HMAC-SHA256,
 * 256 bits): the outbox row names only the link, and the worker computes the token when it writes the
 * email, so neither the outbox nor the link's row (which keeps the token's SHA-256) holds a usable link.
 */
public final class PasswordLinkTokens {

  private final byte[] key;

  public PasswordLinkTokens(byte[] key) {
    this.key = key.clone();
  }

  public String token(UUID linkId) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] out = mac.doFinal(("password-link:" + linkId).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
