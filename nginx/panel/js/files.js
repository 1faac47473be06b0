// Files an agent sends: the types and sizes WhatsApp carries (the same
// table the server checks, src/media.c), checked before anything is read
// or sent, and the file read as base64 for the JSON body.
import { field, h, setFieldError } from './dom.js';

const MB = 1024 * 1024;
// MAX_FILE_SIZE's default; the server may allow less and says so (413).
export const MAX_FILE_SIZE = 16 * MB;

const KINDS = {
  image: { label: 'images', limit: 5 * MB },
  sticker: { label: 'stickers (WebP)', limit: 100 * 1024 },
  audio: { label: 'audio', limit: 16 * MB },
  video: { label: 'videos', limit: 16 * MB },
  document: { label: 'documents', limit: 100 * MB },
};

const TYPES = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'sticker',
  'audio/aac': 'audio',
  'audio/amr': 'audio',
  'audio/mpeg': 'audio',
  'audio/mp4': 'audio',
  'audio/ogg': 'audio',
  'video/mp4': 'video',
  'video/3gpp': 'video',
  'application/pdf': 'document',
  'application/msword': 'document',
  'application/vnd.ms-excel': 'document',
  'application/vnd.ms-powerpoint': 'document',
  'text/plain': 'document',
  'text/csv': 'document',
};
const OFFICE = 'application/vnd.openxmlformats-officedocument.';

// What browsers call some of these.
const ALIASES = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'audio/mp3': 'audio/mpeg',
  'audio/x-mp3': 'audio/mpeg',
  'audio/x-m4a': 'audio/mp4',
  'audio/m4a': 'audio/mp4',
  'audio/x-aac': 'audio/aac',
  'audio/aacp': 'audio/aac',
  'audio/opus': 'audio/ogg',
  'audio/3gpp': 'video/3gpp',
  'audio/amr-wb': 'audio/amr',
  'application/csv': 'text/csv',
  'text/comma-separated-values': 'text/csv',
};

// When the browser does not know the type, the name's ending decides.
const EXTENSIONS = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  aac: 'audio/aac',
  amr: 'audio/amr',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  mp4: 'video/mp4',
  '3gp': 'video/3gpp',
  pdf: 'application/pdf',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  docx: `${OFFICE}wordprocessingml.document`,
  xlsx: `${OFFICE}spreadsheetml.sheet`,
  pptx: `${OFFICE}presentationml.presentation`,
  txt: 'text/plain',
  csv: 'text/csv',
};

// The input's accept attribute: a hint to the picker, never the check.
export const ACCEPT = [...new Set([...Object.keys(TYPES), ...Object.keys(EXTENSIONS).map((e) => `.${e}`)])].join(',');

export const FILE_HINT = 'JPEG or PNG images up to 5 MB, WebP stickers up to 100 KB, audio (MP3, AAC, AMR, M4A, OGG) '
  + 'and video (MP4, 3GP) up to 16 MB, documents (PDF, Word, Excel, PowerPoint, text, CSV).';

function kindOf(type) {
  if (TYPES[type]) return TYPES[type];
  if (type.startsWith(OFFICE) && type.length > OFFICE.length) return 'document';
  return null;
}

export function fileSize(n) {
  if (!n) return '0 B';
  if (n < 1024) return `${n} B`;
  if (n < MB) return `${Math.round(n / 1024)} KB`;
  const v = n / MB;
  return `${v >= 10 ? Math.round(v) : v.toFixed(1).replace(/\.0$/, '')} MB`;
}

function extension(name) {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(String(name || ''));
  return m ? m[1].toLowerCase() : '';
}

// {ok: true, type, kind} or {ok: false, status: 415|413, message}, with
// the words the server uses for the same refusals.
export function checkFile(file) {
  let type = String(file.type || '').toLowerCase().split(';')[0].trim();
  type = ALIASES[type] || type;
  if (!kindOf(type)) {
    const byName = EXTENSIONS[extension(file.name)];
    if (byName) type = byName;
  }
  const kind = kindOf(type);
  if (!kind) {
    const what = file.type ? `${file.type} files` : `.${extension(file.name) || '?'} files`;
    return { ok: false, status: 415, message: `WhatsApp cannot send ${what}. Choose one of: ${FILE_HINT}` };
  }
  if (!file.size) return { ok: false, status: 415, message: `${file.name} is empty.` };
  const k = KINDS[kind];
  if (file.size > k.limit) {
    return { ok: false, status: 413, message: `${file.name} is ${fileSize(file.size)}: WhatsApp takes ${k.label} up to ${fileSize(k.limit)}.` };
  }
  if (file.size > MAX_FILE_SIZE) {
    return { ok: false, status: 413, message: `${file.name} is ${fileSize(file.size)}: files are limited to ${fileSize(MAX_FILE_SIZE)}.` };
  }
  return { ok: true, type, kind };
}

