package dev.parley.files;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/** Bytes already in memory (a part of an email, bounded by the size limit) as a stream, so they take the upload's path. */
final class BufferStream implements ReadStream<Buffer> {

  private static final int PIECE = 64 * 1024;

  private final Context context;
  private final Buffer data;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private int pos;
  private boolean paused = true;
  private boolean ended;

  BufferStream(Vertx vertx, Buffer data) {
    this.context = vertx.getOrCreateContext();
    this.data = data;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    this.handler = handler;
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    paused = true;
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    paused = false;
    context.runOnContext(v -> flow());
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    return resume();
  }

  private void flow() {
    while (!paused && handler != null && pos < data.length()) {
      int n = Math.min(PIECE, data.length() - pos);
      Buffer piece = data.getBuffer(pos, pos + n);
      pos += n;
      handler.handle(piece);
    }
    if (!paused && pos >= data.length() && !ended) {
      ended = true;
      if (endHandler != null) {
        endHandler.handle(null);
      }
    }
  }
}
