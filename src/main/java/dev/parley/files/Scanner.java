package dev.parley.files;

import dev.parley.ParleyConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.UUID;

/** Looks for malware in a stored file before anyone can attach it. */
public interface Scanner {

  /** Whether files are scanned at all (Company Settings says so when they are not). */
  boolean scans();

  /**
   * Completes when the file is clean; fails 422 {@code infected} when it is not, and 503 when the
   * scanner cannot say (down, too slow): a file is never attached unscanned.
   */
  Future<Void> scan(FileStore store, UUID id);

  /** clamd at the configured address, or no scanning when none is set. */
  static Scanner of(Vertx vertx, ParleyConfig.Attachments config) {
    if (config.clamavHost().isEmpty()) {
      return new Scanner() {
        @Override
        public boolean scans() {
          return false;
        }

        @Override
        public Future<Void> scan(FileStore store, UUID id) {
          return Future.succeededFuture();
        }
      };
    }
    return new Clamd(vertx, config.clamavHost().get(), config.clamavPort(), config.clamavTimeout());
  }
}
