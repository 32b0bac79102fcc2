package dev.parley.bench;

import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database's own limit on this machine, measured by pgbench (Debian: {@code apt-get install
 * postgresql-15}) against the benchmark's PostgreSQL: a message-sized row per transaction, and a
 * transaction shaped like a Parley send (message, 10 recipients, 11 locked and bumped people, one
 * small event per person that points at the message, 10 outbox rows).
 */
final class PgBench {

  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
  private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");

  private static final String SCHEMA = """
      create extension if not exists pgcrypto;
      drop table if exists bench_messages, bench_recipients, bench_events, bench_outbox, bench_users;
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
      create table bench_outbox (id uuid primary key default gen_random_uuid(), recipient_id int not null,
        payload jsonb not null, status text not null default 'pending', next_attempt_at timestamptz not null default now());
      create index on bench_outbox (next_attempt_at) where status = 'pending';
      """;

  private static final String ROW = """
      \\set t random(1, 400)
      insert into bench_messages (thread_id, sender_id, body_html, body_text) values (md5(:t::text)::uuid, md5((:t % 100)::text)::uuid, '<p>' || repeat('Your statement is ready. ', 40) || '</p>', repeat('Your statement is ready. ', 40));
      """;

  private static final String SEND = """
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

  static JsonObject run(BenchDatabase db, int clients, int seconds, Path work) throws Exception {
    String pgbench = binary();
    if (pgbench == null) {
      return new JsonObject().put("skipped", "pgbench not installed (Debian: apt-get install postgresql-15)");
    }
    db.exec("postgres", "drop database if exists pgbench_baseline");
    db.exec("postgres", "create database pgbench_baseline");
    db.exec("pgbench_baseline", SCHEMA);
    Files.createDirectories(work);
    Path row = work.resolve("pgbench-row.sql");
    Path send = work.resolve("pgbench-send.sql");
    Files.writeString(row, ROW);
    Files.writeString(send, SEND);
    JsonObject out = new JsonObject().put("clients", clients).put("seconds", seconds);
    out.put("messageRow", run(pgbench, db, row, clients, seconds));
    db.exec("pgbench_baseline", "checkpoint");
    out.put("sendTransaction", run(pgbench, db, send, clients, seconds));
    db.exec("postgres", "drop database if exists pgbench_baseline");
    return out;
  }

  private static JsonObject run(String pgbench, BenchDatabase db, Path script, int clients, int seconds) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(pgbench, "-n", "-M", "prepared", "-c", Integer.toString(clients),
        "-j", Integer.toString(Math.min(clients, 2)), "-T", Integer.toString(seconds), "-f", script.toString(),
        "-h", db.host(), "-p", Integer.toString(db.port()), "-U", db.user(), "pgbench_baseline"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", db.password());
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes());
    p.waitFor(seconds + 60L, TimeUnit.SECONDS);
    Matcher tps = TPS.matcher(text);
    Matcher lat = LATENCY.matcher(text);
    if (!tps.find()) {
      return new JsonObject().put("error", text.length() > 2000 ? text.substring(text.length() - 2000) : text);
    }
    return new JsonObject().put("tps", Math.round(Double.parseDouble(tps.group(1))))
        .put("latencyMs", lat.find() ? Double.parseDouble(lat.group(1)) : null);
  }
}
