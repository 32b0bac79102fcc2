package dev.parley.bench;

import dev.parley.testing.Api;
import dev.parley.testing.FileUploads;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Upload and download throughput of one 25 MB file, and the heap of the JVM that runs the node while
 * 20 such uploads run at once (500 MB in flight: with a heap smaller than that, only streaming gets
 * through). The node runs in this JVM on the embedded PostgreSQL; the clients generate and discard
 * bytes as they go, so what the heap holds is the node's. Not a test: run it by hand, once, with a
 * small heap, as docs/BENCHMARKS.md says.
 */
public final class FileTransfers {

  static final int MB = 1024 * 1024;
  static final long SIZE = 25L * MB;
  static final int PARALLEL = 20;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private FileTransfers() {
  }

  public static void main(String[] args) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    try (TestNode node = TestNode.start(Map.of("PARLEY_ATTACHMENT_MAX_MB", "25", "PARLEY_REQUEST_TIMEOUT_SECONDS", "60"))) {
      Fixtures.Person sam = node.fixtures().company("Bench").staff("Sam Staff");
      Api.Session s = sam.login(node.api());
      // warm up the path once
      upload(s, 2L * MB);

      System.gc();
      long idle = memory.getHeapMemoryUsage().getUsed();
      long t0 = System.nanoTime();
      String id = upload(s, SIZE);
      double up = seconds(t0);
      t0 = System.nanoTime();
      long got = download(s, id);
      double down = seconds(t0);
      if (got != SIZE) {
        throw new IllegalStateException("downloaded " + got + " bytes of " + SIZE);
      }

      AtomicLong peak = new AtomicLong();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max),
          0, 50, TimeUnit.MILLISECONDS);
      t0 = System.nanoTime();
      List<CompletableFuture<String>> all = new ArrayList<>();
      for (int i = 0; i < PARALLEL; i++) {
        all.add(CompletableFuture.supplyAsync(() -> upload(s, SIZE)));
      }
      CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(15, TimeUnit.MINUTES);
      double together = seconds(t0);
      sampler.shutdownNow();

      Runtime rt = Runtime.getRuntime();
      System.out.printf("heap limit (-Xmx)            %6d MB%n", rt.maxMemory() / MB);
      System.out.printf("heap used, idle after GC     %6d MB%n", idle / MB);
      System.out.printf("upload 25 MB, alone          %6.2f s  %6.1f MB/s%n", up, SIZE / (double) MB / up);
      System.out.printf("download 25 MB, alone        %6.2f s  %6.1f MB/s%n", down, SIZE / (double) MB / down);
      System.out.printf("%d uploads of 25 MB at once  %6.2f s  %6.1f MB/s in all%n", PARALLEL, together,
          PARALLEL * SIZE / (double) MB / together);
      System.out.printf("heap used, peak during them  %6d MB (sampled every 50 ms, garbage included)%n", peak.get() / MB);
    }
    System.exit(0);
  }

  static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Uploads {@code size} bytes of a PDF generated as they are sent; answers the file's id. */
  static String upload(Api.Session s, long size) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(s.api().base() + "/api/attachments"))
        .timeout(Duration.ofMinutes(10))
        .header("Authorization", "Bearer " + s.token())
        .header("X-Parley-Filename", "bench.pdf")
        .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new Generated(size)), size))
        .build();
    try {
      HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 201) {
        throw new IllegalStateException("upload answered " + r.statusCode() + " " + r.body());
      }
      return new io.vertx.core.json.JsonObject(r.body()).getJsonObject("attachment").getString("id");
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Downloads a file, counting and dropping its bytes. */
  static long download(Api.Session s, String id) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(s.api().base() + "/api/attachments/" + id))
        .timeout(Duration.ofMinutes(10)).header("Authorization", "Bearer " + s.token()).GET().build();
    HttpResponse<InputStream> r = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
    long n = 0;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = r.body()) {
      for (int k; (k = in.read(buf)) > 0; ) {
        n += k;
      }
    }
    return n;
  }

  /** A PDF's first line, then bytes that do not repeat soon, made as they are read. */
  static final class Generated extends InputStream {
    private static final byte[] HEAD = FileUploads.pdf(64);
    private final long size;
    private long pos;
    private long x = 0x9E3779B97F4A7C15L;

    Generated(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - pos);
      for (int i = 0; i < n; i++) {
        long p = pos + i;
        if (p < HEAD.length) {
          b[off + i] = HEAD[(int) p];
        } else {
          x ^= x << 13;
          x ^= x >>> 7;
          x ^= x << 17;
          b[off + i] = (byte) x;
        }
      }
      pos += n;
      return n;
    }
  }
}
