package dev.parley.auth;

import dev.parley.directory.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Signs and verifies the session tokens (ES256). The key pair is generated once and kept under the
 * data directory; nodes of a cluster must share it. Verification refuses what the library alone
 * would let through: any algorithm but ES256, a token without {@code exp}, a wrong issuer or audience.
 */
public final class Tokens {

  public static final String ISSUER = "parley";
  public static final String AUDIENCE = "parley-api";
  private static final String ALGORITHM = "ES256";

  private final JWTAuth jwt;
  private final Duration lifetime;

  private Tokens(JWTAuth jwt, Duration lifetime) {
    this.jwt = jwt;
    this.lifetime = lifetime;
  }

  /** Blocking: reads the key pair from {@code dir}, generating it on first use. */
  public static Tokens load(Vertx vertx, Path dir, Duration lifetime) throws IOException {
    Path priv = dir.resolve("jwt-es256-private.pem");
    Path pub = dir.resolve("jwt-es256-public.pem");
    if (!Files.exists(priv) || !Files.exists(pub)) {
      generate(dir, priv, pub);
    }
    String privatePem = Files.readString(priv);
    String publicPem = Files.readString(pub);
    if (!privatePem.contains("PRIVATE KEY") || !publicPem.contains("PUBLIC KEY")) {
      throw new IllegalStateException("the signing key files under " + dir + " are not PEM keys");
    }
    JWTAuthOptions options = new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(privatePem))
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(publicPem))
        .setJWTOptions(new JWTOptions()
            .setAlgorithm(ALGORITHM)
            .setIssuer(ISSUER)
            .setAudience(List.of(AUDIENCE))
            .setLeeway(5));
    return new Tokens(JWTAuth.create(vertx, options), lifetime);
  }

  private static void generate(Path dir, Path priv, Path pub) throws IOException {
    try {
      Files.createDirectories(dir);
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = gen.generateKeyPair();
      Files.writeString(priv, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
      Files.writeString(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
      try {
        Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate the signing key", e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  public Duration lifetime() {
    return lifetime;
  }

  /** A token for this session, valid for the configured lifetime. */
  public String issue(UUID userId, UUID companyId, Role role, UUID sessionId) {
    JsonObject claims = new JsonObject()
        .put("sub", userId.toString())
        .put("cid", companyId.toString())
        .put("role", role.wire())
        .put("sid", sessionId.toString());
    return jwt.generateToken(claims, new JWTOptions()
        .setAlgorithm(ALGORITHM)
        .setIssuer(ISSUER)
        .setAudience(List.of(AUDIENCE))
        .setExpiresInSeconds((int) lifetime.toSeconds()));
  }

  /** The verified claims, or a failure for anything forged, altered, expired or incomplete. */
  public Future<Claims> verify(String token) {
    if (token == null || token.length() > 4096 || !ALGORITHM.equals(headerAlgorithm(token))) {
      return Future.failedFuture(dev.parley.Problem.unauthorized());
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> {
          org.slf4j.LoggerFactory.getLogger(Tokens.class).debug("token refused: {}", e.getMessage());
          return Future.failedFuture(dev.parley.Problem.unauthorized());
        })
        .compose(user -> {
          JsonObject p = user.attributes().getJsonObject("accessToken");
          try {
            if (p == null || !(p.getValue("exp") instanceof Number) || !(p.getValue("iat") instanceof Number)) {
              return Future.failedFuture(dev.parley.Problem.unauthorized());
            }
            Role role = Role.parse(p.getString("role"));
            if (role == null) {
              return Future.failedFuture(dev.parley.Problem.unauthorized());
            }
            return Future.succeededFuture(new Claims(
                UUID.fromString(p.getString("sub")),
                UUID.fromString(p.getString("cid")),
                role,
                UUID.fromString(p.getString("sid")),
                p.getLong("iat"),
                p.getLong("exp")));
          } catch (RuntimeException e) {
            return Future.failedFuture(dev.parley.Problem.unauthorized());
          }
        });
  }

  private static String headerAlgorithm(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    try {
      String header = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
      return new JsonObject(header).getString("alg");
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** What a valid token says. */
  public record Claims(UUID userId, UUID companyId, Role role, UUID sessionId, long issuedAt, long expiresAt) {
  }
}
