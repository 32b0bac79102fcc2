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

  /** Verified tokens kept at most; past this, expired ones are dropped, then all. */
  private static final int CACHE_LIMIT = 50_000;

  private final JWTAuth jwt;
  private final Duration lifetime;
  /**
   * Claims of tokens already verified, by the exact token text. An ES256 check costs about a
   * millisecond of CPU and every API request and live connection presents its token, so without this
   * the signature check alone outweighs the rest of a send. A hit still checks the expiry; the
   * session behind the token is still looked up per request, so revocation is unaffected.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Claims> verified = new java.util.concurrent.ConcurrentHashMap<>();

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
    String token = jwt.generateToken(claims, new JWTOptions()
        .setAlgorithm(ALGORITHM)
        .setIssuer(ISSUER)
        .setAudience(List.of(AUDIENCE))
        .setExpiresInSeconds((int) lifetime.toSeconds()));
    // this node signed it: its first use here need not check the signature again
    JsonObject signed = payload(token);
    remember(token, new Claims(userId, companyId, role, sessionId, signed.getLong("iat"), signed.getLong("exp")),
        System.currentTimeMillis() / 1000);
    return token;
  }

  private static JsonObject payload(String token) {
    int first = token.indexOf('.');
    int second = token.indexOf('.', first + 1);
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.substring(first + 1, second)),
        StandardCharsets.UTF_8));
  }

  /**
   * The verified claims, or a failure for anything forged, altered, expired or incomplete: 401
   * {@code invalid_token}, the bearer-token answer for a credential that is presented but bad.
   */
  public Future<Claims> verify(String token) {
    if (token == null || token.length() > 4096) {
      return refused();
    }
    long now = System.currentTimeMillis() / 1000;
    Claims known = verified.get(token);
    if (known != null) {
      if (now < known.expiresAt()) {
        return Future.succeededFuture(known);
      }
      verified.remove(token);
      return refused();
    }
    if (!ALGORITHM.equals(headerAlgorithm(token))) {
      return refused();
    }
    Future<io.vertx.ext.auth.User> checked;
    try {
      checked = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // the library casts claims without checking their type: a signed "exp": "soon" throws here
      checked = Future.failedFuture(e);
    }
    return checked
        .recover(e -> {
          org.slf4j.LoggerFactory.getLogger(Tokens.class).debug("token refused: {}", e.toString());
          return refused();
        })
        .compose(user -> {
          JsonObject p = user.attributes().getJsonObject("accessToken");
          try {
            if (p == null || !wellTyped(p)) {
              return refused();
            }
            Role role = Role.parse(p.getString("role"));
            if (role == null) {
              return refused();
            }
            Claims claims = new Claims(
                UUID.fromString(p.getString("sub")),
                UUID.fromString(p.getString("cid")),
                role,
                UUID.fromString(p.getString("sid")),
                p.getLong("iat"),
                p.getLong("exp"));
            remember(token, claims, now);
            return Future.succeededFuture(claims);
          } catch (RuntimeException e) {
            return refused();
          }
        });
  }

  /** Times are numbers ({@code nbf} optional), the issuer a string, the audience a string or a list of them. */
  private static boolean wellTyped(JsonObject p) {
    Object aud = p.getValue("aud");
    boolean audience = aud instanceof String
        || aud instanceof io.vertx.core.json.JsonArray list && list.stream().allMatch(String.class::isInstance);
    return p.getValue("exp") instanceof Number && p.getValue("iat") instanceof Number
        && (!p.containsKey("nbf") || p.getValue("nbf") instanceof Number)
        && p.getValue("iss") instanceof String && audience;
  }

  private static <T> Future<T> refused() {
    return Future.failedFuture(new dev.parley.Problem(401, "invalid_token", "the token is not valid; sign in again"));
  }

  private void remember(String token, Claims claims, long now) {
    if (verified.size() >= CACHE_LIMIT) {
      verified.values().removeIf(c -> c.expiresAt() <= now);
      if (verified.size() >= CACHE_LIMIT) {
        verified.clear();
      }
    }
    verified.put(token, claims);
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
