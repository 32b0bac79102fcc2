package dev.parley.auth;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RestartTest {

  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aNodeRestartedOnTheSameDataKeepsItsSigningKeyAndTheSessionsItIssued() throws Exception {
    Fixtures.Person staff = node.fixtures().company("Acme Wealth").staff("Sam Staff");
    Api.Session before = staff.login(node.api());
    Path key = node.dataDir().resolve("keys").resolve("jwt-es256-private.pem");
    String keyBefore = Files.readString(key);

    node.close();
    node = TestNode.startWith(node.env());

    assertThat(Files.readString(key)).isEqualTo(keyBefore);
    Api.Response me = node.api().send("GET", "/api/me", null, java.util.Map.of("Authorization", "Bearer " + before.token()));
    assertThat(me.status()).as(me.toString()).isEqualTo(200);
    assertThat(me.json().getString("id")).isEqualTo(staff.sid());
    assertThat(staff.login(node.api()).get("/api/me").status()).isEqualTo(200);
  }
}
