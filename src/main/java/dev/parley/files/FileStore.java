package dev.parley.files;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.util.Collection;
import java.util.UUID;
import java.util.function.Function;

/**
 * Where the bytes of files live. Streamed both ways: no implementation holds a whole file. The
 * default keeps them in PostgreSQL ({@link PgFileStore}); an object store can take its place without
 * messaging noticing.
 */
public interface FileStore {

  /** Stores {@code in} under {@code id} as it comes, reading on only as fast as it is stored; answers the bytes stored. */
  Future<Long> put(UUID id, ReadStream<Buffer> in);

  /**
   * Hands the bytes of {@code id} to {@code each} in order, a piece at a time; the next piece is read
   * only once {@code each}'s future for the last one has completed (backpressure). Fails when it does.
   */
  Future<Void> read(UUID id, Function<Buffer, Future<?>> each);

  /** Forgets these files' bytes (those already gone are ignored). */
  Future<Void> delete(Collection<UUID> ids);
}
