package dev.parley.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal SMTP server that accepts and drops every email, so that Parley's outbox sends its
 * notifications at full speed without a mail store growing in the measured heap. Counts what it got.
 */
final class SmtpSink {

  private final NetServer server;
  final AtomicLong accepted = new AtomicLong();

  private SmtpSink(NetServer server) {
    this.server = server;
  }

  static Future<SmtpSink> start(Vertx vertx) {
    NetServer server = vertx.createNetServer();
    SmtpSink sink = new SmtpSink(server);
    server.connectHandler(sink::session);
    return server.listen(0, "127.0.0.1").map(sink);
  }

  int port() {
    return server.actualPort();
  }

  private void session(NetSocket socket) {
    boolean[] data = {false};
    socket.write("220 sink.bench.test ESMTP\r\n");
    RecordParser lines = RecordParser.newDelimited("\r\n", line -> {
      if (data[0]) {
        if (line.length() == 1 && line.getByte(0) == '.') {
          data[0] = false;
          accepted.incrementAndGet();
          socket.write("250 2.0.0 queued\r\n");
        }
        return;
      }
      String cmd = line.toString().toUpperCase();
      if (cmd.startsWith("EHLO")) {
        socket.write("250-sink.bench.test\r\n250 8BITMIME\r\n");
      } else if (cmd.startsWith("DATA")) {
        data[0] = true;
        socket.write("354 go ahead\r\n");
      } else if (cmd.startsWith("QUIT")) {
        socket.write("221 bye\r\n").onComplete(v -> socket.close());
      } else {
        socket.write("250 ok\r\n");
      }
    });
    lines.maxRecordSize(1 << 20);
    socket.handler(lines);
  }

  Future<Void> close() {
    return server.close();
  }

}
