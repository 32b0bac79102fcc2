package dev.parley.inbound;

import java.util.List;

/**
 * What the pipeline needs of a raw email, read once by {@link MimeReader}.
 *
 * @param messageId   the Message-ID header, trimmed, or null
 * @param rawHash     hex SHA-256 of the raw message
 * @param from        the single From address, lower case, or null when absent, unreadable or ambiguous
 * @param recipients  addresses from Delivered-To, X-Original-To, To and Cc, in that order, lower case
 * @param automatic   why this is automatic mail (auto-reply, bounce, list), or null for a human message
 * @param text        the body as plain text (text/plain preferred, else HTML turned into text), not yet stripped
 * @param textTooLong the body was longer than what is read
 * @param attachments parts that are not the body (files, inline images, forwarded messages)
 * @param files       those parts with their names and decoded bytes (bounded by the raw message's limit)
 */
public record InboundEmail(String messageId, String rawHash, String from, List<String> recipients, String automatic,
                           String text, boolean textTooLong, int attachments, List<File> files) {

  /** A part that is not the body, as the sender's mail program named it. */
  public record File(String name, byte[] bytes) {
  }
}
