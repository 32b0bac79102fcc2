package dev.parley.inbound;

import dev.parley.Problem;
import dev.parley.files.Attachment;
import dev.parley.files.Attachments;
import dev.parley.files.FileNames;
import dev.parley.files.Uploads;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The files of an emailed reply, taken in by the upload's own path (size limit, type detected from
 * the content, virus scan) one after the other, to be claimed by the reply. A file refused for what
 * it is (too large, a type not allowed, malware, one too many) is left out and named in the message's
 * note with the reason; a scanner that cannot answer fails the whole email, which is then tried
 * again later rather than posted without its files.
 */
final class EmailFiles {

  private final Uploads uploads;

  EmailFiles(Uploads uploads) {
    this.uploads = uploads;
  }

  /** What was taken: the stored files' ids and the names left out, each with why. */
  record Taken(List<UUID> ids, List<String> leftOut) {

    /** The note shown with the message: null when nothing was left out. */
    String note() {
      return leftOut.isEmpty() ? null : "Sent by email; not included: " + String.join(", ", leftOut) + ".";
    }
  }

  Future<Taken> bringIn(List<InboundEmail.File> files, Uploads.Uploader who) {
    return next(files, 0, who, new Taken(new ArrayList<>(), new ArrayList<>()));
  }

  private Future<Taken> next(List<InboundEmail.File> files, int i, Uploads.Uploader who, Taken taken) {
    if (i >= files.size()) {
      return Future.succeededFuture(taken);
    }
    InboundEmail.File f = files.get(i);
    String name = FileNames.clean(f.name());
    if (taken.ids().size() >= Attachments.MAX_PER_MESSAGE) {
      taken.leftOut().add(name + " (a message carries at most " + Attachments.MAX_PER_MESSAGE + " files)");
      return next(files, i + 1, who, taken);
    }
    return uploads.upload(who, name, Buffer.buffer(f.bytes())).map(Attachment::id).transform(ar -> {
      if (ar.succeeded()) {
        taken.ids().add(ar.result());
      } else if (ar.cause() instanceof Problem p && p.status() != 503) {
        taken.leftOut().add(name + " (" + why(p) + ")");
      } else {
        letGo(taken);
        return Future.failedFuture(ar.cause());
      }
      return next(files, i + 1, who, taken);
    });
  }

  private String why(Problem p) {
    return switch (p.code()) {
      case "too_large" -> "larger than " + uploads.maxBytes() / (1024 * 1024) + " MB";
      case "unsupported_type" -> "a type of file that cannot be attached";
      case "infected" -> "the virus scanner found malware in it";
      default -> "it could not be taken";
    };
  }

  /** Deletes what was stored for a reply that was not posted (it is taken again when the email is). */
  void letGo(Taken taken) {
    if (!taken.ids().isEmpty()) {
      uploads.forget(List.copyOf(taken.ids()));
    }
  }
}
