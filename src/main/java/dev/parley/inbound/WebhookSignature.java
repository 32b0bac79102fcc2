package dev.parley.inbound;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The signature of an inbound webhook request: hex HMAC-SHA256, keyed by the inbound secret, of
 * {@code "<timestamp>.<raw body>"}, where the timestamp is the {@code X-Parley-Timestamp} header in
 * unix seconds.
 */
public final class WebhookSignature {

  public static final String TIMESTAMP_HEADER = "X-Parley-Timestamp";
  public static final String SIGNATURE_HEADER = "X-Parley-Signature";
  /** Largest difference accepted between the timestamp and our clock. */
  public static final long MAX_SKEW_SECONDS = 300;

  private final byte[] secret;

  public WebhookSignature(byte[] secret) {
    this.secret = secret.clone();
  }

  /** The hex signature of a body sent at this timestamp. */
  public String sign(String timestamp, byte[] body) {
    return HexFormat.of().formatHex(mac(timestamp, body));
  }

  /** True when {@code signature} is this body's, compared in constant time. */
  public boolean matches(String timestamp, byte[] body, String signature) {
    if (signature == null || signature.length() != 64) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(signature.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(mac(timestamp, body), given);
  }

  private byte[] mac(String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
