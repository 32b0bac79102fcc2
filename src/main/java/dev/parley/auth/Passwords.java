package dev.parley.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * Password hashing with bcrypt (Bouncy Castle), always on a worker pool of its own so that an event
 * loop never spends the hundreds of milliseconds a hash costs.
 */
public final class Passwords {

  /** bcrypt reads at most 72 bytes of a password. */
  public static final int MAX_BYTES = 72;
  public static final int MIN_LENGTH = 10;

  private final WorkerExecutor workers;
  private final int cost;
  private final SecureRandom random = new SecureRandom();
  /** Compared against when the account does not exist, so that timing does not tell. */
  private final String decoy;

  public Passwords(Vertx vertx, int cost) {
    this.workers = vertx.createSharedWorkerExecutor("parley-passwords", 4);
    this.cost = cost;
    this.decoy = hashBlocking("decoy-password-not-used");
  }

  /** Why a new password is not acceptable, or null. */
  public static String weakness(String password) {
    if (password == null || password.length() < MIN_LENGTH) {
      return "password must have at least " + MIN_LENGTH + " characters";
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return "password must have at most " + MAX_BYTES + " bytes";
    }
    return null;
  }

  public Future<String> hash(String password) {
    return workers.executeBlocking(() -> hashBlocking(password), false);
  }

  /** True when the password matches; with a null hash it still spends the time of a check. */
  public Future<Boolean> verify(String hash, String password) {
    return workers.executeBlocking(() -> {
      String h = hash == null ? decoy : hash;
      boolean ok;
      try {
        ok = OpenBSDBCrypt.checkPassword(h, password.toCharArray());
      } catch (RuntimeException e) {
        ok = false;
      }
      return ok && hash != null;
    }, false);
  }

  private String hashBlocking(String password) {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    return OpenBSDBCrypt.generate("2b", password.toCharArray(), salt, cost);
  }
}
