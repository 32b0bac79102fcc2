// Files as a person sees them: sizes, names and types shown, what a refused upload means, and the
// files of a message being written while they upload.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_FILES, cleanName, createUploadQueue, fileKind, filenameHeader, formatSize, uploadError } from '../src/attachments.js';
import { withMessage } from '../src/inbox.js';
import { createThreadState } from '../src/threadstate.js';

test('sizes read as bytes, then KB, MB and GB with one decimal below ten', () => {
  assert.equal(formatSize(0), '0 bytes');
  assert.equal(formatSize(1), '1 byte');
  assert.equal(formatSize(1023), '1023 bytes');
  assert.equal(formatSize(1024), '1 KB');
  assert.equal(formatSize(1536), '1.5 KB');
  assert.equal(formatSize(12_345), '12 KB');
  assert.equal(formatSize(1024 * 1024 - 1), '1 MB');
  assert.equal(formatSize(3.25 * 1024 * 1024), '3.3 MB');
  assert.equal(formatSize(25 * 1024 * 1024), '25 MB');
  assert.equal(formatSize(2 * 1024 ** 3), '2 GB');
  assert.equal(formatSize(undefined), '0 bytes');
});

test('a name loses its folders, control and bidi characters, and surrounding spaces', () => {
  assert.equal(cleanName('C:\\Users\\sam\\Statement.pdf'), 'Statement.pdf');
  assert.equal(cleanName('../../etc/passwd'), 'passwd');
  assert.equal(cleanName(' report\u0000\u0007.pdf '), 'report.pdf');
  assert.equal(cleanName('invoice\u202Efdp.exe'), 'invoicefdp.exe');
  assert.equal(cleanName('zero\u200Bwidth\uFEFF.txt'), 'zerowidth.txt');
  assert.equal(cleanName('.hidden.pdf'), 'hidden.pdf');
  assert.equal(cleanName('Übersicht – März.pdf'), 'Übersicht – März.pdf');
  assert.equal(cleanName(''), 'file');
  assert.equal(cleanName('/'), 'file');
});

test('a very long name is cut to 200 characters and keeps its extension', () => {
  const name = cleanName(`${'a'.repeat(400)}.pdf`);
  assert.equal([...name].length, 200);
  assert.ok(name.endsWith('a.pdf'));
});

test('the name header is percent-encoded UTF-8', () => {
  assert.equal(filenameHeader('Q1 report; März.pdf'), 'Q1%20report%3B%20M%C3%A4rz.pdf');
  assert.equal(decodeURIComponent(filenameHeader('日本語.txt')), '日本語.txt');
});

