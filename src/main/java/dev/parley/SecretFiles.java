package dev.parley;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Random secrets generated once and kept under the data directory. */
final class SecretFiles {

  private SecretFiles() {
  }

  /** Blocking: reads the secret in {@code file}, creating 32 random bytes (hex) on first use. */
  static byte[] readOrCreate(Path file) throws IOException {
    if (!Files.exists(file)) {
      Files.createDirectories(file.getParent());
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      Files.writeString(file, HexFormat.of().formatHex(key) + "\n");
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
    }
    return HexFormat.of().parseHex(Files.readString(file, StandardCharsets.US_ASCII).trim());
  }
}
