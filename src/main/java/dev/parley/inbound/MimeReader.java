package dev.parley.inbound;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a raw RFC 822 message with Jakarta Mail (Angus), within limits that bound time and memory:
 * the header block, the nesting depth, the number of parts and the bytes of body text read.
 * Blocking and CPU-bound: call it on a worker thread.
 */
public final class MimeReader {

  /** Largest raw message taken, over IMAP or the webhook. */
  public static final int MAX_RAW_BYTES = 10 * 1024 * 1024;
  static final int MAX_HEADER_BYTES = 256 * 1024;
  static final int MAX_DEPTH = 8;
  static final int MAX_PARTS = 200;
  static final int MAX_TEXT_BYTES = 512 * 1024;
  private static final int MAX_ADDRESSES = 50;
  private static final int MAX_MESSAGE_ID = 500;

  private static final Pattern PRECEDENCE = Pattern.compile("(?i)\\s*(bulk|junk|list)\\b.*");
  private static final Set<String> DAEMONS = Set.of("mailer-daemon", "postmaster");
  private static final Session SESSION = Session.getInstance(lenient());

  private MimeReader() {
  }

  private static Properties lenient() {
    Properties p = new Properties();
    p.setProperty("mail.mime.address.strict", "false");
    p.setProperty("mail.mime.base64.ignoreerrors", "true");
    p.setProperty("mail.mime.decodetext.strict", "false");
    p.setProperty("mail.mime.ignoreunknownencoding", "true");
    p.setProperty("mail.mime.parameters.strict", "false");
    p.setProperty("mail.mime.multipart.allowempty", "true");
    p.setProperty("mail.mime.multipart.ignoremissingendboundary", "true");
    p.setProperty("mail.mime.multipart.ignoremissingboundaryparameter", "true");
    p.setProperty("mail.mime.uudecode.ignoreerrors", "true");
    return p;
  }

  /** Reads the message, or says why it cannot be read. Never throws anything else. */
  public static InboundEmail read(byte[] raw) throws Malformed {
    if (raw == null || raw.length == 0) {
      throw new Malformed("empty message");
    }
    if (raw.length > MAX_RAW_BYTES) {
      throw new Malformed("message larger than " + MAX_RAW_BYTES + " bytes");
    }
    if (headerLength(raw) > MAX_HEADER_BYTES) {
      throw new Malformed("header block larger than " + MAX_HEADER_BYTES + " bytes");
    }
    if (boundaryLines(raw) > 2 * MAX_PARTS) {
      throw new Malformed("more than " + MAX_PARTS + " parts");
    }
    try {
      MimeMessage m = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
      Body body = new Body();
      String automatic = automatic(m);
      if (automatic == null) {
        walk(m, 0, body);
      }
      String text = body.plain != null ? body.plain : body.html != null ? HtmlText.of(body.html) : null;
      return new InboundEmail(messageId(m), sha256(raw), from(m), recipients(m), automatic, text, body.truncated,
          body.attachments, List.copyOf(body.files));
    } catch (MessagingException | IOException | RuntimeException e) {
      throw new Malformed("unreadable MIME: " + e.getClass().getSimpleName());
    } catch (StackOverflowError e) {
      throw new Malformed("nested too deeply");
    }
  }

  /** Bytes before the blank line that ends the header block (the whole message when there is none). */
  static int headerLength(byte[] raw) {
    int limit = Math.min(raw.length, MAX_HEADER_BYTES + 4);
    for (int i = 0; i < limit; i++) {
      if (raw[i] == '\n') {
        if (i + 1 < raw.length && raw[i + 1] == '\n') {
          return i;
        }
        if (i + 2 < raw.length && raw[i + 1] == '\r' && raw[i + 2] == '\n') {
          return i;
        }
      }
    }
    return raw.length;
  }

