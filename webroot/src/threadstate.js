// What an open thread shows, kept up to date by what the server pushes: its messages in createdAt
// order, each once, and the read times of their recipients. A message.read can arrive before the
// message.created of its message (the two written through different nodes): it waits here until
// the message is shown.

import { compareInstants } from './instant.js';

/** How many not-yet-shown messages' reads are kept; the oldest are let go first. */
export const PENDING_READS = 200;

export function createThreadState() {
  let messages = [];
  // messageId -> reads that came before the message
  const pending = new Map();
  // Pushed messages and reads seen while a load is on its way: its answer may predate them.
  let during = null;

  function takePending(message) {
    for (const read of pending.get(message.id) || []) setRead(message, read);
    pending.delete(message.id);
  }

  function keep(read) {
    const reads = (pending.get(read.messageId) || []).filter((r) => r.readerId !== read.readerId);
    pending.delete(read.messageId);
    pending.set(read.messageId, [...reads, read]);
    if (pending.size > PENDING_READS) pending.delete(pending.keys().next().value);
  }

  function insert(message) {
    const copy = own(message);
    const after = messages.findIndex((m) => compareInstants(m.createdAt, copy.createdAt) > 0);
    const at = after === -1 ? messages.length : after;
    messages = [...messages.slice(0, at), copy, ...messages.slice(at)];
    return at;
  }

  /**
   * Sets the read time of the reader on the shown message. Answers that message and recipient,
   * or null: the message is not shown yet (the read is kept for it) or does not list the reader.
   */
  function read(data) {
    if (!data?.messageId) return null;
    during?.reads.push(data);
    const message = messages.find((m) => m.id === data.messageId);
    if (!message) {
      keep(data);
      return null;
    }
    const recipient = setRead(message, data);
    return recipient ? { message, recipient } : null;
  }

  /** A copy of a message that this state may change, with the reads that came before it. */
  function own(message) {
    const copy = { ...message, recipients: (message.recipients || []).map((r) => ({ ...r })) };
    takePending(copy);
    return copy;
  }

  return {
    /** The messages shown, oldest first. */
    messages: () => messages,
    has: (id) => messages.some((m) => m.id === id),
    /** A load from the API begins: what is pushed from now on is kept across its answer. */
    loading() {
      during = { messages: [], reads: [] };
    },
    /** Shows the thread as the API answered it, with what was pushed while it was on its way. */
    load(list) {
      const pushed = during || { messages: [], reads: [] };
      during = null;
      // The API's order already; sorting (stable) only guards it.
      messages = (list || []).map(own).sort((a, b) => compareInstants(a.createdAt, b.createdAt));
      for (const m of pushed.messages) if (!messages.some((x) => x.id === m.id)) insert(m);
      for (const r of pushed.reads) read(r);
      return messages;
    },
    /**
     * Adds a pushed message where its createdAt puts it. Answers its index, or -1 when that
     * message is shown already.
     */
    push(message) {
      if (!message?.id || messages.some((m) => m.id === message.id)) return -1;
      during?.messages.push(message);
      return insert(message);
    },
    read,
  };
}

function setRead(message, read) {
  const recipient = (message.recipients || []).find((r) => r.id === read.readerId);
  if (recipient) recipient.readAt = read.readAt || new Date().toISOString();
  return recipient || null;
}
