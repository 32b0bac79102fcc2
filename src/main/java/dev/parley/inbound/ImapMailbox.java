package dev.parley.inbound;

import dev.parley.Platform;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;

/**
 * The replies mailbox over IMAP (Angus Mail). Blocking: every method but {@link #wake()} runs on the
 * poller's one IMAP thread; {@link #wake()} is called from another thread to end an IDLE early.
 */
final class ImapMailbox {

  /** One message fetched: its UID, its raw bytes (null when too large or skipped) and whether it was \Seen. */
  record Fetched(long uid, byte[] raw, boolean seen, int size) {
  }

  private static final int CONNECT_TIMEOUT_MS = 10_000;
  /** Socket read timeout; an IDLE is always woken before it runs out. */
  static final int READ_TIMEOUT_MS = 60_000;

  private final Platform.Mail mail;
  private final String folderName;
  private final Session session;
  private final String protocol;
  private volatile Store store;
  private volatile IMAPFolder folder;

  ImapMailbox(Platform.Mail mail, String folderName) {
    this.mail = mail;
    this.folderName = folderName;
    this.protocol = "tls".equals(mail.imapTls()) ? "imaps" : "imap";
    this.session = Session.getInstance(properties(mail, protocol));
  }

  private static Properties properties(Platform.Mail mail, String protocol) {
    Properties p = new Properties();
    String k = "mail." + protocol + ".";
    p.setProperty(k + "host", mail.imapHost());
    p.setProperty(k + "port", Integer.toString(mail.imapPort()));
    p.setProperty(k + "connectiontimeout", Integer.toString(CONNECT_TIMEOUT_MS));
    p.setProperty(k + "timeout", Integer.toString(READ_TIMEOUT_MS));
    p.setProperty(k + "writetimeout", Integer.toString(CONNECT_TIMEOUT_MS));
    // fetch with BODY.PEEK: a message becomes \Seen only once it has been taken
    p.setProperty(k + "peek", "true");
    p.setProperty(k + "partialfetch", "false");
    switch (mail.imapTls()) {
      case "tls" -> {
        p.setProperty(k + "ssl.enable", "true");
        p.setProperty(k + "ssl.checkserveridentity", "true");
      }
      case "starttls" -> {
        p.setProperty(k + "starttls.enable", "true");
        p.setProperty(k + "starttls.required", "true");
        p.setProperty(k + "ssl.checkserveridentity", "true");
      }
      default -> {
      }
    }
    return p;
  }

  /** The key the mailbox's position and lease are stored under. */
  static String key(Platform.Mail mail, String folderName) {
    return mail.imapUsername() + "@" + mail.imapHost() + ":" + mail.imapPort() + "/" + folderName;
  }

  /** Connects and opens the folder when needed; answers its UIDVALIDITY. */
  long open() throws MessagingException {
    if (store == null || !store.isConnected()) {
      closeQuietly();
      Store s = session.getStore(protocol);
      s.connect(mail.imapHost(), mail.imapPort(), mail.imapUsername(), mail.imapPassword());
      store = s;
    }
    if (folder == null || !folder.isOpen()) {
      IMAPFolder f = (IMAPFolder) store.getFolder(folderName);
      f.open(Folder.READ_WRITE);
      folder = f;
    }
    return folder.getUIDValidity();
  }

  boolean supportsIdle() throws MessagingException {
    return store instanceof IMAPStore s && s.hasCapability("IDLE");
  }

  /** Up to {@code max} messages with a UID above {@code lastUid}, oldest first. */
  List<Fetched> fetchAfter(long lastUid, boolean skipSeen, int max, int maxBytes) throws MessagingException, IOException {
    IMAPFolder f = folder;
    Message[] found = f.getMessagesByUID(lastUid + 1, UIDFolder.LASTUID);
    FetchProfile profile = new FetchProfile();
    profile.add(UIDFolder.FetchProfileItem.UID);
    profile.add(FetchProfile.Item.FLAGS);
    profile.add(FetchProfile.Item.SIZE);
    f.fetch(found, profile);
    List<Message> newer = new ArrayList<>();
    for (Message m : found) {
      if (m != null && !m.isExpunged() && f.getUID(m) > lastUid) {
        newer.add(m);
      }
    }
    newer.sort(Comparator.comparingLong(m -> uid(f, m)));
    List<Fetched> out = new ArrayList<>();
    for (Message m : newer.subList(0, Math.min(max, newer.size()))) {
      long uid = f.getUID(m);
      boolean seen = m.isSet(Flags.Flag.SEEN);
      int size = m.getSize();
      if ((skipSeen && seen) || size > maxBytes) {
        out.add(new Fetched(uid, null, seen, size));
        continue;
      }
      byte[] raw;
      try (InputStream in = ((org.eclipse.angus.mail.imap.IMAPMessage) m).getMimeStream()) {
        raw = in.readNBytes(maxBytes + 1);
      }
      out.add(new Fetched(uid, raw.length > maxBytes ? null : raw, seen, raw.length));
    }
    return out;
  }

  private static long uid(IMAPFolder f, Message m) {
    try {
      return f.getUID(m);
    } catch (MessagingException e) {
      return Long.MAX_VALUE;
    }
  }

  /** True when a message above {@code lastUid} is waiting (checked just before an IDLE). */
  boolean hasAfter(long lastUid) throws MessagingException {
    IMAPFolder f = folder;
    int count = f.getMessageCount();
    return count > 0 && f.getUID(f.getMessage(count)) > lastUid;
  }

  void markSeen(long uid) throws MessagingException {
    IMAPFolder f = folder;
    Message m = f.getMessageByUID(uid);
    if (m != null) {
      f.setFlags(new Message[] {m}, new Flags(Flags.Flag.SEEN), true);
    }
  }

  /** Waits until the server announces a change, or until {@link #wake()} is called. */
  void idle() throws MessagingException {
    folder.idle(true);
  }

  /** From another thread: ends a running IDLE (any command on the folder does). */
  void wake() {
    IMAPFolder f = folder;
    if (f != null && f.isOpen()) {
      try {
        f.getMessageCount();
      } catch (Exception e) {
        // the connection is going away anyway
      }
    }
  }

  void closeQuietly() {
    IMAPFolder f = folder;
    Store s = store;
    folder = null;
    store = null;
    try {
      if (f != null && f.isOpen()) {
        f.close(false);
      }
    } catch (Exception e) {
      // closing a broken connection
    }
    try {
      if (s != null) {
        s.close();
      }
    } catch (Exception e) {
      // closing a broken connection
    }
  }

  @Override
  public String toString() {
    // the login is an address: written apart from the server's, never as a second '@' in one URL
    return folderName + " of " + mail.imapUsername() + " at " + protocol + "://" + mail.imapHost() + ":" + mail.imapPort()
        + " (tls " + mail.imapTls() + ")";
  }
}
