package dev.parley.files;

import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.ClamdServer;
import dev.parley.testing.FileUploads;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Sql;
import dev.parley.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every upload goes through the real clamd before it can be attached; a scanner that cannot answer refuses it. */
class VirusScanTest {

  static ClamdServer clamd;
  static TestNode node;
  static Api api;
  static Fixtures.Person sam;

  @BeforeAll
  static void start() {
    assumeTrue(ClamdServer.binary() != null, "clamd is not installed (apt-get install clamav-daemon)");
    clamd = ClamdServer.start();
    node = TestNode.start(Map.of(ParleyConfig.CLAMAV_HOST, "127.0.0.1", ParleyConfig.CLAMAV_PORT, Integer.toString(clamd.port())));
    api = node.api();
    sam = node.fixtures().company("Acme").staff("Sam Staff");
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (clamd != null) {
      clamd.close();
    }
  }

  static long stored() {
    return Sql.count(node.dbUrl(), "select (select count(*) from attachments) + (select count(*) from file_chunks)");
  }

  @Test
  void theEicarTestFileIsRefusedAsInfectedAuditedAndNothingIsKept() {
    Api.Session staff = sam.login(api);
    long before = stored();
    Api.Response r = FileUploads.upload(staff, "notes.txt", FileUploads.eicar());
    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    assertThat(r.error()).isEqualTo("infected");
    assertThat(stored()).isEqualTo(before);
    assertThat(Sql.count(node.dbUrl(), "select count(*) from audit_log where action = 'files.infected' and actor_id = '"
        + sam.id() + "' and detail->>'signature' like 'Eicar-Test-Signature%'")).isEqualTo(1);
  }

  @Test
  void aCleanFileIsScannedAndKept() {
    Api.Session staff = sam.login(api);
    byte[] pdf = FileUploads.pdf(600_000);
    Api.Response r = FileUploads.upload(staff, "clean.pdf", pdf);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    String id = r.json().getJsonObject("attachment").getString("id");
    assertThat(FileUploads.sha256(FileUploads.download(staff, id).body())).isEqualTo(FileUploads.sha256(pdf));
  }

  @Test
  void companySettingsSayFilesAreScanned() {
    Fixtures.Person admin = sam.company().admin("Ada Admin");
    assertThat(admin.login(api).get("/api/settings/company").json().getBoolean("attachmentsScanned")).isTrue();
  }

  @Test
  void aScannerThatIsDownRefusesTheUploadWith503AndNothingIsStored() {
    try (TestNode blind = TestNode.start(Map.of(ParleyConfig.CLAMAV_HOST, "127.0.0.1",
        ParleyConfig.CLAMAV_PORT, Integer.toString(TestNode.freePort())))) {
      Api.Session staff = blind.fixtures().company("Initech").staff("Ivy Staff").login(blind.api());
      Api.Response r = FileUploads.upload(staff, "clean.pdf", FileUploads.pdf(2000));
      assertThat(r.status()).as(r.toString()).isEqualTo(503);
      assertThat(r.error()).isEqualTo("unavailable");
      assertThat(r.json().getString("message")).contains("virus scanner");
      assertThat(Sql.count(blind.dbUrl(), "select (select count(*) from attachments) + (select count(*) from file_chunks)"))
          .isZero();
    }
  }
}