// The file as base64, without the "data:...;base64," prefix.
export function readBase64(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      const s = String(r.result || '');
      const comma = s.indexOf(',');
      resolve(comma >= 0 ? s.slice(comma + 1) : '');
    };
    r.onerror = () => reject(new Error(`${file.name} could not be read: ${r.error ? r.error.message : 'unknown error'}.`));
    r.readAsDataURL(file);
  });
}

// A name the server takes: no path separators or line breaks, at most
// 255 bytes (shortened before its ending).
export function safeName(name) {
  const s = String(name || 'file').replace(/[\\/\r\n]+/g, '_');
  const enc = new TextEncoder();
  if (enc.encode(s).length <= 255) return s;
  const ext = extension(s);
  const tail = ext ? `.${ext}` : '';
  const base = Array.from(ext ? s.slice(0, -tail.length) : s);
  while (base.length && enc.encode(`${base.join('')}${tail}`).length > 240) base.pop();
  return `${base.join('')}${tail}`;
}

// The body's {name, type, content} for a checked file.
export async function filePayload(file, checked) {
  return { name: safeName(file.name), type: checked.type, content: await readBase64(file) };
}

// How the server's refusal of a file reads beside the file's field (null
// when it is not about the file).
export function serverFileError(err, file) {
  if (err.status === 415) return `${String(err.message || 'WhatsApp cannot send this kind of file').replace(/\.$/, '')}.`;
  if (err.status === 413) {
    const what = file ? `${file.name} (${fileSize(file.size)})` : 'The file';
    return `${what} is too large for this server: ${String(err.message || 'over its limit').replace(/\.$/, '')}.`;
  }
  return null;
}

// A labelled file input with its hint, its error, what was chosen (name,
// size, a preview of an image) and a button to remove it. The choice is
// checked at once; check() repeats it before sending.
// Returns {wrap, input, error, name, file(), check(), reset(), onchange}.
export function filePicker(name, label, opts = {}) {
  const f = field(name, label, { kind: 'file', optional: true, accept: ACCEPT, hint: opts.hint || FILE_HINT });
  const summary = h('span', { class: 'file-summary' });
  const remove = h('button', { type: 'button', class: 'btn btn-small' }, 'Remove');
  const chosen = h('div', { class: 'file-chosen', hidden: true }, summary, remove);
  let preview = null; // made for an image only, shown once it decodes
  f.wrap.classList.add('field-file');
  f.wrap.insertBefore(chosen, f.error);
  let seq = 0;
  f.onchange = null;

  f.file = () => (f.input.files && f.input.files.length ? f.input.files[0] : null);

  // null when there is no file; {ok, type, kind} or {ok: false, message}.
  f.check = () => {
    const file = f.file();
    if (!file) {
      setFieldError(f, null);
      return null;
    }
    const c = checkFile(file);
    setFieldError(f, c.ok ? null : c.message);
    return c;
  };

  function show() {
    const file = f.file();
    const mySeq = ++seq;
    if (preview) preview.remove();
    preview = null;
    chosen.hidden = !file;
    if (!file) {
      setFieldError(f, null);
      summary.textContent = '';
    } else {
      const c = f.check();
      summary.textContent = `${file.name} (${fileSize(file.size)})`;
      remove.setAttribute('aria-label', `Remove ${file.name}`);
      if (c && c.ok && c.kind === 'image') {
        readBase64(file).then((b64) => {
          if (mySeq !== seq) return;
          const img = h('img', { class: 'file-preview', alt: `Preview of ${file.name}`, hidden: true });
          img.addEventListener('load', () => { img.hidden = false; });
          img.src = `data:${c.type};base64,${b64}`;
          preview = img;
          chosen.prepend(img);
        }).catch(() => {});
      }
    }
    if (f.onchange) f.onchange(file);
  }

  f.reset = () => {
    f.input.value = '';
    show();
  };
  f.input.addEventListener('change', show);
  remove.addEventListener('click', () => {
    f.reset();
    f.input.focus();
  });
  return f;
}
