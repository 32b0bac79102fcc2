package dev.parley.files;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.Collection;
import java.util.UUID;
import java.util.function.Function;

/**
 * Files in PostgreSQL, as rows of about {@value #CHUNK} bytes ({@code file_chunks}). An upload holds at
 * most a chunk and what arrived while it was being inserted; a download reads one row at a time.
 * Every node of a cluster sees the same files.
 */
public final class PgFileStore implements FileStore {

  /** Bytes per row: big enough that a 25 MB file is a hundred inserts, small enough to hold a few hundred at once. */
  static final int CHUNK = 256 * 1024;

  private static final String INSERT = "insert into file_chunks (file_id, seq, data) values ($1, $2, $3)";
  private static final String CHUNK_AT = "select data from file_chunks where file_id = $1 and seq = $2";
  private static final String DELETE = "delete from file_chunks where file_id = any($1::uuid[])";

  private final Pool pool;

  public PgFileStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Long> put(UUID id, ReadStream<Buffer> in) {
    return new Writer(id, in).start();
  }

  @Override
  public Future<Void> read(UUID id, Function<Buffer, Future<?>> each) {
    return readFrom(id, 0, each);
  }

  private Future<Void> readFrom(UUID id, int seq, Function<Buffer, Future<?>> each) {
    return pool.preparedQuery(CHUNK_AT).execute(Tuple.of(id, seq)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture();
      }
      return each.apply(rows.iterator().next().getBuffer("data")).compose(v -> readFrom(id, seq + 1, each));
    });
  }

  @Override
  public Future<Void> delete(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(DELETE).execute(Tuple.of((Object) ids.toArray(new UUID[0]))).mapEmpty();
  }

  /**
   * One upload: gathers what arrives into a chunk, inserts it, and pauses the source while a full
   * chunk waits for the insert before it. A failure of the source is answered only once the insert
   * under way has ended, so that the caller's delete finds every row.
   */
  private final class Writer {
    private final UUID id;
    private final ReadStream<Buffer> in;
    private final Promise<Long> done = Promise.promise();
    private Buffer pending = Buffer.buffer();
    private int seq;
    private long size;
    private boolean writing;
    private boolean ended;
    private Throwable failed;

    Writer(UUID id, ReadStream<Buffer> in) {
      this.id = id;
      this.in = in;
    }

    Future<Long> start() {
      in.exceptionHandler(e -> {
        if (failed == null) {
          failed = e;
        }
        settle();
      });
      in.endHandler(v -> {
        ended = true;
        settle();
      });
      in.handler(data -> {
        pending.appendBuffer(data);
        size += data.length();
        if (pending.length() >= CHUNK) {
          in.pause();
          settle();
        }
      });
      in.resume();
      return done.future();
    }

    /** Decides the next step whenever something happened and no insert is under way. */
    private void settle() {
      if (writing) {
        return;
      }
      if (failed != null) {
        done.tryFail(failed);
      } else if (pending.length() >= CHUNK || ended && pending.length() > 0) {
        write();
      } else if (ended) {
        done.tryComplete(size);
      } else {
        in.resume();
      }
    }

    private void write() {
      int n = Math.min(CHUNK, pending.length());
      Buffer chunk = pending.getBuffer(0, n);
      pending = pending.getBuffer(n, pending.length());
      writing = true;
      pool.preparedQuery(INSERT).execute(Tuple.of(id, seq++, chunk)).onComplete(ar -> {
        writing = false;
        if (ar.failed() && failed == null) {
          failed = ar.cause();
        }
        settle();
      });
    }
  }
}