  /**
   * Lines that may be part boundaries ("--" then something other than dashes). Counted before parsing
   * because Jakarta Mail parses all the parts of a multipart at once, at a cost per part.
   */
  static int boundaryLines(byte[] raw) {
    int count = 0;
    for (int i = 0; i + 2 < raw.length; i++) {
      if ((i == 0 || raw[i - 1] == '\n') && raw[i] == '-' && raw[i + 1] == '-') {
        int j = i + 2;
        while (j < raw.length && raw[j] == '-') {
          j++;
        }
        if (j < raw.length && raw[j] != '\r' && raw[j] != '\n') {
          count++;
        }
      }
    }
    return count;
  }

  private static String header(Part p, String name) throws MessagingException {
    String[] values = p.getHeader(name);
    return values == null || values.length == 0 ? null : values[0];
  }

  /** Why this message is automatic (RFC 3834 and the usual vendor headers), or null. */
  private static String automatic(MimeMessage m) throws MessagingException {
    String autoSubmitted = header(m, "Auto-Submitted");
    if (autoSubmitted != null) {
      String v = autoSubmitted.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (!v.equals("no")) {
        return "auto_submitted";
      }
    }
    if (header(m, "X-Autoreply") != null || header(m, "X-Autorespond") != null) {
      return "auto_reply";
    }
    String precedence = header(m, "Precedence");
    if (precedence != null && PRECEDENCE.matcher(precedence).matches()) {
      return "precedence";
    }
    String[] returnPaths = m.getHeader("Return-Path");
    if (returnPaths != null) {
      for (String rp : returnPaths) {
        if (rp.replaceAll("\\s", "").equals("<>")) {
          return "null_return_path";
        }
      }
    }
    if (baseType(m).equals("multipart/report")) {
      return "report";
    }
    String from = from(m);
    if (from != null && DAEMONS.contains(from.substring(0, from.indexOf('@')))) {
      return "mailer_daemon";
    }
    return null;
  }

  private static String messageId(MimeMessage m) throws MessagingException {
    String id = header(m, "Message-ID");
    if (id == null) {
      return null;
    }
    id = id.trim();
    return id.isEmpty() || id.length() > MAX_MESSAGE_ID ? null : id;
  }

  private static String from(MimeMessage m) throws MessagingException {
    String value = m.getHeader("From", ",");
    if (value == null) {
      return null;
    }
    List<String> all = addresses(value);
    return all.size() == 1 ? all.get(0) : null;
  }

  private static List<String> recipients(MimeMessage m) throws MessagingException {
    Set<String> out = new LinkedHashSet<>();
    for (String name : List.of("Delivered-To", "X-Original-To", "To", "Cc")) {
      String[] values = m.getHeader(name);
      if (values == null) {
        continue;
      }
      for (String v : values) {
        for (String a : addresses(v)) {
          if (out.size() < MAX_ADDRESSES) {
            out.add(a);
          }
        }
      }
    }
    return new ArrayList<>(out);
  }

  private static List<String> addresses(String header) {
    List<String> out = new ArrayList<>();
    try {
      for (Address a : InternetAddress.parseHeader(header, false)) {
        if (a instanceof InternetAddress ia && ia.getAddress() != null) {
          String email = ia.getAddress().trim().toLowerCase(Locale.ROOT);
          int at = email.lastIndexOf('@');
          if (at > 0 && at < email.length() - 1) {
            out.add(email);
          }
        }
        if (out.size() >= MAX_ADDRESSES) {
          break;
        }
      }
    } catch (Exception e) {
      return List.of();
    }
    return out;
  }

  /** What the walk found: the first inline plain and HTML bodies, and how many other parts there were. */
  private static final class Body {
    String plain;
    String html;
    boolean truncated;
    int attachments;
    final List<InboundEmail.File> files = new ArrayList<>();
    int parts;
  }

