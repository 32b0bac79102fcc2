package dev.parley.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Drives one target (Parley, or the raw fan-out baseline, which speaks the same API subset): signs
 * people in, opens their live sockets, creates the threads, and runs open-loop steps. Every message
 * carries {@code bench <step>-<seq>} in its body so that a receiver finds its scheduled send time.
 */
final class Driver {

  static final String PASSWORD = "bench-password-1";
  private static final String MARK = "bench ";

  /** A simulated person. */
  static final class User {
    final int index;
    final String email;
    final boolean sender;
    volatile String id;
    volatile String token;
    volatile LiveSocket socket;

    User(int index, String email, boolean sender) {
      this.index = index;
      this.email = email;
      this.sender = sender;
    }
  }

  /** A thread of the workload: its sender and recipients, fixed for the run. */
  static final class BenchThread {
    final User sender;
    final User[] recipients;
    volatile String id;

    BenchThread(User sender, User[] recipients) {
      this.sender = sender;
      this.recipients = recipients;
    }

    boolean reads(User u, int seq, int readsPerMessage) {
      for (int k = 0; k < readsPerMessage && k < recipients.length; k++) {
        if (recipients[(seq + k) % recipients.length] == u) {
          return true;
        }
      }
      return false;
    }
  }

  private record PendingRead(Step step, User sender, long sentAt) {
  }

  private final Vertx vertx;
  private final BenchOptions o;
  private final HttpApi api;
  private final WebSocketClient wsClient;
  final List<User> senders = new ArrayList<>();
  final List<User> receivers = new ArrayList<>();
  final List<BenchThread> small = new ArrayList<>();
  final List<BenchThread> large = new ArrayList<>();
  private final Map<Integer, Step> steps = new ConcurrentHashMap<>();
  private final Map<String, PendingRead> pendingReads = new ConcurrentHashMap<>();
  private final AtomicInteger stepIds = new AtomicInteger();
  final AtomicLong errorFrames = new AtomicLong();
  final AtomicLong socketFailures = new AtomicLong();
  private final String filler;
  private final io.vertx.core.Context[] contexts;
  private final AtomicInteger nextContext = new AtomicInteger();
  private long pinger = -1;