test('the type icon follows the detected type first, then the extension', () => {
  assert.deepEqual(fileKind('application/pdf', 'scan'), { kind: 'pdf', label: 'PDF' });
  assert.deepEqual(fileKind('image/png', 'photo.png'), { kind: 'image', label: 'PNG' });
  assert.deepEqual(fileKind('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'Letter.docx'), { kind: 'doc', label: 'DOCX' });
  assert.deepEqual(fileKind('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'budget'), { kind: 'sheet', label: 'XLS' });
  assert.deepEqual(fileKind('text/plain; charset=utf-8', 'notes.txt'), { kind: 'text', label: 'TXT' });
  assert.deepEqual(fileKind('', 'archive.zip'), { kind: 'archive', label: 'ZIP' });
  assert.deepEqual(fileKind('application/octet-stream', 'data.bin'), { kind: 'file', label: 'BIN' });
  assert.deepEqual(fileKind(undefined, 'README'), { kind: 'file', label: 'FILE' });
});

test('each refusal of an upload is said in words a person understands', () => {
  assert.equal(uploadError(413, { error: 'too_large' }, { maxBytes: 25 * 1024 * 1024 }), 'Too large: a file can be at most 25 MB.');
  assert.equal(uploadError(413, { error: 'too_large', maxBytes: 10 * 1024 * 1024 }), 'Too large: a file can be at most 10 MB.');
  assert.equal(uploadError(413, null), 'Too large: this file is over the size limit.');
  assert.equal(uploadError(413, { error: 'too_large', message: 'the file is larger than the limit of 25 MB' }),
    'Too large: the file is larger than the limit of 25 MB.');
  assert.equal(uploadError(415, { error: 'unsupported_type' }), 'This type of file is not allowed.');
  assert.equal(uploadError(422, { error: 'infected' }), 'A virus was found in this file, so it was not attached.');
  assert.equal(uploadError(503, { error: 'scanner_unavailable' }), 'Files cannot be checked for viruses right now. Try again later.');
  assert.equal(uploadError(400, { error: 'empty_file' }), 'This file is empty.');
  assert.equal(uploadError(400, { error: 'invalid_filename' }), 'The name of this file cannot be read. Rename it and try again.');
  assert.equal(uploadError(0), 'The upload was interrupted. Check your connection and try again.');
  assert.equal(uploadError(500), 'The file could not be uploaded. Try again.');
});

const pdf = (name = 'Statement.pdf', size = 2048) => ({ name, size, type: 'application/pdf' });

test('files upload, progress and finish; only finished ones are sent, in the order they were added', () => {
  const queue = createUploadQueue();
  const [a, b] = queue.add([pdf('a.pdf', 1000), pdf('b.pdf', 4000)]);
  assert.equal(a.status, 'uploading');
  assert.equal(queue.busy(), true);
  queue.progress(b.key, 1000);
  assert.equal(queue.percent(b.key), 25);
  queue.progress(b.key, 500);
  assert.equal(queue.percent(b.key), 25, 'progress never goes back');
  queue.done(b.key, { id: 'id-b', name: 'b.pdf', size: 4000, type: 'application/pdf' });
  assert.deepEqual(queue.ids(), ['id-b']);
  assert.equal(queue.busy(), true, 'a.pdf is still on its way');
  queue.done(a.key, { id: 'id-a', name: 'a.pdf', size: 1000, type: 'application/pdf' });
  assert.equal(queue.busy(), false);
  assert.deepEqual(queue.ids(), ['id-a', 'id-b']);
  assert.equal(queue.percent(a.key), 100);
});

test('a refused file shows why, is not sent, and leaves the message free to go', () => {
  const queue = createUploadQueue();
  const [exe, doc] = queue.add([{ name: 'setup.exe', size: 10, type: 'application/x-msdownload' }, pdf()]);
  queue.failed(exe.key, 415, { error: 'unsupported_type' });
  queue.done(doc.key, { id: 'id-doc' });
  assert.equal(exe.status, 'failed');
  assert.equal(exe.error, 'This type of file is not allowed.');
  assert.equal(queue.busy(), false);
  assert.deepEqual(queue.ids(), ['id-doc']);
  assert.equal(queue.done(exe.key, { id: 'late' }), null, 'a failed upload cannot finish later');
});

test('removing a file while it uploads takes it out, and the message no longer waits for it', () => {
  const queue = createUploadQueue();
  const [big] = queue.add([pdf('big.pdf', 50_000_000)]);
  assert.equal(queue.busy(), true);
  assert.equal(queue.remove(big.key).name, 'big.pdf');
  assert.equal(queue.busy(), false);
  assert.deepEqual(queue.entries(), []);
  assert.equal(queue.done(big.key, { id: 'x' }), null, 'an answer for a removed file is dropped');
  assert.deepEqual(queue.ids(), []);
});

test(`at most ${MAX_FILES} files: the ones over the limit are refused here, and a failed one frees its place`, () => {
  const queue = createUploadQueue();
  const files = Array.from({ length: MAX_FILES + 2 }, (_, i) => pdf(`f${i}.pdf`));
  const added = queue.add(files);
  assert.equal(added.filter((e) => e.status === 'uploading').length, MAX_FILES);
  assert.deepEqual(added.slice(MAX_FILES).map((e) => e.error), [
    `Not attached: a message can carry at most ${MAX_FILES} files.`,
    `Not attached: a message can carry at most ${MAX_FILES} files.`]);
  assert.equal(queue.room(), 0);
  queue.failed(added[0].key, 503, null);
  assert.equal(queue.room(), 1);
  assert.equal(queue.add([pdf('again.pdf')])[0].status, 'uploading');
});

test('a file over a known size limit is refused before it is sent', () => {
  const queue = createUploadQueue({ maxBytes: 1024 * 1024 });
  const [big, small] = queue.add([pdf('big.pdf', 2 * 1024 * 1024), pdf('small.pdf', 1024)]);
  assert.equal(big.status, 'failed');
  assert.equal(big.error, 'Too large: a file can be at most 1 MB.');
  assert.equal(small.status, 'uploading');
});

test('an empty file is refused before it is sent', () => {
  const [empty] = createUploadQueue().add([pdf('blank.pdf', 0)]);
  assert.equal(empty.status, 'failed');
  assert.equal(empty.error, 'This file is empty.');
});

test('a name is cleaned before it is shown or sent', () => {
  const queue = createUploadQueue();
  assert.equal(queue.add([pdf('C:\\fakepath\\Q1\u202E.pdf')])[0].name, 'Q1.pdf');
});

test('the inbox row shows a paperclip while its newest message has files, as the server lists it', () => {
  const row = { id: 't1', subject: 'Docs', lastMessageAt: '2024-05-01T10:00:00Z', snippet: 'old', unreadCount: 0, participants: [] };
  const message = (day, attachments) => ({
    id: `m${day}`, threadId: 't1', sender: { id: 's1', name: 'Sam', role: 'staff' }, createdAt: `2024-05-0${day}T10:00:00Z`, recipients: [],
    thread: { id: 't1', subject: 'Docs', lastMessageAt: `2024-05-0${day}T10:00:00Z`, snippet: 'new' }, attachments,
  });
  const [plain] = withMessage([row], message(2, []), 'c1');
  assert.equal(plain.hasAttachments, false);
  const [withFile] = withMessage([plain], message(4, [{ id: 'a1', name: 'x.pdf', size: 1, type: 'application/pdf' }]), 'c1');
  assert.equal(withFile.hasAttachments, true);
  const [late] = withMessage([withFile], message(3, []), 'c1');
  assert.equal(late.hasAttachments, true, 'a message that came late leaves the row as the newest one made it');
  const [newer] = withMessage([late], message(5, []), 'c1');
  assert.equal(newer.hasAttachments, false);
});

test('the open thread keeps the files of a pushed message', () => {
  const state = createThreadState();
  state.load([]);
  const files = [{ id: 'a1', name: 'Statement.pdf', size: 2048, type: 'application/pdf' }];
  state.push({ id: 'm1', createdAt: '2024-05-01T10:00:00Z', recipients: [], attachments: files });
  assert.deepEqual(state.messages()[0].attachments, files);
});