  private static void walk(Part p, int depth, Body body) throws MessagingException, IOException {
    if (depth > MAX_DEPTH) {
      throw new MessagingException("nested deeper than " + MAX_DEPTH);
    }
    if (++body.parts > MAX_PARTS) {
      throw new MessagingException("more than " + MAX_PARTS + " parts");
    }
    String type = baseType(p);
    if (type.startsWith("multipart/")) {
      Object content = p.getContent();
      if (content instanceof Multipart mp) {
        int n = mp.getCount();
        for (int i = 0; i < n; i++) {
          walk(mp.getBodyPart(i), depth + 1, body);
        }
      }
      return;
    }
    if (isAttachment(p) || !(type.equals("text/plain") || type.equals("text/html"))) {
      body.attachments++;
      body.files.add(file(p, body.attachments));
      return;
    }
    if (type.equals("text/plain") && body.plain == null) {
      body.plain = text(p, body);
      if (isFlowed(p)) {
        body.plain = Flowed.unwrap(body.plain);
      }
    } else if (type.equals("text/html") && body.html == null) {
      body.html = text(p, body);
    }
  }

  /** A part as a file: its name (RFC 2047 decoded; "attachment-N" when it has none) and its decoded bytes. */
  private static InboundEmail.File file(Part p, int n) throws MessagingException, IOException {
    String name = null;
    try {
      name = p.getFileName();
      name = name == null ? null : MimeUtility.decodeText(name);
    } catch (Exception e) {
      // a name that cannot be decoded is shown as it came, or not at all
    }
    try (InputStream in = p.getInputStream()) {
      return new InboundEmail.File(name == null || name.isBlank() ? "attachment-" + n : name, in.readAllBytes());
    }
  }

  private static boolean isAttachment(Part p) {
    try {
      String d = p.getDisposition();
      return Part.ATTACHMENT.equalsIgnoreCase(d) || p.getFileName() != null;
    } catch (Exception e) {
      return false;
    }
  }

  static String baseType(Part p) {
    try {
      String ct = p.getContentType();
      return ct == null ? "text/plain" : new ContentType(ct).getBaseType().toLowerCase(Locale.ROOT);
    } catch (Exception e) {
      return "application/octet-stream";
    }
  }

  private static boolean isFlowed(Part p) {
    try {
      return "flowed".equalsIgnoreCase(new ContentType(p.getContentType()).getParameter("format"));
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * The decoded text of a part, at most {@link #MAX_TEXT_BYTES}. Unknown charsets read as UTF-8; bytes that
   * do not decode in the declared charset but do as UTF-8 (a common mislabelling) are read as UTF-8;
   * otherwise bad bytes are replaced.
   */
  private static String text(Part p, Body body) throws MessagingException, IOException {
    byte[] bytes;
    try (InputStream in = p.getInputStream()) {
      bytes = in.readNBytes(MAX_TEXT_BYTES + 1);
    }
    if (bytes.length > MAX_TEXT_BYTES) {
      body.truncated = true;
      bytes = java.util.Arrays.copyOf(bytes, MAX_TEXT_BYTES);
    }
    return decode(bytes, charset(p));
  }

  static String decode(byte[] bytes, Charset declared) {
    String strict = strictly(bytes, declared);
    if (strict != null) {
      return strict;
    }
    String utf8 = declared.equals(StandardCharsets.UTF_8) ? null : strictly(bytes, StandardCharsets.UTF_8);
    if (utf8 != null) {
      return utf8;
    }
    return declared.decode(ByteBuffer.wrap(bytes)).toString();
  }

  /** The text when every byte decodes in this charset, else null. */
  private static String strictly(byte[] bytes, Charset charset) {
    try {
      return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static Charset charset(Part p) {
    try {
      String cs = new ContentType(p.getContentType()).getParameter("charset");
      if (cs != null) {
        return Charset.forName(MimeUtility.javaCharset(cs.trim()));
      }
    } catch (Exception e) {
      // an unknown or malformed charset is read as UTF-8
    }
    return StandardCharsets.UTF_8;
  }

  static String sha256(byte[] raw) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