  Driver(Vertx vertx, BenchOptions o, String baseUrl, String emailPrefix) {
    this.vertx = vertx;
    this.o = o;
    this.api = new HttpApi(vertx, baseUrl, o.httpConnections);
    this.wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(200_000)
        .setConnectTimeout(30_000).setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22));
    for (int i = 0; i < o.senders; i++) {
      senders.add(new User(i, emailPrefix + "sender" + i + "@bench.test", true));
    }
    for (int i = 0; i < o.receivers; i++) {
      receivers.add(new User(i, emailPrefix + "receiver" + i + "@bench.test", false));
    }
    Random random = new Random(42);
    for (int i = 0; i < o.smallThreads; i++) {
      small.add(new BenchThread(senders.get(i % senders.size()), pick(random, o.smallThreadSize)));
    }
    for (int i = 0; i < o.largeThreads; i++) {
      large.add(new BenchThread(senders.get(i % senders.size()), pick(random, o.largeThreadSize)));
    }
    StringBuilder f = new StringBuilder();
    String words = "Your statement for the last quarter is ready; please review the attached summary and let us know. ";
    while (f.length() < Math.max(0, o.bodyBytes - 32)) {
      f.append(words);
    }
    f.setLength(Math.max(0, o.bodyBytes - 32));
    this.filler = f.toString();
    // sockets are spread over the event loops, as a browser population would be over a server's
    this.contexts = new io.vertx.core.Context[Math.max(2, Runtime.getRuntime().availableProcessors())];
    for (int i = 0; i < contexts.length; i++) {
      contexts[i] = vertx.getOrCreateContext();
    }
  }

  private Future<LiveSocket> openOnSomeLoop(User u, io.vertx.core.Handler<String> frames) {
    Promise<LiveSocket> p = Promise.promise();
    contexts[Math.floorMod(nextContext.getAndIncrement(), contexts.length)].runOnContext(v ->
        LiveSocket.open(wsClient, api.host(), api.port(), u.token, u.id, frames, e -> socketFailures.incrementAndGet())
            .onComplete(p));
    return p.future();
  }

  private User[] pick(Random random, int n) {
    List<User> all = new ArrayList<>(receivers);
    Collections.shuffle(all, random);
    return all.subList(0, n).toArray(new User[0]);
  }

  HttpApi api() {
    return api;
  }

  List<User> everyone() {
    List<User> all = new ArrayList<>(senders);
    all.addAll(receivers);
    return all;
  }

  // ---- set-up -------------------------------------------------------------------------------

  /** Signs the people in, {@code parallel} at a time. */
  Future<Void> login(List<User> users, int parallel) {
    return forEach(users, parallel, u -> api.post("/api/auth/login", null,
        new JsonObject().put("email", u.email).put("password", PASSWORD)).compose(a -> {
          if (a.status() != 200) {
            return Future.failedFuture("sign-in of " + u.email + " answered " + a.status() + " " + a.body());
          }
          JsonObject j = a.json();
          u.token = j.getString("token");
          u.id = j.getJsonObject("user").getString("id");
          return Future.succeededFuture();
        }));
  }

  /** Opens each person's live socket, {@code parallel} at a time. */
  Future<Void> connect(List<User> users, int parallel) {
    Future<Void> done = forEach(users, parallel, u -> openOnSomeLoop(u, frame -> onFrame(u, frame))
        .map(s -> {
          u.socket = s;
          return null;
        }));
    if (pinger < 0) {
      pinger = vertx.setPeriodic(5_000, t -> {
        for (User u : everyone()) {
          LiveSocket s = u.socket;
          if (s != null) {
            s.ping();
          }
        }
      });
    }
    return done;
  }

  /**
   * Opens extra idle sockets (the memory measurement). They ping from the moment they are open, as a
   * browser does; a socket that fails is counted in {@link #socketFailures}, not fatal.
   */
  Future<List<LiveSocket>> openIdle(List<User> users, int parallel) {
    if (idlePinger < 0) {
      idlePinger = vertx.setPeriodic(5_000, t -> {
        synchronized (idle) {
          idle.forEach(LiveSocket::ping);
        }
      });
    }
    List<LiveSocket> opened = Collections.synchronizedList(new ArrayList<>());
    return forEach(users, parallel, u -> openOnSomeLoop(u, frame -> {
          if (frame.contains("\"err\"")) {
            errorFrames.incrementAndGet();
          }
        })
        .map(s -> {
          idle.add(s);
          opened.add(s);
          return null;
        })
        .otherwise(e -> {
          if (socketFailures.incrementAndGet() <= 3) {
            System.err.println("idle socket failed: " + e);
          }
          return null;
        })).map(v -> opened);
  }

  private final List<LiveSocket> idle = Collections.synchronizedList(new ArrayList<>());
  private long idlePinger = -1;

  Future<Void> closeIdle() {
    if (idlePinger >= 0) {
      vertx.cancelTimer(idlePinger);
      idlePinger = -1;
    }
    List<LiveSocket> all;
    synchronized (idle) {
      all = new ArrayList<>(idle);
      idle.clear();
    }
    return forEach(all, 500, LiveSocket::close);
  }

  /** Signs everyone in, opens their sockets and creates the threads: ready to run steps. */
  Future<Void> setUp(int parallel) {
    return login(everyone(), parallel).compose(v -> connect(everyone(), parallel * 2)).compose(v -> createThreads());
  }

  /** Creates every thread of the workload through the API. */
  Future<Void> createThreads() {
    List<BenchThread> all = new ArrayList<>(small);
    all.addAll(large);
    AtomicInteger n = new AtomicInteger();
    return forEach(all, 8, t -> {
      JsonArray to = new JsonArray();
      for (User r : t.recipients) {
        to.add(r.id);
      }
      return api.post("/api/threads", t.sender.token, new JsonObject().put("to", to)
          .put("subject", "Account review " + n.incrementAndGet()).put("bodyHtml", "<p>Hello, a new conversation.</p>"))
          .compose(a -> {
            if (a.status() != 201) {
              return Future.failedFuture("thread creation answered " + a.status() + " " + a.body());
            }
            t.id = a.json().getJsonObject("thread").getString("id");
            return Future.succeededFuture();
          });
    });
  }

  Future<Void> closeSockets() {
    if (pinger >= 0) {
      vertx.cancelTimer(pinger);
      pinger = -1;
    }
    return forEach(everyone(), 500, u -> {
      LiveSocket s = u.socket;
      u.socket = null;
      return s == null ? Future.succeededFuture() : s.close();
    });
  }

  // ---- a step -------------------------------------------------------------------------------

  /** Runs {@code seconds} at {@code rate} messages per second, then waits for what is under way. */
  Step run(int rate, int seconds, Cpu.Meter cpu) throws InterruptedException {
    return run(rate, seconds, cpu, o.largeEvery, o.readsPerMessage);
  }

  /**
   * Runs a step with its own mix: every {@code largeEvery}-th message to a large thread (0 = none),
   * {@code readsPerMessage} recipients opening each message.
   */
  Step run(int rate, int seconds, Cpu.Meter cpu, int largeEvery, int readsPerMessage) throws InterruptedException {
    int count = Math.max(1, rate * seconds);
    int id = stepIds.incrementAndGet();
    BenchThread[] threadOf = new BenchThread[count];
    int s = 0;
    int l = 0;
    for (int i = 0; i < count; i++) {
      boolean toLarge = largeEvery > 0 && !large.isEmpty() && i % largeEvery == largeEvery - 1;
      threadOf[i] = toLarge ? large.get(l++ % large.size()) : small.get(s++ % small.size());
    }
    Step step = new Step(id, rate, count, threadOf, readsPerMessage);
    steps.put(id, step);
    Cpu.Sample before = cpu.sample();
    long period = 1_000_000_000L / rate;
    long start = System.nanoTime() + 20_000_000L;
    step.start(start, period);
    Promise<Void> sent = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    vertx.runOnContext(v -> {
      long timer = vertx.setPeriodic(1, t -> {
        long now = System.nanoTime();
        int due = (int) Math.min(count, Math.max(0, (now - start) / period + 1));
        for (int i = next.get(); i < due; i++) {
          send(step, i);
        }
        next.set(due);
        if (due >= count) {
          vertx.cancelTimer(t);
          sent.complete();
        }
      });
    });
    sent.future().toCompletionStage().toCompletableFuture().join();
    step.sendWindowEnded(System.nanoTime());
    try {
      step.done().get(o.drainSeconds, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      // the drain window ended: what has not arrived by now counts as lost
    }
    step.finished(System.nanoTime(), cpu.sample().minus(before));
    steps.remove(id);
    pendingReads.values().removeIf(p -> p.step == step);
    return step;
  }

  private void send(Step step, int seq) {
    BenchThread t = step.threadOf[seq];
    String html = "<p>" + MARK + step.id + "-" + seq + " " + filler + "</p>";
    step.inFlight.incrementAndGet();
    api.post("/api/threads/" + t.id + "/messages", t.sender.token, new JsonObject().put("bodyHtml", html))
        .onComplete(ar -> {
          long now = System.nanoTime();
          if (ar.succeeded() && ar.result().status() == 201) {
            step.accepted(seq, t.recipients.length, now);
          } else {
            step.sendFailed(ar.succeeded() ? ar.result().status() + " " + ar.result().body() : ar.cause().toString());
          }
          step.answered();
        });
  }

  private void onFrame(User u, String frame) {
    long now = System.nanoTime();
    if (frame.contains("\"message.created\"")) {
      int b = frame.indexOf(MARK);
      if (b < 0) {
        return;
      }
      int p = b + MARK.length();
      int stepId = 0;
      char c;
      while (p < frame.length() && (c = frame.charAt(p)) >= '0' && c <= '9') {
        stepId = stepId * 10 + (c - '0');
        p++;
      }
      if (p >= frame.length() || frame.charAt(p) != '-') {
        return;
      }
      p++;
      int seq = 0;
      while (p < frame.length() && (c = frame.charAt(p)) >= '0' && c <= '9') {
        seq = seq * 10 + (c - '0');
        p++;
      }
      Step step = steps.get(stepId);
      if (step == null || seq >= step.count) {
        return;
      }
      BenchThread t = step.threadOf[seq];
      if (u == t.sender) {
        return;
      }
      // the read is counted before the delivery, so the drain cannot end between the two
      if (step.readsPerMessage > 0 && t.reads(u, seq, step.readsPerMessage)) {
        JsonObject data = new JsonObject(frame).getJsonObject("body").getJsonObject("data");
        markRead(step, u, t, data.getString("id"), now);
      }
      step.delivered(seq, now);
    } else if (frame.contains("\"message.read\"")) {
      JsonObject data = new JsonObject(frame).getJsonObject("body").getJsonObject("data");
      String key = readKey(data.getString("messageId"), data.getString("readerId"));
      PendingRead pending = pendingReads.get(key);
      if (pending != null && pending.sender == u && pendingReads.remove(key) != null) {
        pending.step.readReceived(now - pending.sentAt);
      }
    } else if (frame.startsWith("{\"type\":\"err\"") || frame.contains("\"type\":\"err\"")) {
      if (errorFrames.incrementAndGet() <= 3) {
        System.err.println("bridge refused: " + frame);
      }
    }
  }

  /** A read awaited by its sender: each reader of a message sends the sender a receipt of its own. */
  private static String readKey(String messageId, String readerId) {
    return messageId + "/" + readerId;
  }

  private void markRead(Step step, User reader, BenchThread t, String messageId, long now) {
    String key = readKey(messageId, reader.id);
    pendingReads.put(key, new PendingRead(step, t.sender, now));
    step.readSent();
    api.post("/api/threads/" + t.id + "/read", reader.token,
            new JsonObject().put("messageIds", new JsonArray().add(messageId)))
        .onComplete(ar -> {
          if (ar.failed() || ar.result().status() != 204) {
            pendingReads.remove(key);
            step.readFailed(ar.succeeded() ? ar.result().status() + " " + ar.result().body() : ar.cause().toString());
          }
        });
  }

  Future<Void> close() {
    return closeSockets().compose(v -> api.close()).compose(v -> wsClient.close());
  }

  /** Runs {@code f} over the items with at most {@code parallel} under way; fails on the first failure. */
  <T> Future<Void> forEach(List<T> items, int parallel, Function<T, Future<?>> f) {
    Promise<Void> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    if (items.isEmpty()) {
      return Future.succeededFuture();
    }
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= items.size()) {
        return;
      }
      Future<?> fut;
      try {
        fut = f.apply(items.get(i));
      } catch (RuntimeException e) {
        fut = Future.failedFuture(e);
      }
      fut.onComplete(ar -> {
        if (ar.failed()) {
          done.tryFail(ar.cause());
          return;
        }
        if (finished.incrementAndGet() == items.size()) {
          done.tryComplete();
        } else {
          pump[0].run();
        }
      });
    };
    vertx.runOnContext(v -> {
      for (int k = 0; k < Math.min(parallel, items.size()); k++) {
        pump[0].run();
      }
    });
    return done.future();
  }
}
