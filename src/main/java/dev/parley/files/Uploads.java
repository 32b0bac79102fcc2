package dev.parley.files;

import dev.parley.ParleyConfig;
import dev.parley.Platform;
import dev.parley.Problem;
import dev.parley.audit.Audit;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;

/**
 * Takes a file in: from the web (the request body, streamed) and from email replies (a part already
 * read, bounded by the limit), by one path. Its row is written first (not ready: nobody can claim or
 * download it), its bytes streamed to the store with the size limit and the type checked on the way,
 * then it is scanned, and only then made ready. A file refused at any step, or lost to a failure,
 * leaves nothing: its bytes and its row are deleted before the refusal is answered.
 */
public final class Uploads {

  private static final Logger LOG = LoggerFactory.getLogger(Uploads.class);
  private static final String INSERT = "insert into attachments (id, company_id, uploader_id, name) values ($1, $2, $3, $4)";
  private static final String READY = "update attachments set ready = true, size = $2, content_type = $3 where id = $1";
  private static final String DELETE = "delete from attachments where id = any($1::uuid[])";

  private final Vertx vertx;
  private final Pool pool;
  private final FileStore store;
  private final Scanner scanner;
  private final FileTypes types;
  private final long maxBytes;

  public Uploads(Vertx vertx, Pool pool, FileStore store, Scanner scanner, ParleyConfig.Attachments config) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = store;
    this.scanner = scanner;
    this.types = new FileTypes(config.types());
    this.maxBytes = config.maxFileBytes();
  }

  /** The node's files: stored in its database, scanned by the configured clamd, checked against its limits. */
  public static Uploads of(Platform platform) {
    return new Uploads(platform.vertx(), platform.pool(), new PgFileStore(platform.pool()),
        Scanner.of(platform.vertx(), platform.config().attachments()), platform.config().attachments());
  }

  /** The largest file accepted. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Who is uploading, for the row and the audit log. */
  public record Uploader(UUID companyId, UUID userId, String address) {
  }

  /** Stores a file arriving as a stream (paused until this reads it). */
  public Future<Attachment> upload(Uploader who, String name, ReadStream<Buffer> body) {
    UUID id = UUID.randomUUID();
    Metered metered = new Metered(body, maxBytes, types, name);
    return pool.preparedQuery(INSERT).execute(Tuple.of(id, who.companyId(), who.userId(), name))
        .compose(v -> store.put(id, metered))
        .compose(size -> scanner.scan(store, id).map(size))
        .compose(size -> pool.preparedQuery(READY).execute(Tuple.of(id, size, metered.type()))
            .map(new Attachment(id, name, size, metered.type())))
        .recover(e -> forget(id).transform(ignored -> {
          if (e instanceof Clamd.Infected infected) {
            return Audit.record(pool, who.companyId(), who.userId(), Audit.FILE_INFECTED, id.toString(),
                    new JsonObject().put("signature", infected.signature()).put("size", metered.size()), who.address())
                .transform(done -> Future.failedFuture(e));
          }
          return Future.failedFuture(e);
        }));
  }

  /** Stores a file already in memory (an email's part) by the same path. */
  public Future<Attachment> upload(Uploader who, String name, Buffer bytes) {
    if (bytes.length() > maxBytes) {
      return Future.failedFuture(Problem.tooLarge("the file is larger than the limit of " + maxBytes / (1024 * 1024) + " MB"));
    }
    return upload(who, name, new BufferStream(vertx, bytes));
  }

  /** Deletes files and their bytes (refused uploads, unclaimed ones). */
  Future<Void> forget(UUID id) {
    return forget(List.of(id));
  }

  public Future<Void> forget(List<UUID> ids) {
    return forget(pool, ids);
  }

  /** As {@link #forget(List)}, the rows deleted with {@code client} (a transaction that holds them locked). */
  Future<Void> forget(io.vertx.sqlclient.SqlClient client, List<UUID> ids) {
    return store.delete(ids)
        .compose(v -> client.preparedQuery(DELETE).execute(Tuple.of((Object) ids.toArray(new UUID[0]))).<Void>mapEmpty())
        .onFailure(e -> LOG.warn("could not delete {} refused or expired file(s): {}", ids.size(), e.getMessage()));
  }

  public FileStore store() {
    return store;
  }

  public Scanner scanner() {
    return scanner;
  }
}
