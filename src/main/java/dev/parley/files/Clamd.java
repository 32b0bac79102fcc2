package dev.parley.files;

import dev.parley.Problem;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * ClamAV's daemon over TCP, with its INSTREAM command: {@code zINSTREAM\0}, then the file as chunks
 * each led by its length (4 bytes, big-endian), then a zero length; clamd answers
 * {@code stream: OK} or {@code stream: <signature> FOUND}. Anything else, a refused connection or no
 * answer within the timeout fails the scan as unavailable. clamd's {@code StreamMaxLength} must be at
 * least the per-file limit, or it answers every large file with an error (and uploads answer 503).
 */
final class Clamd implements Scanner {

  private static final Logger LOG = LoggerFactory.getLogger(Clamd.class);
  private static final Buffer COMMAND = Buffer.buffer("zINSTREAM\0", "US-ASCII");

  private final Vertx vertx;
  private final NetClient client;
  private final String host;
  private final int port;
  private final Duration timeout;

  Clamd(Vertx vertx, String host, int port, Duration timeout) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.timeout = timeout;
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) timeout.toMillis()));
  }

  @Override
  public boolean scans() {
    return true;
  }

  @Override
  public Future<Void> scan(FileStore store, UUID id) {
    Promise<String> verdict = Promise.promise();
    long timer = vertx.setTimer(timeout.toMillis(), t -> verdict.tryFail(new IllegalStateException("no verdict in time")));
    client.connect(port, host).onComplete(connected -> {
      if (connected.failed()) {
        verdict.tryFail(connected.cause());
        return;
      }
      NetSocket socket = connected.result();
      Buffer answer = Buffer.buffer();
      socket.handler(data -> {
        answer.appendBuffer(data);
        if (answer.length() > 0 && answer.getByte(answer.length() - 1) == 0) {
          verdict.tryComplete(answer.getString(0, answer.length() - 1, StandardCharsets.US_ASCII.name()).trim());
        }
      });
      socket.closeHandler(v -> verdict.tryFail(new IllegalStateException("clamd closed the connection: "
          + answer.toString(StandardCharsets.US_ASCII).trim())));
      socket.exceptionHandler(verdict::tryFail);
      socket.write(COMMAND)
          .compose(v -> store.read(id, chunk -> socket.write(Buffer.buffer(4 + chunk.length()).appendInt(chunk.length())
              .appendBuffer(chunk))))
          .compose(v -> socket.write(Buffer.buffer(4).appendInt(0)))
          .onFailure(verdict::tryFail);
      verdict.future().onComplete(done -> socket.close());
    });
    return verdict.future().transform(ar -> {
      vertx.cancelTimer(timer);
      if (ar.failed()) {
        LOG.warn("virus scan of {} failed: {}", id, ar.cause().getMessage());
        return Future.failedFuture(Problem.unavailable("the virus scanner is not available; try again shortly"));
      }
      String line = ar.result();
      if (line.endsWith(" OK")) {
        return Future.succeededFuture();
      }
      if (line.endsWith(" FOUND")) {
        return Future.failedFuture(new Infected(line.substring(line.indexOf(':') + 1, line.length() - " FOUND".length()).trim()));
      }
      LOG.warn("virus scan of {} answered: {}", id, line);
      return Future.failedFuture(Problem.unavailable("the virus scanner could not scan this file; try again shortly"));
    });
  }

  /** A file clamd found malware in; the signature goes to the audit log, not to the client. */
  static final class Infected extends Problem {
    private final String signature;

    Infected(String signature) {
      super(422, "infected", "the virus scanner found malware in this file; it was not kept");
      this.signature = signature;
    }

    String signature() {
      return signature;
    }
  }
}
