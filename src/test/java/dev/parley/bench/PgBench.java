package dev.parley.bench;

import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The database's own limit on this machine, measured by pgbench (Debian: {@code apt-get install
 * postgresql-15}) against the benchmark's PostgreSQL: a message-sized row per transaction, and the
 * writes of one send to ten people in each of Parley's two designs, so that the figures say what
 * PostgreSQL alone costs for a send of each. The old design ({@link #OLD_SEND}) locks and bumps 11
 * people, writes one small event per person and one outbox row per recipient; the new one
 * ({@link #NEW_SEND}) writes the message, its ten recipient rows, one outbox job, one audit row and one
 * change row, and updates the thread's row.
 */
final class PgBench {

  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
  private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");
  private static final Pattern TRANSACTIONS = Pattern.compile("number of transactions actually processed: ([0-9]+)");
  static final String DATABASE = "pgbench_baseline";

  private static final String SCHEMA = """
      create extension if not exists pgcrypto;
      drop table if exists bench_messages, bench_recipients, bench_events, bench_outbox, bench_users, bench_threads,
        bench_message_recipients, bench_audit, bench_changes;
      drop sequence if exists bench_changes_seq;
      create table bench_messages (
        id uuid primary key default gen_random_uuid(),
        thread_id uuid not null,
        sender_id uuid not null,
        body_html text not null,
        body_text text not null,
        created_at timestamptz not null default clock_timestamp(),
        search tsvector generated always as (to_tsvector('simple', body_text)) stored);
      create index on bench_messages (thread_id, created_at, id);
      create index on bench_messages using gin (search);
      create table bench_recipients (message_id uuid not null, user_id int not null, read_at timestamptz,
        primary key (message_id, user_id));
      create table bench_users (id int primary key, last_event_seq bigint not null default 0, unread int not null default 0);
      insert into bench_users (id) select generate_series(0, 1099);
      create table bench_events (user_id int not null, seq bigint not null, type text not null, data jsonb not null,
        created_at timestamptz not null default now(), primary key (user_id, seq));
      create table bench_outbox (id uuid primary key default gen_random_uuid(), kind text not null default 'notification',
        recipient_id int, payload jsonb not null, status text not null default 'pending',
        next_attempt_at timestamptz not null default now());
      create index on bench_outbox (next_attempt_at) where status = 'pending';
      create table bench_threads (id uuid primary key, company_id uuid not null, subject text not null,
        last_message_id uuid, last_message_at timestamptz not null default now());
      insert into bench_threads (id, company_id, subject)
        select md5(i::text)::uuid, md5('company')::uuid, 'Your statement ' || i from generate_series(0, 399) i;
      create table bench_message_recipients (message_id uuid not null, user_id uuid not null, thread_id uuid not null,
        kind text not null, read_at timestamptz, primary key (message_id, user_id));
      create index on bench_message_recipients (user_id, thread_id) where read_at is null;
      create table bench_audit (id bigserial primary key, company_id uuid, actor_id uuid, action text not null,
        target text, detail jsonb not null default '{}', address text, at timestamptz not null default now());
      create index on bench_audit (company_id, at desc);
      create sequence bench_changes_seq;
      create table bench_changes (seq bigint primary key default nextval('bench_changes_seq'),
        xid xid8 not null default pg_current_xact_id(), company_id uuid not null, thread_id uuid, kind text not null,
        actor_id uuid, message_id uuid, audience uuid[] not null, data jsonb not null,
        created_at timestamptz not null default now());
      create index on bench_changes (company_id, xid, seq);
      """;

  private static final String ROW = """
      \\set t random(1, 400)
      insert into bench_messages (thread_id, sender_id, body_html, body_text) values (md5(:t::text)::uuid, md5((:t % 100)::text)::uuid, '<p>' || repeat('Your statement is ready. ', 40) || '</p>', repeat('Your statement is ready. ', 40));
      """;

  /** The first design's send: every person on the thread locked, bumped and given an event; an outbox row per recipient. */
  static final String OLD_SEND = """
      \\set u random(0, 109)
      begin;
      select id from bench_users where id between :u * 10 and :u * 10 + 10 order by id for no key update;
      insert into bench_messages (thread_id, sender_id, body_html, body_text) values (md5(:u::text)::uuid, md5((:u % 100)::text)::uuid, '<p>' || repeat('Your statement is ready. ', 40) || '</p>', repeat('Your statement is ready. ', 40)) returning id as mid \\gset
      insert into bench_recipients (message_id, user_id) select :mid::uuid, i from generate_series(:u * 10 + 1, :u * 10 + 10) i;
      update bench_users set last_event_seq = last_event_seq + 1, unread = unread + 1 where id between :u * 10 and :u * 10 + 10;
      insert into bench_events (user_id, seq, type, data) select id, last_event_seq, 'message.created', jsonb_build_object('id', :mid::text, 'threadId', md5(:u::text)::uuid::text, 'thread', jsonb_build_object('id', md5(:u::text)::uuid::text, 'subject', 'Your statement', 'lastMessageAt', clock_timestamp()::text, 'snippet', left(repeat('Your statement is ready. ', 6), 140), 'unreadCount', 1), 'unread', unread) from bench_users where id between :u * 10 and :u * 10 + 10;
      insert into bench_outbox (recipient_id, payload) select i, jsonb_build_object('messageId', :mid::text) from generate_series(:u * 10 + 1, :u * 10 + 10) i;
      commit;
      """;

  /**
   * The second design's send to ten people: 15 rows written (message, ten recipients, the thread's
   * update, one outbox job that the worker expands later, one audit row, one change for the live feed
   * and catch-up) and one row locked (the thread's).
   */
  static final String NEW_SEND = """
      \\set t random(0, 399)
      begin;
      insert into bench_messages (thread_id, sender_id, body_html, body_text) values (md5(:t::text)::uuid, md5((:t * 11)::text)::uuid, '<p>' || repeat('Your statement is ready. ', 40) || '</p>', repeat('Your statement is ready. ', 40)) returning id as mid \\gset
      insert into bench_message_recipients (message_id, user_id, thread_id, kind) select :mid::uuid, u, md5(:t::text)::uuid, 'to' from unnest(array(select md5((:t * 11 + i)::text)::uuid from generate_series(1, 10) i)) u;
      update bench_threads set last_message_id = :mid::uuid, last_message_at = clock_timestamp() where id = md5(:t::text)::uuid;
      insert into bench_outbox (kind, payload, next_attempt_at) values ('message', jsonb_build_object('messageId', :mid::text, 'threadId', md5(:t::text)::uuid::text), now() + interval '2 minutes');
      insert into bench_audit (company_id, actor_id, action, target, detail) values (md5('company')::uuid, md5((:t * 11)::text)::uuid, 'message.send', :mid::text, jsonb_build_object('threadId', md5(:t::text)::uuid::text, 'recipients', 10));
      insert into bench_changes (company_id, thread_id, kind, actor_id, message_id, audience, data) values (md5('company')::uuid, md5(:t::text)::uuid, 'message', md5((:t * 11)::text)::uuid, :mid::uuid, array(select md5((:t * 11 + i)::text)::uuid from generate_series(0, 10) i), jsonb_build_object('threadId', md5(:t::text)::uuid::text, 'subject', 'Your statement', 'snippet', left(repeat('Your statement is ready. ', 6), 140)));
      commit;
      """;

  private PgBench() {
  }

  static String binary() {
    for (String candidate : List.of("/usr/lib/postgresql/15/bin/pgbench", "/usr/bin/pgbench")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return null;
  }

  /** Runs each script for {@code seconds} with {@code clients}; PostgreSQL's CPU is read from {@code postmaster} (0 = not). */
  static JsonObject run(BenchDatabase db, int clients, int seconds, Path work, long postmaster) throws Exception {
    String pgbench = binary();
    if (pgbench == null) {
      return new JsonObject().put("skipped", "pgbench not installed (Debian: apt-get install postgresql-15)");
    }
    prepare(db);
    Files.createDirectories(work);
    Cpu.Meter cpu = new Cpu.Meter(0, postmaster);
    JsonObject out = new JsonObject().put("clients", clients).put("seconds", seconds);
    out.put("messageRow", run(pgbench, db, work, "row", ROW, clients, cpu, "-T", seconds));
    settle(db);
    out.put("oldSendTransaction", run(pgbench, db, work, "old-send", OLD_SEND, clients, cpu, "-T", seconds)
        .put("design", "first: 11 people locked and bumped, 11 events, 10 outbox rows (43 rows written, 22 locked)"));
    settle(db);
    out.put("newSendTransaction", run(pgbench, db, work, "new-send", NEW_SEND, clients, cpu, "-T", seconds)
        .put("design", "second: message, 10 recipients, thread update, outbox job, audit, change (15 rows written, 1 locked)"));
    db.exec("postgres", "drop database if exists " + DATABASE);
    return out;
  }

  /**
   * Starts the next script from the same state: the previous one's dead rows vacuumed, the GIN
   * index's pending entries merged (an insert that finds the list full merges it, a cost that would
   * otherwise land on whichever script comes next), and a checkpoint behind.
   */
  private static void settle(BenchDatabase db) throws Exception {
    db.exec(DATABASE, "vacuum analyze");
    db.exec(DATABASE, "checkpoint");
  }

  /** A fresh database with the scripts' tables. */
  static void prepare(BenchDatabase db) throws Exception {
    db.exec("postgres", "drop database if exists " + DATABASE);
    db.exec("postgres", "create database " + DATABASE);
    db.exec(DATABASE, SCHEMA);
  }

  /**
   * Runs one script ({@code -T seconds} or {@code -t transactions} per client): transactions per
   * second, mean latency, and per transaction the CPU of PostgreSQL and the WAL it wrote. The CPU is
   * all of the server's meanwhile (autovacuum and GIN merges included), so short runs vary.
   */
  static JsonObject run(String pgbench, BenchDatabase db, Path work, String name, String script, int clients,
                        Cpu.Meter cpu, String limitFlag, int limit) throws Exception {
    Path file = work.resolve("pgbench-" + name + ".sql");
    Files.writeString(file, script);
    List<String> cmd = new ArrayList<>(List.of(pgbench, "-n", "-M", "prepared", "-c", Integer.toString(clients),
        "-j", Integer.toString(Math.min(clients, 2)), limitFlag, Integer.toString(limit), "-f", file.toString(),
        "-h", db.host(), "-p", Integer.toString(db.port()), "-U", db.user(), DATABASE));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", db.password());
    long walBefore = walPosition(db);
    Set<Long> running = children(cpu.postmasterPid());
    Cpu.Sample before = cpu.sample();
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    awaitBackendsReaped(cpu.postmasterPid(), running);
    Cpu.Sample used = cpu.sample().minus(before);
    long wal = walPosition(db) - walBefore;
    Matcher tps = TPS.matcher(text);
    Matcher lat = LATENCY.matcher(text);
    Matcher done = TRANSACTIONS.matcher(text);
    if (!tps.find() || !done.find()) {
      return new JsonObject().put("error", text.length() > 2000 ? text.substring(text.length() - 2000) : text);
    }
    long transactions = Long.parseLong(done.group(1));
    JsonObject j = new JsonObject().put("tps", Math.round(Double.parseDouble(tps.group(1))))
        .put("latencyMs", lat.find() ? Double.parseDouble(lat.group(1)) : null)
        .put("transactions", transactions);
    if (transactions > 0) {
      j.put("walKbPerTransaction", Math.round(wal / 1024.0 / transactions * 10) / 10.0);
      if (cpu.postmasterPid() > 0) {
        j.put("postgresCpuMsPerTransaction", Cpu.round3(used.dbMs() / transactions));
      }
    }
    return j;
  }

  private static Set<Long> children(long pid) {
    return pid <= 0 ? Set.of() : ProcessHandle.of(pid).map(p -> p.children().map(ProcessHandle::pid)
        .collect(Collectors.toSet())).orElse(Set.of());
  }

  /**
   * Waits (at most 10 s) until the backends that served the script have exited and the postmaster
   * has reaped them: only then is their CPU in the postmaster's account (read just after pgbench
   * ends, most of it was missing).
   */
  private static void awaitBackendsReaped(long postmaster, Set<Long> before) {
    if (postmaster <= 0) {
      return;
    }
    try {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
          .until(() -> before.containsAll(children(postmaster)));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      System.err.println("pgbench's backends were not all reaped within 10 s: their CPU may be undercounted");
    }
  }

  private static long walPosition(BenchDatabase db) throws Exception {
    try (java.sql.Connection c = db.connect(DATABASE); java.sql.Statement s = c.createStatement();
         java.sql.ResultSet r = s.executeQuery("select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint")) {
      r.next();
      return r.getLong(1);
    }
  }
}
