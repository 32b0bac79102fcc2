package dev.parley.files;

import dev.parley.Problem;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypes;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The type of a file, detected from its first bytes with Apache Tika's magic numbers and never taken
 * from the client, checked against the allow-list. Two families need more than magic: an Office Open
 * XML file is a zip whose entries tell a document from a sheet or a slide deck (read from the same
 * first bytes, where Office writes them), and an old binary Office file is one OLE2 container for all
 * three, told apart by its name's extension only among those three (the content is an OLE2 document
 * whichever). A text file named {@code .csv} is CSV.
 */
public final class FileTypes {

  /** How much of the start of a file detection reads. */
  public static final int HEAD = 64 * 1024;

  private static final MimeTypes TIKA = MimeTypes.getDefaultMimeTypes();
  private static final String OOXML = "application/x-tika-ooxml";
  private static final String OLE2 = "application/x-tika-msoffice";
  private static final String ZIP = "application/zip";

  private final Set<String> allowed;

  public FileTypes(Set<String> allowed) {
    this.allowed = allowed;
  }

  /** The allowed type of a file that starts with {@code head}, or 415 {@code unsupported_type} naming what it is. */
  public String check(byte[] head, String name) {
    String type = detect(head, name);
    if (!allowed.contains(type)) {
      throw new Problem(415, "unsupported_type", "files of type " + type + " cannot be attached"
          + " (the type is read from the file's content, not its name)");
    }
    return type;
  }

  /** What the content is, as precisely as the allow-list needs. */
  static String detect(byte[] head, String name) {
    String magic;
    try (InputStream in = new ByteArrayInputStream(head)) {
      magic = TIKA.detect(in, new Metadata()).getBaseType().toString();
    } catch (IOException e) {
      return MediaType.OCTET_STREAM.toString();
    }
    String ext = extension(name);
    if (magic.equals(OOXML) || magic.equals(ZIP)) {
      return officeOpenXml(head).orElse(magic);
    }
    if (magic.equals(OLE2)) {
      return switch (ext) {
        case "doc" -> "application/msword";
        case "xls" -> "application/vnd.ms-excel";
        case "ppt" -> "application/vnd.ms-powerpoint";
        default -> magic;
      };
    }
    if (magic.equals("text/plain") && ext.equals("csv")) {
      return "text/csv";
    }
    return magic;
  }

  /** The Office Open XML type told by the zip's entries, when it has a content-types part and one of the three main parts. */
  private static java.util.Optional<String> officeOpenXml(byte[] head) {
    boolean contentTypes = false;
    String found = null;
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(head))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null && (found == null || !contentTypes)) {
        String n = e.getName();
        contentTypes |= n.equals("[Content_Types].xml");
        if (found == null) {
          found = n.startsWith("word/") ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
              : n.startsWith("xl/") ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              : n.startsWith("ppt/") ? "application/vnd.openxmlformats-officedocument.presentationml.presentation"
              : null;
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // the head ends inside an entry, or the zip is damaged: what was read so far decides
    }
    return contentTypes ? java.util.Optional.ofNullable(found) : java.util.Optional.empty();
  }

  private static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
