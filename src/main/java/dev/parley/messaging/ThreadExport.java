package dev.parley.messaging;

import com.openhtmltopdf.outputdevice.helper.ExternalResourceControlPriority;
import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.util.XRLog;
import dev.parley.Platform;
import dev.parley.Problem;
import dev.parley.audit.Audit;
import dev.parley.auth.Viewer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.jsoup.Jsoup;
import org.jsoup.helper.W3CDom;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.logging.Level;

/**
 * A thread as a PDF, as the caller may see it: the company, when and by whom it was exported, the
 * subject, then every message the caller may see, oldest first, each projected by {@link MessageView}
 * (so a contact's export holds exactly what its thread API shows). Laid out off the event loop, and
 * audited. The document loads nothing from outside: bodies are sanitized already, and every external
 * resource (images, style sheets, fonts) is refused.
 */
final class ThreadExport {

  private static final String COMPANY = "select name from companies where id = $1";
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM uuuu, HH:mm:ss zzz (xxx)", Locale.ENGLISH);
  private static final String STYLE = """
      @page { size: A4; margin: 18mm 16mm; }
      body { font-family: 'DejaVu Sans', sans-serif; font-size: 10pt; color: #111; }
      .company { font-size: 9pt; color: #444; }
      .exported { font-size: 9pt; color: #444; margin-bottom: 8mm; }
      h1 { font-size: 15pt; margin: 0 0 6mm 0; }
      .message { border-top: 1px solid #999; padding-top: 3mm; margin-top: 4mm; page-break-inside: auto; }
      .meta { font-size: 9pt; color: #333; margin-bottom: 2mm; }
      .meta div { margin: 0.5mm 0; }
      .body { margin-top: 2mm; }
      .note { font-style: italic; color: #555; }
      """;

  /** An id for a time zone too long to be one (the longest real ones are about 30 characters). */
  private static final int MAX_ZONE = 64;

  private final Platform platform;

  ThreadExport(Platform platform) {
    this.platform = platform;
  }

  /** The zone of a {@code tz} query parameter (UTC when absent); 400 naming {@code tz} when it is none. */
  static ZoneId zone(String tz) {
    if (tz == null || tz.isBlank()) {
      return ZoneId.of("UTC");
    }
    if (tz.length() > MAX_ZONE) {
      throw Problem.invalid("'tz' is not a time zone");
    }
    try {
      return ZoneId.of(tz);
    } catch (DateTimeException e) {
      throw Problem.invalid("'tz' must be a time zone such as Europe/Berlin or UTC");
    }
  }

  /** The PDF of the thread for the viewer, its export recorded in the audit log; 404 when the viewer is not on it. */
  Future<Buffer> pdf(Viewer viewer, UUID threadId, ZoneId zone) {
    Instant now = platform.clock().instant();
    Future<Threads.Seen> seen = Threads.seen(platform.pool(), viewer, threadId);
    Future<String> company = platform.pool().preparedQuery(COMPANY).execute(Tuple.of(viewer.companyId()))
        .map(rows -> rows.iterator().next().getString("name"));
    return Future.all(seen, company).compose(done -> {
      List<JsonObject> messages = new ArrayList<>();
      for (MessageView m : seen.result().messages()) {
        m.as(viewer.userId(), viewer.isStaff()).ifPresent(messages::add);
      }
      // the layout engine's classes and font metrics load on first use (seconds on a cold node): all
      // of it, the document's parse included, runs on a worker
      return platform.vertx().executeBlocking(() -> Layout.pdf(Layout.document(company.result(), viewer, now, zone,
              seen.result().subject(), messages)), false)
          .compose(pdf -> Audit.record(platform.pool(), viewer.companyId(), viewer.userId(), Audit.THREAD_EXPORTED,
              threadId.toString(), new JsonObject().put("messages", messages.size()).put("format", "pdf"), viewer.address())
              .map(v -> Buffer.buffer(pdf)));
    });
  }

