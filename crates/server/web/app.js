// Parasol's web page: upload, viewer, downloads, chat.
//
// Rule: nothing from a document or a response is ever parsed as HTML into
// this page. Views are built with createElement and textContent; a table's
// HTML is parsed by DOMParser (an inert document: no script runs, nothing
// loads) and only table tags, colspan/rowspan and text are copied over.

const API = '/v1/document-digitization';
const $ = (id) => document.getElementById(id);

const state = {
  key: sessionStorage.getItem('parasol-key') || '',
  jobs: new Map(), // id -> { id, name, status, li, parts }
  doc: null, // { id, name, result, pages, elements, page, images: Map }
  selected: null,
  chat: [], // the open document's conversation: OpenAI messages
};

// ---- small helpers ----------------------------------------------------

function h(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'role') e.setAttribute(k, String(v));
    else e[k] = v;
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function names() {
  try { return JSON.parse(localStorage.getItem('parasol-names') || '{}'); } catch { return {}; }
}
function rememberName(id, name) {
  const all = names();
  all[id] = name;
  localStorage.setItem('parasol-names', JSON.stringify(all));
}

// What an API error means, in words.
const MESSAGES = {
  password_required: 'This PDF is encrypted: enter its password under Options and upload it again.',
  wrong_password: 'The password does not open this PDF.',
  unsupported_document_type: 'This type of file is not supported: use PDF, PNG, JPEG, TIFF or WebP.',
  invalid_api_key: 'The server needs an API key: enter it at the top of the page.',
  queue_full: 'The server is busy; try again in a moment.',
  no_text: 'The document has no text to ask about.',
};

