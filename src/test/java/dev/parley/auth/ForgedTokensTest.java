package dev.parley.auth;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens built by hand, as an attacker would: each flaw on its own must answer 401. The first test
 * signs a well-formed token with the node's own key and sees it accepted, so every refusal below is
 * about the one flaw it names and not about a mistake in how the token was built.
 */
class ForgedTokensTest {

  static TestNode node;
  static Api api;
  static Fixtures.Person staff;
  static Api.Session session;
  static JsonObject realClaims;
  static PrivateKey nodeKey;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start();
    api = node.api();
    Fixtures.Company acme = node.fixtures().company("Acme Wealth");
    staff = acme.staff("Sam Staff");
    session = staff.login(api);
    realClaims = new JsonObject(new String(decode(session.token().split("\\.")[1]), StandardCharsets.UTF_8));
    nodeKey = readPrivateKey(node.dataDir().resolve("keys").resolve("jwt-es256-private.pem"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aWellFormedTokenSignedWithTheNodesKeyIsAccepted() throws Exception {
    String token = signEs256(header("ES256"), freshClaims(), nodeKey);
    assertThat(me(token).status()).isEqualTo(200);
  }

  @Test
  void algNoneIsRefused() {
    String token = encode(header("none")) + "." + encode(freshClaims()) + ".";
    assertRefused(token);
    assertRefused(encode(header("None")) + "." + encode(freshClaims()) + ".");
  }

  @Test
  void anUnsignedTokenIsRefused() {
    String unsigned = encode(header("ES256")) + "." + encode(freshClaims());
    assertRefused(unsigned);
    assertRefused(unsigned + ".");
  }

  @Test
  void aTokenSignedWithAnotherKeyIsRefused() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    PrivateKey other = gen.generateKeyPair().getPrivate();
    assertRefused(signEs256(header("ES256"), freshClaims(), other));
  }

  @Test
  void aTokenHmacSignedWithThePublicKeyIsRefused() throws Exception {
    byte[] publicPem = Files.readAllBytes(node.dataDir().resolve("keys").resolve("jwt-es256-public.pem"));
    String input = encode(header("HS256")) + "." + encode(freshClaims());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(publicPem, "HmacSHA256"));
    assertRefused(input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII))));
  }

  @Test
  void aTamperedPayloadIsRefused() {
    String[] parts = session.token().split("\\.");
    String promoted = parts[0] + "." + encode(realClaims.copy().put("role", "admin")) + "." + parts[2];
    assertThat(session.get("/api/admin/users").status()).isEqualTo(404);
    assertRefused(promoted);
    assertThat(new Api.Session(api, promoted, staff.sid()).get("/api/admin/users").status()).isEqualTo(401);

    String longer = parts[0] + "." + encode(realClaims.copy().put("exp", realClaims.getLong("exp") + 86_400)) + "." + parts[2];
    assertRefused(longer);
  }

  @Test
  void anExpiredTokenIsRefused() throws Exception {
    long now = Instant.now().getEpochSecond();
    JsonObject expired = freshClaims().put("iat", now - 3600).put("exp", now - 1800);
    assertRefused(signEs256(header("ES256"), expired, nodeKey));
  }

  @Test
  void aTokenWithoutExpiryIsRefused() throws Exception {
    JsonObject forever = freshClaims();
    forever.remove("exp");
    assertRefused(signEs256(header("ES256"), forever, nodeKey));
  }

  @Test
  void aTokenForAnotherIssuerOrAudienceIsRefused() throws Exception {
    assertRefused(signEs256(header("ES256"), freshClaims().put("iss", "someone-else"), nodeKey));
    assertRefused(signEs256(header("ES256"), freshClaims().put("aud", "another-api"), nodeKey));
  }

  @Test
  void aSignedTokenWhoseTimesOrAudienceHaveTheWrongTypeIsAnInvalidTokenNotAServerError() throws Exception {
    long now = Instant.now().getEpochSecond();
    List<JsonObject> claims = List.of(
        freshClaims().put("exp", Long.toString(now + 600)),
        freshClaims().put("exp", new JsonObject().put("at", now + 600)),
        freshClaims().put("exp", new JsonArray().add(now + 600)),
        freshClaims().put("iat", Long.toString(now)),
        freshClaims().put("iat", new JsonObject()),
        freshClaims().put("nbf", Long.toString(now)),
        freshClaims().put("nbf", new JsonObject()),
        freshClaims().put("aud", new JsonObject().put("name", Tokens.AUDIENCE)),
        freshClaims().put("aud", 42),
        freshClaims().put("iss", new JsonObject()));
    for (JsonObject c : claims) {
      Api.Response r = me(signEs256(header("ES256"), c, nodeKey));
      assertThat(r.status()).as("claims %s answered %s", c, r).isEqualTo(401);
      assertThat(r.error()).as("claims %s", c).isEqualTo("invalid_token");
    }
  }

  @Test
  void aSignedTokenForASessionThatDoesNotExistIsRefused() throws Exception {
    JsonObject claims = freshClaims().put("sid", java.util.UUID.randomUUID().toString());
    Api.Response r = me(signEs256(header("ES256"), claims, nodeKey));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.error()).isEqualTo("unauthorized");
  }

  @Test
  void aForgedTokenInTheSessionCookieIsRefusedToo() {
    String token = encode(header("none")) + "." + encode(freshClaims()) + ".";
    Api.Response r = api.send("GET", "/api/me", null, Map.of("Cookie", AuthHandler.COOKIE + "=" + token));
    assertThat(r.status()).isEqualTo(401);
  }

  private static void assertRefused(String token) {
    Api.Response r = me(token);
    assertThat(r.status()).as("token %s answered %s", token, r).isEqualTo(401);
    assertThat(r.error()).isEqualTo("invalid_token");
  }

  private static Api.Response me(String token) {
    return api.send("GET", "/api/me", null, Map.of("Authorization", "Bearer " + token));
  }

  /** The claims of the real session, valid from now for ten minutes. */
  private static JsonObject freshClaims() {
    long now = Instant.now().getEpochSecond();
    return realClaims.copy().put("iat", now).put("exp", now + 600);
  }

  private static JsonObject header(String alg) {
    return new JsonObject().put("typ", "JWT").put("alg", alg);
  }

  private static String signEs256(JsonObject header, JsonObject claims, PrivateKey key) throws Exception {
    String input = encode(header) + "." + encode(claims);
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(key);
    signer.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
  }

  private static String encode(JsonObject json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] decode(String part) {
    return Base64.getUrlDecoder().decode(part);
  }

  private static PrivateKey readPrivateKey(Path pem) throws Exception {
    String body = Files.readString(pem)
        .replace("-----BEGIN PRIVATE KEY-----", "")
        .replace("-----END PRIVATE KEY-----", "")
        .replaceAll("\\s", "");
    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
  }
}
