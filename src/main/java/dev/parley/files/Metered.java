package dev.parley.files;

import dev.parley.Problem;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * An upload on its way to the store: counts its bytes and fails it (413) the moment it passes the
 * limit, keeps its first {@link FileTypes#HEAD} bytes, and has its type checked as soon as those have
 * arrived (or at its end, for a smaller file), failing it (415) before the rest is stored.
 */
final class Metered implements ReadStream<Buffer> {

  private final ReadStream<Buffer> source;
  private final long max;
  private final FileTypes types;
  private final String name;
  private final Buffer head = Buffer.buffer();
  private Handler<Throwable> exceptionHandler;
  private long size;
  private String type;
  private boolean failed;

  Metered(ReadStream<Buffer> source, long max, FileTypes types, String name) {
    this.source = source;
    this.max = max;
    this.types = types;
    this.name = name;
  }

  /** The detected type, once the stream has ended. */
  String type() {
    return type;
  }

  long size() {
    return size;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    source.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    if (handler == null) {
      source.handler(null);
      return this;
    }
    source.handler(data -> {
      if (failed) {
        return;
      }
      size += data.length();
      if (size > max) {
        fail(Problem.tooLarge("the file is larger than the limit of " + (max / (1024 * 1024)) + " MB"));
        return;
      }
      if (head.length() < FileTypes.HEAD) {
        head.appendBuffer(data, 0, Math.min(data.length(), FileTypes.HEAD - head.length()));
        if (head.length() == FileTypes.HEAD && !detect()) {
          return;
        }
      }
      handler.handle(data);
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> handler) {
    source.endHandler(handler == null ? null : v -> {
      if (!failed && size == 0) {
        fail(Problem.badRequest("empty_file", "the file is empty"));
      } else if (!failed && (type != null || detect())) {
        handler.handle(v);
      }
    });
    return this;
  }

  private boolean detect() {
    try {
      type = types.check(head.getBytes(), name);
      return true;
    } catch (Problem p) {
      fail(p);
      return false;
    }
  }

  private void fail(Throwable e) {
    failed = true;
    if (exceptionHandler != null) {
      exceptionHandler.handle(e);
    }
  }

  @Override
  public ReadStream<Buffer> pause() {
    source.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    source.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    source.fetch(amount);
    return this;
  }
}