  /**
   * The document and its layout: kept apart so that loading this class (on an event loop, when the
   * routes are built) loads none of the layout engine's.
   */
  private static final class Layout {

    static {
      // it logs the timings and progress of every document at INFO, on standard error
      XRLog.listRegisteredLoggers().forEach(name -> XRLog.setLevel(name, Level.WARNING));
    }

    /** The export as a document built as a tree: every name, subject and time goes in as text, never markup. */
    static Document document(String company, Viewer viewer, Instant now, ZoneId zone, String subject, List<JsonObject> messages) {
      Document doc = Document.createShell("");
      doc.title(subject);
      doc.head().appendElement("style").text(STYLE);
      Element body = doc.body();
      body.appendElement("div").addClass("company").text(company);
      body.appendElement("div").addClass("exported").text("Exported " + when(now, zone) + " by " + viewer.name()
          + " <" + viewer.email() + ">");
      body.appendElement("h1").text(subject);
      for (JsonObject m : messages) {
        Element box = body.appendElement("div").addClass("message");
        Element meta = box.appendElement("div").addClass("meta");
        JsonObject sender = m.getJsonObject("sender");
        meta.appendElement("div").text("From: " + sender.getString("name") + " (" + sender.getString("role") + ")");
        List<String> to = new ArrayList<>();
        List<String> read = new ArrayList<>();
        for (Object o : m.getJsonArray("recipients")) {
          JsonObject r = (JsonObject) o;
          to.add(r.getString("name") + " (" + r.getString("kind") + ")");
          if (r.getString("readAt") != null) {
            read.add(r.getString("name") + " " + when(Instant.parse(r.getString("readAt")), zone));
          }
        }
        meta.appendElement("div").text("To: " + String.join(", ", to));
        meta.appendElement("div").text("Date: " + when(Instant.parse(m.getString("createdAt")), zone)
            + ("email".equals(m.getString("source")) ? " (by email)" : ""));
        if (!read.isEmpty()) {
          meta.appendElement("div").text("Read: " + String.join("; ", read));
        }
        Element content = box.appendElement("div").addClass("body");
        // the stored body is sanitized already; parsed leniently here so that any HTML lays out
        content.append(Jsoup.parseBodyFragment(m.getString("bodyHtml")).body().html());
        content.select("img").remove();
        if (m.getString("note") != null) {
          box.appendElement("div").addClass("note").text(m.getString("note"));
        }
      }
      return doc;
    }

    static byte[] pdf(Document html) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new PdfRendererBuilder()
          .useFastMode()
          .useExternalResourceAccessControl((uri, type) -> false, ExternalResourceControlPriority.RUN_BEFORE_RESOLVING_URI)
          .useExternalResourceAccessControl((uri, type) -> false, ExternalResourceControlPriority.RUN_AFTER_RESOLVING_URI)
          .withW3cDocument(new W3CDom().fromJsoup(html), "about:blank")
          .withProducer("Parley")
          // the standard PDF fonts stop at Latin-1: names and text in Polish, Czech, Russian or Greek
          // would print as gaps. DejaVu Sans (embedded, subset to the glyphs used) covers Latin,
          // Greek and Cyrillic; Chinese, Japanese and Korean still need a CJK font.
          .useFont(() -> font("DejaVuSans.ttf"), "DejaVu Sans", 400, BaseRendererBuilder.FontStyle.NORMAL, true)
          .useFont(() -> font("DejaVuSans-Bold.ttf"), "DejaVu Sans", 700, BaseRendererBuilder.FontStyle.NORMAL, true)
          .useFont(() -> font("DejaVuSans-Oblique.ttf"), "DejaVu Sans", 400, BaseRendererBuilder.FontStyle.ITALIC, true)
          .toStream(out)
          .run();
      return out.toByteArray();
    }
  }

  private static java.io.InputStream font(String file) {
    return ThreadExport.class.getResourceAsStream("/fonts/" + file);
  }

  private static String when(Instant at, ZoneId zone) {
    return WHEN.format(at.atZone(zone));
  }
}
