// Files attached to a message, without the browser: how sizes, names and types are shown, what an
// upload's refusal means to a person, and the state of the files a composer is uploading.

/** How many files one message may carry. */
export const MAX_FILES = 10;

const UNITS = ['KB', 'MB', 'GB', 'TB'];

/** "0 bytes", "1 byte", "850 bytes", "1.5 KB", "12 KB", "3.2 MB": one decimal below ten units. */
export function formatSize(bytes) {
  const n = Math.max(0, Math.floor(Number(bytes) || 0));
  if (n < 1024) return `${n} ${n === 1 ? 'byte' : 'bytes'}`;
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  // 1023.7 KB rounds to 1024 KB: say 1 MB instead.
  if (rounded >= 1024 && unit < UNITS.length - 1) return `1 ${UNITS[unit + 1]}`;
  return `${rounded} ${UNITS[unit]}`;
}

// Controls, format characters (among them the bidirectional overrides that make "invoice\u202Efdp.exe"
// read as a PDF, and zero-width ones), surrogates, private-use and unassigned code points, line and
// paragraph separators: what the server strips too.
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu;
const NAME_MAX = 200;

/**
 * A file's name as the server will keep it: without any folder part, hidden characters, surrounding
 * spaces or leading dots; at most 200 characters, keeping the extension; "file" when nothing is left.
 */
export function cleanName(name) {
  const base = String(name ?? '').split(/[/\\]/).pop().replace(HIDDEN, '').trim().replace(/^\.+/, '');
  if (!base.trim()) return 'file';
  const chars = [...base];
  if (chars.length <= NAME_MAX) return base;
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 && base.length - dot <= 10 ? [...base.slice(dot)] : [];
  return chars.slice(0, NAME_MAX - ext.length).join('') + ext.join('');
}

/** The value of the X-Parley-Filename header: the clean name, percent-encoded as UTF-8. */
export function filenameHeader(name) {
  return encodeURIComponent(cleanName(name));
}

