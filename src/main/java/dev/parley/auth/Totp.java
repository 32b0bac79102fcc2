package dev.parley.auth;

import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.exceptions.CodeGenerationException;
import dev.samstevens.totp.exceptions.QrGenerationException;
import dev.samstevens.totp.qr.QrData;
import dev.samstevens.totp.qr.ZxingPngQrGenerator;
import dev.samstevens.totp.recovery.RecoveryCodeGenerator;
import dev.samstevens.totp.secret.DefaultSecretGenerator;
import dev.samstevens.totp.util.Utils;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * TOTP as RFC 6238 has it (SHA-1, 6 digits, 30 s steps, one step either side for clock drift), on the
 * samstevens library; the enrolment QR code is drawn server-side (ZXing) as a {@code data:} PNG.
 */
public final class Totp {

  public static final int PERIOD_SECONDS = 30;
  public static final int RECOVERY_CODES = 10;
  private static final Pattern SIX_DIGITS = Pattern.compile("\\d{6}");

  private final Clock clock;
  private final DefaultCodeGenerator codes = new DefaultCodeGenerator(HashingAlgorithm.SHA1, 6);

  public Totp(Clock clock) {
    this.clock = clock;
  }

  /** A new secret: 32 base32 characters, 160 bits. */
  public static String newSecret() {
    return new DefaultSecretGenerator(32).generate();
  }

  public static String otpauthUri(String secret, String issuer, String account) {
    return qrData(secret, issuer, account).getUri();
  }

  /** The otpauth URI as a QR code, a {@code data:image/png} URI. */
  public static String qrDataUri(String secret, String issuer, String account) {
    ZxingPngQrGenerator png = new ZxingPngQrGenerator();
    png.setImageSize(240);
    try {
      return Utils.getDataUriForImage(png.generate(qrData(secret, issuer, account)), png.getImageMimeType());
    } catch (QrGenerationException e) {
      throw new IllegalStateException("the QR code could not be drawn", e);
    }
  }

  private static QrData qrData(String secret, String issuer, String account) {
    return new QrData.Builder().label(account).secret(secret).issuer(issuer)
        .algorithm(HashingAlgorithm.SHA1).digits(6).period(PERIOD_SECONDS).build();
  }

  /** Ten recovery codes, as shown to the person once. */
  public static List<String> newRecoveryCodes() {
    return List.of(new RecoveryCodeGenerator().generateCodes(RECOVERY_CODES));
  }

  /** A recovery code as typed, reduced to what is compared: letters and digits, lower case. */
  public static String normalizeRecoveryCode(String typed) {
    return typed.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
  }

  public static boolean looksLikeTotpCode(String code) {
    return SIX_DIGITS.matcher(code).matches();
  }

  /**
   * The time step {@code code} is valid for (now, or one step either side) when that step is later
   * than {@code lastUsedStep}, so a code already used is refused; compared in constant time.
   */
  public OptionalLong matchingStep(String secret, String code, long lastUsedStep) {
    if (!looksLikeTotpCode(code)) {
      return OptionalLong.empty();
    }
    long now = Math.floorDiv(clock.millis() / 1000, PERIOD_SECONDS);
    long found = -1;
    for (long step = now - 1; step <= now + 1; step++) {
      boolean same = MessageDigest.isEqual(generate(secret, step).getBytes(StandardCharsets.US_ASCII),
          code.getBytes(StandardCharsets.US_ASCII));
      if (same && step > lastUsedStep && found < 0) {
        found = step;
      }
    }
    return found < 0 ? OptionalLong.empty() : OptionalLong.of(found);
  }

  /** The code of a time step (tests use it to act as an authenticator app). */
  public String generate(String secret, long step) {
    try {
      return codes.generate(secret, step);
    } catch (CodeGenerationException e) {
      throw new IllegalStateException("a TOTP code could not be computed", e);
    }
  }

  public long currentStep() {
    return Math.floorDiv(clock.millis() / 1000, PERIOD_SECONDS);
  }
}