class ApiError extends Error {
  constructor(message, code, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

async function errorOf(response) {
  let body = null;
  try { body = await response.json(); } catch { /* not JSON */ }
  const code = body?.error?.code || '';
  let message = MESSAGES[code] || body?.error?.message || '';
  if (code === 'upload_too_large') message = `This file is too large: ${body.error.message}.`;
  if (!message) message = response.status >= 500 ? 'The server failed to handle the request.' : 'The request was refused.';
  if (response.status === 401) showKeyForm();
  return new ApiError(message, code, response.status);
}

async function api(path, init = {}) {
  const headers = new Headers(init.headers || {});
  if (state.key) headers.set('Authorization', `Bearer ${state.key}`);
  let response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError('The server cannot be reached.', 'network', 0);
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

function showKeyForm() {
  $('key-form').hidden = false;
}

// ---- upload and jobs --------------------------------------------------

function upload(files) {
  for (const file of files) uploadOne(file);
}

async function uploadOne(file) {
  const job = addJob(null, file.name);
  setJob(job, { text: 'Uploading…' });
  const form = new FormData();
  form.append('document', file, file.name);
  form.append('ocr', $('opt-ocr').value);
  form.append('layout', $('opt-layout').value);
  const password = $('opt-password').value;
  if (password) form.append('password', password);
  form.append('output_formats', '["html", "markdown", "text"]');
  try {
    const response = await api(`${API}/async`, { method: 'POST', body: form });
    const { request_id: id } = await response.json();
    rememberName(id, file.name);
    job.id = id;
    job.li.dataset.job = id;
    state.jobs.set(id, job);
    setJob(job, { text: 'Queued', status: 'submitted' });
    poll(job);
  } catch (e) {
    setJob(job, { error: e.message, status: 'failed' });
  }
}

function addJob(id, name) {
  $('jobs-empty').hidden = true;
  const title = h('span', { class: 'job-name', text: name });
  const status = h('span', { class: 'job-status', text: '' });
  const bar = h('progress', { max: 1, value: 0, 'aria-label': `Progress of ${name}` });
  const error = h('p', { class: 'job-error', role: 'alert', hidden: true });
  const open = h('button', { type: 'button', class: 'job-open', text: 'Open', disabled: true, 'aria-label': `Open ${name}` });
  const li = h('li', { class: 'job' }, h('div', { class: 'job-head' }, title, open), bar, status, error);
  if (id) li.dataset.job = id;
  $('jobs').prepend(li);
  const job = { id, name, status: '', li, parts: { status, bar, error, open } };
  open.addEventListener('click', () => openDocument(job.id));
  if (id) state.jobs.set(id, job);
  return job;
}

function setJob(job, { text, status, error, done, total }) {
  const { parts, li } = job;
  if (status) {
    job.status = status;
    li.dataset.status = status;
  }
  if (text != null) parts.status.textContent = text;
  if (total) {
    parts.bar.max = total;
    parts.bar.value = done || 0;
  }
  if (error) {
    parts.error.textContent = error;
    parts.error.hidden = false;
    parts.bar.hidden = true;
    parts.status.textContent = 'Failed';
  }
  parts.open.disabled = job.status !== 'completed';
}

async function poll(job) {
  for (;;) {
    let s;
    try {
      s = await (await api(`${API}/requests/${encodeURIComponent(job.id)}`)).json();
    } catch (e) {
      setJob(job, { error: e.message, status: 'failed' });
      return;
    }
    updateFromStatus(job, s);
    if (s.status === 'completed' || s.status === 'failed') {
      if (s.status === 'completed' && !state.doc) openDocument(job.id);
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function updateFromStatus(job, s) {
  job.total = s.total_pages || 0;
  if (s.status === 'failed') {
    setJob(job, { status: 'failed', error: s.failure_message || 'The document could not be parsed.' });
  } else if (s.status === 'completed') {
    setJob(job, { status: 'completed', text: `${s.total_pages} page${s.total_pages === 1 ? '' : 's'}`, done: s.total_pages, total: s.total_pages });
  } else {
    const text = s.total_pages ? `Page ${s.completed_pages} of ${s.total_pages}` : s.status === 'started' ? 'Opening…' : 'Queued';
    setJob(job, { status: s.status, text, done: s.completed_pages, total: s.total_pages || 1 });
  }
}

async function loadJobs() {
  let list;
  try {
    list = await (await api(`${API}/requests`)).json();
  } catch (e) {
    setStatus(e.message);
    return;
  }
  const known = names();
  for (const s of list.requests.slice().reverse()) {
    if (state.jobs.has(s.id)) continue;
    const job = addJob(s.id, known[s.id] || `Document ${s.id.slice(0, 8)}`);
    updateFromStatus(job, s);
    if (s.status !== 'completed' && s.status !== 'failed') poll(job);
  }
}

// ---- viewer -----------------------------------------------------------

function setStatus(text) {
  $('viewer-status').textContent = text;
}

async function openDocument(id) {
  performance.mark('parasol-document-open');
  const job = state.jobs.get(id);
  setStatus('Loading…');
  let result;
  try {
    result = await (await api(`${API}/requests/${encodeURIComponent(id)}/result`)).json();
  } catch (e) {
    setStatus(e.message);
    return;
  }
  if (state.doc) for (const url of state.doc.images.values()) URL.revokeObjectURL(url);
  const elements = result.elements || [];
  const pages = Math.max(job?.total || 0, ...elements.map((e) => e.page), 1);
  state.doc = { id, name: job?.name || id, result, elements, pages, page: 0, images: new Map() };
  state.selected = null;
  state.chat = [];
  $('messages').replaceChildren();
  for (const j of state.jobs.values()) j.li.classList.toggle('open', j.id === id);
  document.body.dataset.doc = id;
  $('doc-title').textContent = state.doc.name;
  $('out-md').textContent = result.content?.markdown || '';
  $('out-json').textContent = JSON.stringify(result, null, 2);
  for (const b of document.querySelectorAll('[data-download]')) b.disabled = false;
  $('question').disabled = false;
  $('question').placeholder = 'Ask a question about this document';
  $('ask').disabled = false;
  $('page-no').max = pages;
  $('page-no').disabled = false;
  $('page-count').textContent = `of ${pages}`;
  setStatus('');
  await showPage(1);
  performance.mark('parasol-document-shown');
}

async function pageImage(n) {
  const doc = state.doc;
  if (doc.images.has(n)) return doc.images.get(n);
  const blob = await (await api(`${API}/requests/${encodeURIComponent(doc.id)}/pages/${n}`)).blob();
  const url = URL.createObjectURL(blob);
  doc.images.set(n, url);
  return url;
}

async function showPage(n) {
  const doc = state.doc;
  if (!doc) return;
  n = Math.min(Math.max(1, n), doc.pages);
  doc.page = n;
  $('page-no').value = n;
  $('prev').disabled = n <= 1;
  $('next').disabled = n >= doc.pages;
  const onPage = doc.elements.map((e, i) => [e, i]).filter(([e]) => e.page === n);
  drawBoxes(onPage);
  renderOutput(onPage);
  $('page').hidden = false;
  $('page-empty').hidden = true;
  $('page').dataset.page = n;
  const img = $('page-img');
  img.alt = `Page ${n} of ${doc.name}`;
  try {
    const url = await pageImage(n);
    if (state.doc === doc && doc.page === n) {
      img.src = url;
      await img.decode();
    }
  } catch (e) {
    img.removeAttribute('src');
    setStatus(`The page image is not available: ${e.message}`);
  }
  if (state.selected != null) markSelected(state.selected);
}

// The box of an element, as fractions of the page: [left, top, right, bottom].
function extent(e) {
  const pts = e.coordinates || [];
  if (!pts.length) return null;
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function drawBoxes(onPage) {
  const layer = $('boxes');
  layer.replaceChildren();
  for (const [e, i] of onPage) {
    const box = extent(e);
    if (!box) continue;
    const [x0, y0, x1, y1] = box.map((v) => Math.min(Math.max(v, 0), 1) * 100);
    const b = h('div', {
      class: `box cat-${category(e)}`,
      'data-id': e.id,
      'data-category': category(e),
      title: `${e.category} #${i + 1}`,
    }, h('span', { class: 'order', text: String(i + 1), 'aria-hidden': 'true' }));
    // CSSOM, which the Content-Security-Policy allows (no style attribute markup).
    b.style.left = `${x0}%`;
    b.style.top = `${y0}%`;
    b.style.width = `${Math.max(x1 - x0, 0.2)}%`;
    b.style.height = `${Math.max(y1 - y0, 0.2)}%`;
    layer.append(b);
  }
}

const CATEGORIES = new Set(['heading1', 'paragraph', 'list', 'table', 'figure', 'chart', 'caption', 'header', 'footer', 'equation', 'index', 'footnote']);
function category(e) {
  return CATEGORIES.has(e.category) ? e.category : 'other';
}

function inert(html) {
  return new DOMParser().parseFromString(html || '', 'text/html');
}

function textOf(e) {
  const c = e.content || {};
  if (c.text) return c.text;
  if (c.markdown) return c.markdown;
  return inert(c.html).body.textContent || '';
}

function renderOutput(onPage) {
  const out = $('out-html');
  out.replaceChildren();
  if (!onPage.length) out.append(h('p', { class: 'muted', text: 'No elements on this page.' }));
  for (const [e, i] of onPage) {
    const cat = category(e);
    const block = h('div', {
      class: `el cat-${cat}`,
      'data-id': e.id,
      'data-category': cat,
      tabIndex: 0,
      'aria-label': `${e.category} ${i + 1}`,
    }, h('span', { class: 'tag', text: `${i + 1} · ${e.category}`, 'aria-hidden': 'true' }));
    block.append(renderContent(e, cat));
    out.append(block);
  }
}

function renderContent(e, cat) {
  const text = textOf(e);
  if (cat === 'table') {
    const table = safeTable(e.content?.html);
    if (table) return table;
  }
  if (cat === 'figure' || cat === 'chart') {
    const fig = h('figure');
    const src = figureSource(e);
    if (src) fig.append(h('img', { src, alt: text || `${cat} on page ${e.page}` }));
    if (text) fig.append(h('figcaption', { text }));
    return fig;
  }
  if (cat === 'heading1') return h('h3', { text });
  if (cat === 'equation') return h('pre', { class: 'equation', text });
  return h('p', { text });
}

const TABLE_TAGS = new Set(['TABLE', 'THEAD', 'TBODY', 'TFOOT', 'TR', 'TH', 'TD', 'CAPTION', 'BR']);

// The element's table, rebuilt from an inert parse: table tags, their
// spans and text only.
function safeTable(html) {
  const src = inert(html).querySelector('table');
  if (!src) return null;
  const copy = (node) => {
    const out = document.createElement(node.tagName.toLowerCase());
    for (const attr of ['colspan', 'rowspan']) {
      const v = node.getAttribute(attr);
      if (v && /^[0-9]{1,3}$/.test(v)) out.setAttribute(attr, v);
    }
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) out.append(child.data);
      else if (child.nodeType === Node.ELEMENT_NODE) {
        if (TABLE_TAGS.has(child.tagName)) out.append(copy(child));
        else out.append(child.textContent);
      }
    }
    return out;
  };
  return copy(src);
}

const DATA_PNG = /^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/=]+$/;

// A figure's embedded image: a data: PNG or JPEG and nothing else.
function figureSource(e) {
  const b64 = e.base64_encoding;
  if (b64 && /^[A-Za-z0-9+/=]+$/.test(b64)) return `data:image/png;base64,${b64}`;
  const img = inert(e.content?.html).querySelector('img');
  const src = img?.getAttribute('src') || '';
  return DATA_PNG.test(src) ? src : null;
}

// ---- highlighting -------------------------------------------------------

function nodesOf(id) {
  return document.querySelectorAll(`#boxes [data-id="${CSS.escape(String(id))}"], #out-html [data-id="${CSS.escape(String(id))}"]`);
}

function hover(id, on) {
  for (const n of nodesOf(id)) n.classList.toggle('hover', on);
}

function markSelected(id) {
  for (const n of document.querySelectorAll('.selected')) n.classList.remove('selected');
  for (const n of nodesOf(id)) n.classList.add('selected');
}

function select(id, from) {
  state.selected = id;
  markSelected(id);
  const box = document.querySelector(`#boxes [data-id="${CSS.escape(String(id))}"]`);
  const block = document.querySelector(`#out-html [data-id="${CSS.escape(String(id))}"]`);
  if (from !== 'output' && block) block.scrollIntoView({ block: 'nearest' });
  if (from !== 'page' && box) box.scrollIntoView({ block: 'nearest' });
}

function wireHighlight(container, from) {
  const idOf = (ev) => ev.target.closest?.('[data-id]')?.dataset.id;
  container.addEventListener('mouseover', (ev) => { const id = idOf(ev); if (id) hover(id, true); });
  container.addEventListener('mouseout', (ev) => { const id = idOf(ev); if (id) hover(id, false); });
  container.addEventListener('focusin', (ev) => { const id = idOf(ev); if (id) hover(id, true); });
  container.addEventListener('focusout', (ev) => { const id = idOf(ev); if (id) hover(id, false); });
  container.addEventListener('click', (ev) => { const id = idOf(ev); if (id) select(Number(id), from); });
  container.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' && ev.key !== ' ') return;
    const id = idOf(ev);
    if (id) { ev.preventDefault(); select(Number(id), from); }
  });
}

// ---- downloads ----------------------------------------------------------

function baseName() {
  const name = state.doc?.name || 'document';
  return name.replace(/\.[A-Za-z0-9]{1,5}$/, '') || 'document';
}

function outputs() {
  const r = state.doc.result;
  const c = r.content || {};
  return {
    html: { name: `${baseName()}.html`, type: 'text/html', text: c.html || '' },
    md: { name: `${baseName()}.md`, type: 'text/markdown', text: c.markdown || '' },
    txt: { name: `${baseName()}.txt`, type: 'text/plain', text: c.text || '' },
    json: { name: `${baseName()}.json`, type: 'application/json', text: `${JSON.stringify(r, null, 2)}\n` },
  };
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function download(kind) {
  if (!state.doc) return;
  const all = outputs();
  if (kind === 'zip') {
    const files = Object.values(all).map((f) => ({ name: f.name, data: new TextEncoder().encode(f.text) }));
    save(new Blob([zip(files)], { type: 'application/zip' }), `${baseName()}.zip`);
  } else {
    const f = all[kind];
    save(new Blob([f.text], { type: `${f.type};charset=utf-8` }), f.name);
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// A zip archive of `files` ({name, data: Uint8Array}), stored uncompressed.
function zip(files) {
  const enc = new TextEncoder();
  const chunks = [];
  const central = [];
  let offset = 0;
  for (const f of files) {
    const name = enc.encode(f.name);
    const crc = crc32(f.data);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(6, 0x0800, true); // UTF-8 names
    local.setUint16(8, 0, true); // stored
    local.setUint16(10, 0, true);
    local.setUint16(12, 0x21, true); // 1980-01-01
    local.setUint32(14, crc, true);
    local.setUint32(18, f.data.length, true);
    local.setUint32(22, f.data.length, true);
    local.setUint16(26, name.length, true);
    local.setUint16(28, 0, true);
    chunks.push(new Uint8Array(local.buffer), name, f.data);
    const dir = new DataView(new ArrayBuffer(46));
    dir.setUint32(0, 0x02014b50, true);
    dir.setUint16(4, 20, true);
    dir.setUint16(6, 20, true);
    dir.setUint16(8, 0x0800, true);
    dir.setUint16(10, 0, true);
    dir.setUint16(12, 0, true);
    dir.setUint16(14, 0x21, true);
    dir.setUint32(16, crc, true);
    dir.setUint32(20, f.data.length, true);
    dir.setUint32(24, f.data.length, true);
    dir.setUint16(28, name.length, true);
    dir.setUint32(42, offset, true);
    central.push(new Uint8Array(dir.buffer), name);
    offset += 30 + name.length + f.data.length;
  }
  const size = central.reduce((n, c) => n + c.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, files.length, true);
  end.setUint16(10, files.length, true);
  end.setUint32(12, size, true);
  end.setUint32(16, offset, true);
  return new Blob([...chunks, ...central, new Uint8Array(end.buffer)]);
}

// ---- chat ---------------------------------------------------------------

const NOT_IN_DOCUMENT = /does not say|not in the document|no information/i;

async function ask(question) {
  const doc = state.doc;
  if (!doc || !question.trim()) return;
  const messages = [...state.chat, { role: 'user', content: question }];
  const list = $('messages');
  list.append(h('li', { class: 'msg user' }, h('p', { text: question })));
  const answer = h('p', { class: 'answer' });
  const note = h('p', { class: 'note muted', text: 'Thinking…' });
  const li = h('li', { class: 'msg assistant', 'data-state': 'waiting', 'data-pieces': 0 }, answer, note);
  list.append(li);
  li.scrollIntoView({ block: 'nearest' });
  $('ask').disabled = true;
  let text = '';
  let citations = null;
  let pieces = 0;
  try {
    const maxTokens = Number($('max-tokens').value) || 256;
    const response = await api('/v1/chat/completions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'solar-mini', messages, stream: true, documents: [doc.id], max_tokens: maxTokens, temperature: 0 }),
    });
    li.dataset.state = 'streaming';
    note.textContent = '';
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r/g, '');
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
        if (!data || data === '[DONE]') continue;
        const chunk = JSON.parse(data);
        if (chunk.error) throw new ApiError(MESSAGES[chunk.error.code] || chunk.error.message, chunk.error.code, 0);
        const delta = chunk.choices?.[0]?.delta?.content;
        if (delta) {
          text += delta;
          pieces += 1;
          li.dataset.pieces = pieces;
          renderAnswer(answer, text, null);
        }
        if (chunk.citations) citations = chunk.citations;
      }
    }
    citations = citations || [];
    renderAnswer(answer, text, citations);
    li.dataset.citations = JSON.stringify(citations.map((c) => c.element_id));
    if (!citations.length && NOT_IN_DOCUMENT.test(text)) {
      li.classList.add('not-found');
      note.textContent = 'Not in the document.';
    } else if (!citations.length) {
      note.textContent = 'No sources cited.';
    } else {
      note.replaceChildren('Sources: ', ...sourceButtons(citations));
    }
    li.dataset.state = 'done';
    if (state.doc === doc) state.chat = [...messages, { role: 'assistant', content: text }];
  } catch (e) {
    li.dataset.state = 'failed';
    note.textContent = e.message;
    note.classList.add('error');
  } finally {
    $('ask').disabled = !state.doc;
  }
}

function citeButton(c, label) {
  const b = h('button', {
    type: 'button',
    class: 'cite',
    text: label,
    title: c.quote || '',
    'aria-label': `Source ${c.marker}, page ${c.page}`,
    'data-element': c.element_id,
    'data-page': c.page,
  });
  b.addEventListener('click', () => gotoCitation(c));
  return b;
}

function renderAnswer(node, text, citations) {
  node.replaceChildren();
  const parts = text.split(/(\[\d+\])/);
  for (const part of parts) {
    const m = /^\[(\d+)\]$/.exec(part);
    const c = m && citations?.find((x) => x.marker === Number(m[1]));
    node.append(c ? citeButton(c, part) : part);
  }
}

function sourceButtons(citations) {
  const seen = new Set();
  const out = [];
  for (const c of citations) {
    if (seen.has(c.marker)) continue;
    seen.add(c.marker);
    out.push(citeButton(c, `[${c.marker}] p. ${c.page}`), ' ');
  }
  return out;
}

async function gotoCitation(c) {
  if (!state.doc || state.doc.id !== c.document) await openDocument(c.document);
  if (state.doc.page !== c.page) await showPage(c.page);
  select(c.element_id, 'chat');
}

// ---- wiring -------------------------------------------------------------

function selectTab(tab) {
  for (const t of document.querySelectorAll('[role="tab"]')) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !on;
  }
  tab.focus();
}

