package dev.parley.files;

import dev.parley.ParleyConfig;
import dev.parley.Problem;
import dev.parley.testing.FileUploads;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Types are read from the content: office containers by their entries, never by the name alone. */
class FileTypesTest {

  static final FileTypes DEFAULT = new FileTypes(Set.of(ParleyConfig.DEFAULT_ATTACHMENT_TYPES.split(",")));

  static byte[] zip(String... entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (String e : entries) {
        byte[] body = e.equals("mimetype") ? "application/vnd.oasis.opendocument.text".getBytes(StandardCharsets.US_ASCII)
            : ("<x>" + e + "</x>").getBytes(StandardCharsets.UTF_8);
        ZipEntry entry = new ZipEntry(e);
        if (e.equals("mimetype")) {
          // ODF stores its type first and uncompressed, which is what its magic number is
          entry.setMethod(ZipEntry.STORED);
          entry.setSize(body.length);
          CRC32 crc = new CRC32();
          crc.update(body);
          entry.setCrc(crc.getValue());
        }
        z.putNextEntry(entry);
        z.write(body);
        z.closeEntry();
      }
    }
    return out.toByteArray();
  }

  @Test
  void officeOpenXmlIsToldApartByItsEntriesWhateverItsName() throws IOException {
    assertThat(DEFAULT.check(zip("[Content_Types].xml", "_rels/.rels", "word/document.xml"), "report.bin"))
        .isEqualTo("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    assertThat(DEFAULT.check(zip("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"), "report.docx"))
        .isEqualTo("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assertThat(DEFAULT.check(zip("[Content_Types].xml", "ppt/presentation.xml"), "deck.pptx"))
        .isEqualTo("application/vnd.openxmlformats-officedocument.presentationml.presentation");
  }

  @Test
  void anOpenDocumentTextIsRecognisedByItsStoredMimetype() throws IOException {
    assertThat(DEFAULT.check(zip("mimetype", "content.xml"), "letter.odt")).isEqualTo("application/vnd.oasis.opendocument.text");
  }

  @Test
  void aPlainZipNamedLikeAWordDocumentIsRefused() throws IOException {
    assertThatThrownBy(() -> DEFAULT.check(zip("setup.exe", "readme.txt"), "contract.docx"))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(415));
  }

  @Test
  void picturesTextAndCsvAreRecognised() {
    assertThat(DEFAULT.check(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13}, "a")).isEqualTo("image/png");
    assertThat(DEFAULT.check(new byte[] {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0, 'm', 'i', 'f', '1',
        'h', 'e', 'i', 'c'}, "photo.heic")).isIn("image/heic", "image/heif");
    assertThat(DEFAULT.check("name,amount\nAda,12\n".getBytes(StandardCharsets.US_ASCII), "figures.csv")).isEqualTo("text/csv");
    assertThat(DEFAULT.check("Dear Sam,\nthe forms.\n".getBytes(StandardCharsets.US_ASCII), "note.txt")).isEqualTo("text/plain");
  }

  @Test
  void scriptsAndProgramsAreRefusedWhateverTheyAreCalled() {
    for (byte[] bad : new byte[][] {FileUploads.exe(), "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.US_ASCII),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".getBytes(StandardCharsets.US_ASCII)}) {
      assertThatThrownBy(() -> DEFAULT.check(bad, "invoice.pdf"))
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("unsupported_type"));
    }
  }
}