const KINDS = [
  ['pdf', /^application\/pdf$/, /^pdf$/],
  ['image', /^image\//, /^(png|jpe?g|gif|webp|heic|bmp|tiff?)$/],
  ['doc', /wordprocessingml|msword|opendocument\.text|rtf/, /^(docx?|odt|rtf)$/],
  ['sheet', /spreadsheetml|ms-excel|opendocument\.spreadsheet|text\/csv/, /^(xlsx?|ods|csv)$/],
  ['slides', /presentationml|ms-powerpoint|opendocument\.presentation/, /^(pptx?|odp)$/],
  ['archive', /zip|x-7z|x-rar|x-tar|gzip/, /^(zip|7z|rar|tar|gz)$/],
  ['text', /^text\//, /^(txt|md|log)$/],
];

/**
 * What kind of file this is, for its icon: `kind` (pdf, image, doc, sheet, slides, archive, text or
 * file) from the type the server detected, else the extension; `label` a short tag such as "PDF".
 */
export function fileKind(type, name) {
  const t = String(type || '').toLowerCase().split(';')[0].trim();
  const ext = extension(name);
  const kind = KINDS.find(([, byType]) => t && byType.test(t))?.[0]
    ?? KINDS.find(([, , byExt]) => ext && byExt.test(ext))?.[0]
    ?? 'file';
  const label = kind === 'pdf' ? 'PDF'
    : ext && ext.length <= 4 ? ext.toUpperCase()
      : { image: 'IMG', doc: 'DOC', sheet: 'XLS', slides: 'PPT', archive: 'ZIP', text: 'TXT' }[kind] ?? 'FILE';
  return { kind, label };
}

function extension(name) {
  const base = cleanName(name);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/**
 * Why an upload failed, in words a person understands. `status` is the HTTP status (0: no answer),
 * `data` the error body; `maxBytes` the size limit when known.
 */
export function uploadError(status, data = null, { maxBytes } = {}) {
  const limit = Number(data?.maxBytes ?? data?.limitBytes ?? maxBytes) || 0;
  switch (status) {
    case 0:
      return 'The upload was interrupted. Check your connection and try again.';
    case 400:
      if (data?.error === 'empty_file') return 'This file is empty.';
      if (data?.error === 'invalid_filename') return 'The name of this file cannot be read. Rename it and try again.';
      return 'The file could not be uploaded. Try again.';
    case 401:
      return 'Your session has ended. Sign in again, then attach the file.';
    case 413:
      // The server's own words name its limit ("the file is larger than the limit of 25 MB").
      if (limit) return `Too large: a file can be at most ${formatSize(limit)}.`;
      return data?.message ? `Too large: ${String(data.message).trim().replace(/[.!?]?$/, '.')}` : 'Too large: this file is over the size limit.';
    case 415:
      return 'This type of file is not allowed.';
    case 422:
      return data?.error && data.error !== 'infected'
        ? 'This file could not be read. Check it and try again.'
        : 'A virus was found in this file, so it was not attached.';
    case 429:
      return 'Too many uploads at once. Wait a moment and try again.';
    case 503:
      return 'Files cannot be checked for viruses right now. Try again later.';
    default:
      return 'The file could not be uploaded. Try again.';
  }
}

/**
 * The files of one message being written: each is uploading (with bytes sent so far), done (with
 * the attachment the server answered) or failed (with the reason). Failed files do not count
 * against the limit; they stay shown until removed.
 */
export function createUploadQueue({ max = MAX_FILES, maxBytes = 0 } = {}) {
  let entries = [];
  let next = 0;

  const find = (key) => entries.find((e) => e.key === key);
  const counted = () => entries.filter((e) => e.status !== 'failed').length;

  return {
    entries: () => entries,
    /**
     * Takes files (anything with name, size, type). Answers their entries: `uploading` for those to
     * send now, `failed` for those refused here (one too many, empty, or over a known size limit).
     */
    add(files) {
      const added = [];
      for (const file of files) {
        const entry = { key: `u${++next}`, name: cleanName(file.name), size: Number(file.size) || 0, type: file.type || '',
          status: 'uploading', loaded: 0, error: null, attachment: null };
        if (counted() >= max) {
          Object.assign(entry, { status: 'failed', error: `Not attached: a message can carry at most ${max} files.` });
        } else if (entry.size === 0) {
          Object.assign(entry, { status: 'failed', error: uploadError(400, { error: 'empty_file' }) });
        } else if (maxBytes && entry.size > maxBytes) {
          Object.assign(entry, { status: 'failed', error: uploadError(413, null, { maxBytes }) });
        }
        entries = [...entries, entry];
        added.push(entry);
      }
      return added;
    },
    progress(key, loaded) {
      const entry = find(key);
      if (entry?.status === 'uploading') entry.loaded = Math.min(entry.size, Math.max(entry.loaded, Number(loaded) || 0));
      return entry ?? null;
    },
    done(key, attachment) {
      const entry = find(key);
      if (entry?.status !== 'uploading') return null;
      return Object.assign(entry, {
        status: 'done', attachment, loaded: entry.size,
        name: attachment?.name || entry.name, type: attachment?.type || entry.type, size: attachment?.size ?? entry.size,
      });
    },
    failed(key, status, data) {
      const entry = find(key);
      if (entry?.status !== 'uploading') return null;
      return Object.assign(entry, { status: 'failed', error: uploadError(status, data, { maxBytes }) });
    },
    remove(key) {
      const entry = find(key);
      entries = entries.filter((e) => e.key !== key);
      return entry ?? null;
    },
    clear() {
      entries = [];
    },
    /** True while any file is still on its way: the message must not be sent yet. */
    busy: () => entries.some((e) => e.status === 'uploading'),
    /** The ids to send with the message, in the order the files were added. */
    ids: () => entries.filter((e) => e.status === 'done').map((e) => e.attachment.id),
    /** How many more files may be added. */
    room: () => Math.max(0, max - counted()),
    /** 0..100, how much of the file has been sent. */
    percent(key) {
      const entry = find(key);
      if (!entry) return 0;
      if (entry.status === 'done') return 100;
      return entry.size ? Math.floor((entry.loaded / entry.size) * 100) : 0;
    },
  };
}