function init() {
  if (state.key) {
    showKeyForm();
    $('api-key').value = state.key;
  }
  $('key-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    state.key = $('api-key').value.trim();
    sessionStorage.setItem('parasol-key', state.key);
    loadJobs();
  });
  $('choose').addEventListener('click', () => $('files').click());
  $('files').addEventListener('change', () => {
    upload([...$('files').files]);
    $('files').value = '';
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    upload([...ev.dataTransfer.files]);
  });
  // A file dropped anywhere else must not navigate away from the page.
  window.addEventListener('dragover', (ev) => ev.preventDefault());
  window.addEventListener('drop', (ev) => ev.preventDefault());

  $('prev').addEventListener('click', () => showPage(state.doc.page - 1));
  $('next').addEventListener('click', () => showPage(state.doc.page + 1));
  $('page-no').addEventListener('change', () => showPage(Number($('page-no').value) || 1));
  $('show-order').addEventListener('change', (ev) => document.body.classList.toggle('show-order', ev.target.checked));
  for (const b of document.querySelectorAll('[data-download]')) b.addEventListener('click', () => download(b.dataset.download));

  const tabs = [...document.querySelectorAll('[role="tab"]')];
  for (const t of tabs) {
    t.addEventListener('click', () => selectTab(t));
    t.addEventListener('keydown', (ev) => {
      const i = tabs.indexOf(t);
      if (ev.key === 'ArrowRight') selectTab(tabs[(i + 1) % tabs.length]);
      if (ev.key === 'ArrowLeft') selectTab(tabs[(i + tabs.length - 1) % tabs.length]);
    });
  }
  wireHighlight($('boxes'), 'page');
  wireHighlight($('out-html'), 'output');

  $('chat-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = $('question').value;
    $('question').value = '';
    ask(q);
  });
  $('question').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      $('chat-form').requestSubmit();
    }
  });
  loadJobs().then(() => {
    performance.mark('parasol-ready');
    document.body.dataset.ready = 'true';
  });
}

init();
