// quire's browser runtime, the page half. Every page loads it after first paint; the page
// is complete without it. It makes what the build drew interactive:
//   - charts show a tooltip with the formatted values under the pointer;
//   - tables sort by column, search and page;
//   - every chart and table downloads its data as CSV;
//   - on pages with inputs, it takes over the engine's Web Worker (worker.js → the wasm
//     built from site/src) that a script in the page's head started while the page was
//     read (or starts it), sends each input change there, and swaps in the slots the
//     worker re-rendered with the build's own renderer. The URL keeps the inputs' state.
// Status for tests and curious readers: <html data-quire-runtime="static|loading|live|
// match|mismatch|ready|error">: `live` once the inputs answer, then `match` or `mismatch`
// once one query has been checked against the build's result (`ready` on a page with
// nothing to check).

const root = document.documentElement;
const islandEl = document.getElementById('quire-data');
const island = islandEl ? JSON.parse(islandEl.textContent) : {};
const live = new Set(island.live || []);
const base = new URL(island.root || './', location.href);
let worker = null;

// ---------------------------------------------------------------- tooltips
const tip = document.createElement('div');
tip.className = 'q-tip';
tip.setAttribute('role', 'tooltip');
tip.hidden = true;
document.body.appendChild(tip);

function showTip(target, event) {
  const d = target.dataset;
  tip.replaceChildren();
  const head = document.createElement('div');
  head.className = 'q-tip-x';
  head.textContent = d.x;
  const row = document.createElement('div');
  row.className = 'q-tip-row';
  const swatch = document.createElement('span');
  swatch.className = 'q-tip-swatch';
  swatch.style.background = target.getAttribute('fill') || target.getAttribute('stroke') || 'currentColor';
  const name = document.createElement('span');
  name.textContent = d.series || '';
  const value = document.createElement('b');
  value.textContent = d.y;
  row.append(swatch, name, value);
  // A point's own name (`tooltipTitle`) above its x; a bubble's size (`sizeFmt`) below.
  if (d.title) {
    const title = document.createElement('div');
    title.className = 'q-tip-title';
    title.textContent = d.title;
    tip.append(title);
  }
  // Several named values in place of the series row (a box plot's five numbers).
  let rows = null;
  try { rows = d.rows ? JSON.parse(d.rows) : null; } catch (_) { rows = null; }
  if (Array.isArray(rows)) {
    if (d.x) tip.append(head);
    // A map's rows may end in a link (`contentType: 'link'`), checked by the build.
    for (const [label, v, href] of rows) {
      const r = document.createElement('div');
      r.className = 'q-tip-row';
      const blank = document.createElement('span');
      blank.className = 'q-tip-swatch';
      const n = document.createElement('span');
      n.textContent = String(label);
      let b = document.createElement('b');
      if (href) {
        const to = new URL(String(href), location.href);
        if (['http:', 'https:', 'mailto:'].includes(to.protocol)) {
          b = document.createElement('a');
          b.href = to.href;
        }
      }
      b.textContent = String(v);
      r.append(blank, n, b);
      tip.append(r);
    }
  } else {
    tip.append(head, row);
  }
  if (d.size !== undefined) {
    const size = document.createElement('div');
    size.className = 'q-tip-row';
    const sizeName = document.createElement('span');
    sizeName.textContent = `${d.sizeName || 'Size'} (size)`;
    const sizeValue = document.createElement('b');
    sizeValue.textContent = d.size;
    const blank = document.createElement('span');
    blank.className = 'q-tip-swatch';
    size.append(blank, sizeName, sizeValue);
    tip.append(size);
  }
  tip.hidden = false;
  const pad = 14;
  const w = tip.offsetWidth;
  const h = tip.offsetHeight;
  let x = event.clientX + pad;
  let y = event.clientY - h - pad;
  if (x + w > innerWidth - 4) x = event.clientX - w - pad;
  if (y < 4) y = event.clientY + pad;
  tip.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
}

// Hover shows a tooltip; a map with `tooltipType=click` shows one on a click, and keeps it
// (so its links can be followed) until the next click elsewhere.
const pinnable = (t) => t.closest('[data-tooltip="click"]');
document.addEventListener('pointermove', (e) => {
  if (tip.dataset.pinned) return;
  const t = e.target instanceof Element ? e.target.closest('.q-svg [data-x]') : null;
  if (t && !pinnable(t)) showTip(t, e);
  else if (!tip.hidden) tip.hidden = true;
});
document.addEventListener('click', (e) => {
  if (!(e.target instanceof Element) || e.target.closest('.q-tip')) return;
  const t = e.target.closest('.q-svg [data-x]');
  if (t && pinnable(t)) {
    e.preventDefault();
    showTip(t, e);
    tip.dataset.pinned = '1';
  } else if (tip.dataset.pinned) {
    delete tip.dataset.pinned;
    tip.hidden = true;
  }
});
document.addEventListener('scroll', () => { tip.hidden = true; delete tip.dataset.pinned; }, { passive: true });

// ---------------------------------------------------------------- tables
function setupTable(wrap) {
  const table = wrap.querySelector('table.q-table');
  if (!table || wrap.dataset.ready) return;
  wrap.dataset.ready = '1';
  table.addEventListener('click', (e) => {
    const tr = e.target.closest('tr[data-href]');
    if (!tr || e.target.closest('a')) return;
    // The build checked the link; a re-rendered table is checked again here.
    const to = new URL(tr.dataset.href, location.href);
    if (['http:', 'https:', 'file:', 'mailto:'].includes(to.protocol)) location.href = to.href;
  });
  if (wrap.dataset.grouped) { setupGroups(wrap); return; }
  const body = table.tBodies[0];
  // Each row: its element, the text search looks in, and (from a row file) a sort key per
  // cell. A table too long for its page has its first page here and every row in a file,
  // loaded when the reader first sorts, searches or turns the page; only the page's rows
  // are then in the document.
  let rows = Array.from(body.rows).map((el) => ({ el, text: el.textContent.toLowerCase(), keys: null }));
  let large = false;
  let loading = null;
  const size = wrap.dataset.pageSize === 'all' ? Infinity : parseInt(wrap.dataset.pageSize || '10', 10);
  const state = { col: -1, dir: 1, query: '', page: 0 };
  const search = wrap.querySelector('.q-table-search');
  const count = wrap.querySelector('.q-table-count');
  const prev = wrap.querySelector('.q-page-prev');
  const next = wrap.querySelector('.q-page-next');
  // The titles are the last header row (a row of column groups may sit above them).
  const heads = Array.from(table.tHead ? table.tHead.rows[table.tHead.rows.length - 1].cells : []);

  function load() {
    if (!wrap.dataset.rows) return Promise.resolve();
    if (!loading) {
      if (count) count.textContent = 'Loading every row…';
      loading = fetch(new URL(wrap.dataset.rows, location.href))
        .then((r) => { if (!r.ok) throw new Error(r.statusText); return r.json(); })
        .then((file) => {
          rows = file.rows.map(([attrs, html, text, ...keys]) => ({ el: null, attrs, html, text, keys }));
          large = true;
          delete wrap.dataset.rows;
        })
        .catch(() => {
          loading = null;
          if (count) count.textContent = 'Could not load the other rows: download the CSV instead';
          throw new Error('rows');
        });
    }
    return loading;
  }
  function element(row) {
    if (!row.el) {
      const t = document.createElement('tbody');
      t.innerHTML = `<tr${row.attrs}>${row.html}</tr>`;
      row.el = t.rows[0];
    }
    return row.el;
  }
  function key(row, col) {
    if (row.keys) return row.keys[col] === undefined ? '' : row.keys[col];
    const cell = row.el.cells[col];
    if (!cell) return '';
    return cell.dataset.v !== undefined ? parseFloat(cell.dataset.v) : cell.textContent.trim().toLowerCase();
  }
  function apply() {
    let shown = rows.filter((r) => !state.query || r.text.includes(state.query));
    if (state.col >= 0) {
      shown = shown
        .map((r, i) => [r, i])
        .sort(([a, i], [b, j]) => {
          const x = key(a, state.col);
          const y = key(b, state.col);
          const c = x === '' && y !== '' ? 1 : y === '' && x !== '' ? -1 : x < y ? -1 : x > y ? 1 : 0;
          return c * state.dir || i - j;
        })
        .map(([r]) => r);
    }
    const pages = Math.max(1, Math.ceil(shown.length / size));
    state.page = Math.min(state.page, pages - 1);
    const from = state.page * size;
    if (large) {
      body.replaceChildren(...shown.slice(from, from + size).map(element));
    } else {
      const shownSet = new Set(shown);
      for (const r of rows) if (!shownSet.has(r)) r.el.classList.add('q-page-hidden');
      shown.forEach((r, i) => r.el.classList.toggle('q-page-hidden', i < from || i >= from + size));
      body.append(...shown.map((r) => r.el), ...rows.filter((r) => !shownSet.has(r)).map((r) => r.el));
    }
    if (count) {
      const nf = numberFormat();
      count.textContent = shown.length
        ? `${nf.format(from + 1)}–${nf.format(Math.min(from + size, shown.length))} of ${nf.format(shown.length)}`
        : 'No matching rows';
    }
    if (prev) prev.disabled = state.page === 0;
    if (next) next.disabled = state.page >= pages - 1;
    heads.forEach((h, i) => {
      if (i === state.col) h.setAttribute('aria-sort', state.dir > 0 ? 'ascending' : 'descending');
      else h.removeAttribute('aria-sort');
    });
  }
  const update = () => load().then(apply, () => {});
  heads.forEach((h, i) => {
    if (h.classList.contains('q-rownum') || wrap.dataset.sortable === 'false') return;
    h.classList.add('q-sortable');
    h.tabIndex = 0;
    const sort = () => {
      state.dir = state.col === i ? -state.dir : 1;
      state.col = i;
      update();
    };
    h.addEventListener('click', sort);
    h.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); }
    });
  });
  if (search) {
    search.disabled = false;
    search.addEventListener('input', () => {
      state.query = search.value.trim().toLowerCase();
      state.page = 0;
      update();
    });
  }
  if (prev) prev.addEventListener('click', () => { state.page -= 1; update(); });
  if (next) next.addEventListener('click', () => { state.page += 1; update(); });
  // The build drew the first page, its count and both buttons disabled (for a reader without
  // scripts); only the next page's button changes, if there is a next page. Not `apply()`:
  // its count's number format costs the page's thread 25 to 60 ms the first time (the
  // locale's data), while the engine loads.
  if (next) next.disabled = !wrap.dataset.rows && rows.length <= size;
}

/** The reader's number format, made once (the first costs tens of ms). */
let numbers = null;
function numberFormat() {
  numbers ||= new Intl.NumberFormat();
  return numbers;
}

// A grouped table (`groupBy`): one <tbody> per group, every row in the page. Its group row
// opens and closes it (accordion); search shows the groups with a matching row.
function setupGroups(wrap) {
  const groups = Array.from(wrap.querySelectorAll('tbody.q-group'));
  const setOpen = (g, open) => {
    g.dataset.open = String(open);
    const head = g.querySelector('.q-group-row');
    if (head) head.setAttribute('aria-expanded', String(open));
    g.querySelectorAll('tr.q-grouped').forEach((r) => r.classList.toggle('q-group-hidden', !open));
  };
  groups.forEach((g) => {
    const head = g.querySelector('.q-group-row');
    if (!head) return;
    const toggle = () => setOpen(g, g.dataset.open !== 'true');
    head.addEventListener('click', toggle);
    head.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(); }
    });
  });
  const search = wrap.querySelector('.q-table-search');
  if (search) {
    search.disabled = false;
    search.addEventListener('input', () => {
      const q = search.value.trim().toLowerCase();
      groups.forEach((g) => { g.hidden = !!q && !g.textContent.toLowerCase().includes(q); });
    });
  }
}

// ---------------------------------------------------------------- CSV downloads
function addDownload(el) {
  const query = el.dataset.query;
  // `downloadableData=false` on the component: no button.
  if (!query || el.dataset.download === 'false' || el.querySelector(':scope > .q-download')) return;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'q-download';
  button.textContent = 'CSV';
  button.title = `Download the data of \`${query}\` as CSV`;
  button.setAttribute('aria-label', `Download ${query} as CSV`);
  button.addEventListener('click', () => download(query, button));
  el.prepend(button);
}

async function download(query, button) {
  const name = `${query}.csv`;
  if (live.has(query) && worker) {
    button.disabled = true;
    try {
      const r = await request({ op: 'csv', query });
      save(new Blob([r.csv], { type: 'text/csv' }), name);
    } finally {
      button.disabled = false;
    }
  } else if (island.csv && island.csv[query]) {
    const a = document.createElement('a');
    a.href = new URL(island.csv[query], base).href;
    a.download = name;
    a.click();
  } else if (island.tooLarge && island.tooLarge[query] !== undefined) {
    tooLarge(query, button);
  }
}

// A result whose CSV would pass the build's limit (10 MiB) has no file; unless the engine
// here can make it, a note beside the button says so.
function tooLarge(query, el) {
  const old = el.parentElement && el.parentElement.querySelector(':scope > .q-download-note');
  if (old) old.remove();
  const note = document.createElement('span');
  note.className = 'q-download-note';
  note.setAttribute('role', 'status');
  const rows = Number(island.tooLarge[query]).toLocaleString('en-US');
  note.textContent = `${query} has ${rows} rows, too many to download from this page. Ask the report's author for this data.`;
  el.after(note);
  setTimeout(() => note.remove(), 8000);
}

// A named map: a click (or Enter) on a region or point picks its row; on the picked one,
// clears it. The runtime redraws the map and what reads it.
function pick(e) {
  const el = e.target.closest && e.target.closest('[data-pick]');
  if (!el) return;
  if (e.type === 'keydown' && e.key !== 'Enter' && e.key !== ' ') return;
  e.preventDefault();
  const picked = el.getAttribute('aria-pressed') === 'true';
  change(el.dataset.pickInput, picked ? [] : JSON.parse(el.dataset.pick));
}
document.addEventListener('click', pick);
document.addEventListener('keydown', pick);

// <DownloadData> links the build's CSV; for a query the reader's inputs re-ran, it asks the
// engine for the current result instead.
document.addEventListener('click', (e) => {
  const a = e.target.closest && e.target.closest('a.q-downloaddata[data-query]');
  if (!a || !((live.has(a.dataset.query) && worker) || a.dataset.tooLarge)) return;
  e.preventDefault();
  download(a.dataset.query, a);
});

function save(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// `filter=true` on a heatmap's, a calendar's or a US map's legend: two handles; the marks
// whose value lies outside them are dimmed.
function setupFilter(f) {
  const fig = f.closest('figure');
  const [lo, hi] = [f.querySelector('.q-filter-lo'), f.querySelector('.q-filter-hi')];
  if (!fig || !lo || !hi) return;
  const apply = () => {
    const a = Math.min(Number(lo.value), Number(hi.value));
    const b = Math.max(Number(lo.value), Number(hi.value));
    for (const m of fig.querySelectorAll('[data-v]')) {
      const v = Number(m.dataset.v);
      m.classList.toggle('q-filtered-out', v < a || v > b);
    }
  };
  lo.addEventListener('input', apply);
  hi.addEventListener('input', apply);
}

// `<Tabs id=...>`: the open tab in the URL (`?<id>=<tab>`), read when the page opens and
// kept when inputs change the rest of the URL.
const tabIds = () => Array.from(document.querySelectorAll('[data-tabs-id]'), (t) => t.dataset.tabsId);
function setupTabs(tabs) {
  const id = tabs.dataset.tabsId;
  const radios = tabs.querySelectorAll(':scope > .q-tab-radio');
  const wanted = new URLSearchParams(location.search).get(id);
  for (const r of radios) {
    if (wanted !== null && r.value === wanted) r.checked = true;
    r.addEventListener('change', () => {
      if (!r.checked) return;
      const p = new URLSearchParams(location.search);
      p.set(id, r.value);
      history.replaceState(history.state, '', `?${p}${location.hash}`);
    });
  }
}

function enhance(scope) {
  scope.querySelectorAll('.q-datatable').forEach(setupTable);
  scope.querySelectorAll('.q-chart[data-query]:not([data-downloadable="false"]), .q-datatable[data-query]').forEach(addDownload);
  scope.querySelectorAll('figure.q-chart:not([data-image="false"])').forEach(addImage);
  scope.querySelectorAll('[data-tabs-id]').forEach(setupTabs);
  scope.querySelectorAll('.q-range-filter').forEach(setupFilter);
}

// ---------------------------------------------------------------- chart pictures
// A chart or map saved as a PNG: its title, subtitle and legend, then its SVG with every
// style it has on the page written onto it (colours come from the theme's custom
// properties, which a picture cannot read), at twice the page's scale. Made here; nothing
// is sent anywhere.
function addImage(fig) {
  if (!fig.querySelector('svg') || fig.querySelector(':scope > .q-image')) return;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'q-download q-image';
  button.textContent = 'PNG';
  button.title = 'Save this chart as a picture (PNG)';
  button.setAttribute('aria-label', 'Save this chart as a PNG picture');
  button.addEventListener('click', () => saveImage(fig, button).catch((e) => console.error(`quire: ${e.message}`)));
  fig.prepend(button);
}

const PICTURE_STYLES = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray',
  'stroke-linecap', 'stroke-linejoin', 'opacity', 'font-family', 'font-size', 'font-weight', 'font-style',
  'text-anchor', 'dominant-baseline', 'visibility', 'display'];

function svgPicture(svg) {
  const copy = svg.cloneNode(true);
  const from = [svg, ...svg.querySelectorAll('*')];
  const to = [copy, ...copy.querySelectorAll('*')];
  from.forEach((el, i) => {
    const cs = getComputedStyle(el);
    to[i].setAttribute('style', PICTURE_STYLES.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';'));
  });
  const box = svg.getBoundingClientRect();
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(box.width));
  copy.setAttribute('height', String(box.height));
  return { text: new XMLSerializer().serializeToString(copy), width: box.width, height: box.height };
}

async function saveImage(fig, button) {
  button.disabled = true;
  try {
    const scale = 2;
    const pad = 16;
    const cs = getComputedStyle(fig);
    const font = cs.fontFamily;
    const pictures = [];
    for (const svg of fig.querySelectorAll('svg')) {
      if (svg.closest('.q-download, .q-legend, .q-map-legend') || svg.getBoundingClientRect().width === 0) continue;
      const p = svgPicture(svg);
      const img = new Image();
      const url = URL.createObjectURL(new Blob([p.text], { type: 'image/svg+xml' }));
      img.src = url;
      await img.decode();
      URL.revokeObjectURL(url);
      pictures.push({ img, ...p });
    }
    if (!pictures.length) return;
    const width = Math.max(...pictures.map((p) => p.width)) + 2 * pad;
    const title = fig.querySelector('.q-chart-head .q-title')?.textContent || '';
    const subtitle = fig.querySelector('.q-chart-head .q-subtitle')?.textContent || '';
    const legend = Array.from(fig.querySelectorAll('.q-legend-item'), (item) => ({
      colour: getComputedStyle(item.querySelector('.q-swatch') || item).backgroundColor,
      text: item.textContent.trim(),
    }));
    const measure = document.createElement('canvas').getContext('2d');
    measure.font = `12px ${font}`;
    // Legend items in rows that fit the width.
    const rows = [];
    let row = [];
    let x = 0;
    for (const item of legend) {
      const w = 16 + measure.measureText(item.text).width + 14;
      if (row.length && x + w > width - 2 * pad) { rows.push(row); row = []; x = 0; }
      row.push({ ...item, x });
      x += w;
    }
    if (row.length) rows.push(row);
    const head = (title ? 24 : 0) + (subtitle ? 20 : 0) + rows.length * 20 + (title || subtitle || rows.length ? 8 : 0);
    const height = pad + head + pictures.reduce((h, p) => h + p.height, 0) + pad;
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const g = canvas.getContext('2d');
    g.scale(scale, scale);
    const page = getComputedStyle(document.body);
    g.fillStyle = cs.backgroundColor !== 'rgba(0, 0, 0, 0)' ? cs.backgroundColor : page.backgroundColor;
    g.fillRect(0, 0, width, height);
    g.textBaseline = 'top';
    let y = pad;
    if (title) {
      g.font = `600 15px ${font}`;
      g.fillStyle = page.color;
      g.fillText(title, pad, y);
      y += 24;
    }
    if (subtitle) {
      g.font = `13px ${font}`;
      g.fillStyle = getComputedStyle(fig.querySelector('.q-chart-head .q-subtitle')).color;
      g.fillText(subtitle, pad, y);
      y += 20;
    }
    for (const r of rows) {
      g.font = `12px ${font}`;
      for (const item of r) {
        g.fillStyle = item.colour;
        g.fillRect(pad + item.x, y + 2, 10, 10);
        g.fillStyle = page.color;
        g.fillText(item.text, pad + item.x + 16, y);
      }
      y += 20;
    }
    if (title || subtitle || rows.length) y += 8;
    for (const p of pictures) {
      g.drawImage(p.img, pad, y, p.width, p.height);
      y += p.height;
    }
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    const name = (title || fig.dataset.query || 'chart').replace(/[^\p{L}\p{N}_-]+/gu, '_').slice(0, 80);
    save(blob, `${name}.png`);
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------- the engine
let nextId = 1;
const waiting = new Map();
let queue = Promise.resolve();

function post(msg) {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    worker.postMessage(JSON.stringify({ ...msg, id }));
  });
}

/** Send one request; requests run one after another, and only once the page has loaded. */
function request(msg) {
  const run = () => post(msg);
  const p = queue.then(run, run);
  queue = p.catch(() => {});
  return p;
}

function onReply(e) {
  const r = JSON.parse(e.data);
  const w = waiting.get(r.id);
  if (!w) return;
  waiting.delete(r.id);
  if (r.ok) w.resolve(r);
  else w.reject(new Error(r.error));
}

function urlState() {
  const state = {};
  for (const [k, v] of new URLSearchParams(location.search)) (state[k] ||= []).push(v);
  return state;
}

function searchOf(pairs) {
  const p = new URLSearchParams();
  for (const [k, v] of pairs) p.append(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

let busy = 0;
// When the reader last changed an input (or went back): the rehearsal waits for a pause.
let lastChange = -Infinity;
function setBusy(delta) {
  busy += delta;
  lastChange = performance.now();
  if (busy > 0) root.dataset.quireBusy = '';
  else delete root.dataset.quireBusy;
}

/** Swap in the slots the worker re-rendered and take the URL the reply gives. */
function applyReply(r, how) {
  swapSlots(r);
  setUrl(r, how);
}

/** Swap in the slots the worker re-rendered, keeping focus where the reader is typing, and
 * on the dropdown or button a reader just used from the keyboard (its slot is drawn again). */
let updates = 0;
let lastSwapped = null;
function swapSlots(r) {
  lastSwapped = r;
  const active = document.activeElement;
  for (const [index, html] of r.slots) {
    const el = document.querySelector(`[data-q="${index}"]`);
    if (!el) continue;
    if (active && el.contains(active) && active.matches('input[type=search], input[type=range], input[type=date], input[type=number]')) continue;
    const tpl = document.createElement('template');
    tpl.innerHTML = html;
    const fresh = tpl.content.firstElementChild;
    if (!fresh) continue;
    el.replaceWith(fresh);
    enhance(fresh);
    wireInputs(fresh);
    if (active && active !== el && el.contains(active)) counterpart(el, fresh, active)?.focus({ preventScroll: true });
  }
  for (const err of r.errors || []) console.error(`quire: ${err}`);
  // What the last change cost in the worker (its queries and re-render), and each step of
  // it, beside the swap here: for the benches.
  if (typeof r.ms === 'number') root.dataset.quireWorkerMs = String(Math.round(r.ms));
  if (typeof r.wasm_bytes === 'number') root.dataset.quireWasmBytes = String(r.wasm_bytes);
  if (Array.isArray(r.steps)) root.dataset.quireSteps = JSON.stringify(r.steps.map(([what, ms]) => [what, Math.round(ms)]));
  root.dataset.quireUpdates = String(++updates);
}

/** The element of `fresh` (a slot drawn again) that stands where `old` stood in `el`: the
 * one with its id, else the one at the same place, if it is the same kind of element. */
function counterpart(el, fresh, old) {
  if (old.id) return fresh.querySelector(`#${CSS.escape(old.id)}`);
  const place = [];
  for (let n = old; n !== el; n = n.parentElement) place.unshift(Array.prototype.indexOf.call(n.parentElement.children, n));
  let m = fresh;
  for (const i of place) m = m?.children[i];
  return m && m.tagName === old.tagName ? m : null;
}

/** The address bar follows the inputs: `push` a new history entry, `replace` this one, or `none`. */
function setUrl(r, how) {
  const kept = new URLSearchParams(location.search);
  const tabs = tabIds().filter((id) => kept.has(id)).map((id) => [id, kept.get(id)]);
  const search = searchOf([...(r.search || []), ...tabs]);
  if (how === 'push' && search !== location.search) history.pushState(null, '', search || location.pathname);
  else if (how === 'replace' && search !== location.search) history.replaceState(null, '', (search || location.pathname) + location.hash);
}

async function change(name, value) {
  if (!worker) return;
  setBusy(1);
  const started = performance.now();
  try {
    const r = await request({ op: 'set', name, value });
    swapSlots(r);
    await painted();
    // From the reader's change to the new slots painted: for the benches.
    root.dataset.quireChangeMs = String(Math.round(performance.now() - started));
    // The address bar after the paint (a history entry can take a browser tens of ms),
    // unless a later change has swapped in its slots since: it sets its own.
    if (lastSwapped === r) setUrl(r, 'push');
  } catch (err) {
    console.error(`quire: ${err.message}`);
  } finally {
    setBusy(-1);
  }
}

/** Resolves once the browser has painted what the page holds now (after the next frame). */
function painted() {
  return new Promise((resolve) => requestAnimationFrame(() => {
    const c = new MessageChannel();
    c.port1.onmessage = resolve;
    c.port2.postMessage(0);
  }));
}

const timers = new Map();
function later(name, fn, ms) {
  clearTimeout(timers.get(name));
  timers.set(name, setTimeout(fn, ms));
}

function wireInputs(scope) {
  const inputs = scope.matches && scope.matches('[data-input]') ? [scope] : scope.querySelectorAll('[data-input]');
  for (const box of inputs) {
    if (box.dataset.wired) continue;
    box.dataset.wired = '1';
    const name = box.dataset.input;
    const select = box.querySelector('select:not(.q-date-presets)');
    if (select) select.addEventListener('change', () => change(name, Array.from(select.selectedOptions, (o) => o.value)));
    // A multiple dropdown's "Select all" and "Clear".
    for (const [cls, on] of [['.q-select-all', true], ['.q-select-none', false]]) {
      const b = box.querySelector(cls);
      if (b && select) b.addEventListener('click', () => {
        for (const o of select.options) o.selected = on;
        change(name, on ? Array.from(select.options, (o) => o.value) : []);
      });
    }
    for (const b of box.querySelectorAll('.q-buttons button')) {
      b.addEventListener('click', () => {
        for (const o of box.querySelectorAll('.q-buttons button')) o.setAttribute('aria-pressed', String(o === b));
        change(name, [b.value]);
      });
    }
    // A grid: a row selects its value (or unselects it); one value a column unless
    // `multiple`. The page updates with every selection of the grid.
    for (const b of box.querySelectorAll('.q-dims-row')) {
      b.addEventListener('click', () => {
        const cut = b.closest('.q-dims-cut');
        const on = b.getAttribute('aria-pressed') === 'true';
        const picked = [];
        for (const o of box.querySelectorAll('.q-dims-row[aria-pressed="true"]')) {
          if (o === b || (!box.hasAttribute('data-multiple') && o.closest('.q-dims-cut') === cut)) continue;
          picked.push(o.value);
        }
        if (!on) picked.push(b.value);
        change(name, picked);
      });
    }
    const text = box.querySelector('input[type=search]');
    if (text) text.addEventListener('input', () => later(name, () => change(name, [text.value]), 200));
    const range = box.querySelector('input[type=range]');
    if (range) {
      const out = box.querySelector('output');
      // `debounceDelay`: how long the page waits after the slider stops.
      const wait = box.dataset.debounce !== undefined ? Number(box.dataset.debounce) : 120;
      // `showInput`: a number box kept in step with the slider, either way.
      const number = box.querySelector('input.q-slider-number');
      range.addEventListener('input', () => {
        if (out) out.textContent = range.value;
        if (number) number.value = range.value;
        later(name, () => change(name, [range.value]), wait);
      });
      if (number) {
        number.addEventListener('input', () => {
          if (number.value === '' || !Number.isFinite(Number(number.value))) return;
          range.value = number.value;
          later(name, () => change(name, [range.value]), wait);
        });
      }
    }
    const dates = box.querySelectorAll('input[type=date]');
    for (const d of dates) d.addEventListener('change', () => change(name, Array.from(dates, (x) => x.value)));
    // `presetRanges`: a preset sets both dates.
    const presets = box.querySelector('select.q-date-presets');
    if (presets && dates.length === 2) {
      presets.addEventListener('change', () => {
        const o = presets.selectedOptions[0];
        if (!o || !o.dataset.start) return;
        dates[0].value = o.dataset.start;
        dates[1].value = o.dataset.end;
        change(name, [o.dataset.start, o.dataset.end]);
      });
    }
    const check = box.querySelector('input[type=checkbox]');
    if (check) check.addEventListener('change', () => change(name, [String(check.checked)]));
  }
}

function badge(state, detail) {
  const b = document.createElement('div');
  b.className = 'q-runtime' + (state === 'error' || state === 'mismatch' ? '' : ' q-runtime-live');
  b.setAttribute('role', 'status');
  b.title = detail;
  const dot = document.createElement('span');
  dot.className = 'q-runtime-dot';
  b.append(dot, state === 'error' || state === 'mismatch' ? 'Static' : 'Live');
  document.body.appendChild(b);
}

function status(state, detail) {
  root.dataset.quireRuntime = state;
  root.dataset.quireRuntimeDetail = detail;
}

async function startEngine() {
  const rt = island.runtime;
  const url = new URL(rt.worker, base);
  url.searchParams.set('engine', new URL(rt.engine, base).href);
  url.searchParams.set('wasm', new URL(rt.wasm, base).href);
  status('loading', 'the engine is loading');
  let loaded;
  queue = new Promise((resolve) => { loaded = resolve; });
  document.querySelectorAll('[data-input]').forEach((b) => b.classList.add('q-pending'));
  // The page's head started the worker already (it loads while the page is parsed), and
  // kept what it heard until now; a page saved without that head starts it here.
  const early = window.quireEngine;
  performance.mark('quire-worker-start');
  worker = early instanceof Worker ? early : new Worker(url, { type: 'module' });
  const failed = (e) => new Error(e.message || 'the engine worker failed to start');
  const ready = new Promise((resolve, reject) => {
    waiting.set(0, { resolve, reject });
    worker.addEventListener('error', (e) => reject(failed(e)));
  });
  worker.addEventListener('message', onReply);
  if (worker === early) {
    worker.onmessage = worker.onerror = null;
    for (const e of early.quireHeard || []) {
      if (e.type === 'error') waiting.get(0)?.reject(failed(e));
      else onReply(e);
    }
  }
  // The page's init, sent now: the worker keeps it until its engine is ready and runs it
  // then, without a round trip through this page (often busy drawing by then).
  const tables = {};
  for (const [name, path] of Object.entries(island.tables || {})) tables[name] = new URL(path, base).href;
  const shapes = {};
  for (const [name, path] of Object.entries(island.shapes || {})) shapes[name] = new URL(path, base).href;
  const script = island.script ? new URL(island.script, base).href : null;
  const init = post({ op: 'init', island: { ...island, tables, shapes, script }, url: urlState() });
  // Its failure is the engine's, reported by `ready` first.
  init.catch(() => {});
  await ready;
  performance.mark('quire-engine-ready');
  let r;
  try {
    r = await init;
  } finally {
    loaded();
  }
  performance.mark('quire-data-ready');
  applyReply(r, 'replace');
  document.querySelectorAll('.q-pending').forEach((b) => b.classList.remove('q-pending'));
  // The inputs answer from here. While the reader reads, the worker runs the live queries
  // once at this state (the rows they read are fetched, the engine's code is warm before the
  // first change), then checks one query against the build's result: the badge says so. A
  // change the reader makes meanwhile waits for the query in flight, not for all of it.
  const checking = Boolean(island.check);
  status(checking ? 'live' : 'ready', checking ? 'the inputs answer; the engine is being checked against the build' : 'ready');
  if (!checking) badge('ready', 'ready');
  performance.mark('quire-runtime-done');
  warmUp().then(
    (w) => {
      root.dataset.quireWarmMs = String(Math.round(w.ms));
      rehearse(w.parts).catch((err) => console.error(`quire: ${err.message}`));
      const check = w.check;
      if (!check) return;
      const detail = `\`${check.query}\`: ${check.rows} rows, ${check.state === 'match' ? 'same as the build' : 'different from the build'} (checked in ${Math.round(check.ms)} ms, after ${Math.round(w.ms)} ms warming up)`;
      status(check.state, detail);
      badge(check.state, detail);
    },
    (err) => {
      console.error(`quire: ${err.message}`);
      if (!checking) return;
      status('error', err.message);
      badge('error', err.message);
    },
  );
}

/** The warm-up, a part a request (see the worker's `warm`): part n runs the n-th live
 * query, the part after the last draws and checks. Each part is asked for once the one
 * before has answered, so a change made meanwhile runs next. Resolves with the last
 * part's reply, its `ms` the whole warm-up's in the worker, `parts` how many queries it ran. */
async function warmUp() {
  let ms = 0;
  for (let part = 0; ; part++) {
    const w = await request({ op: 'warm', part });
    ms += w.ms;
    // The part after the last query's draws and checks: its index is how many there are.
    if (typeof w.parts !== 'number' || part >= w.parts) return { ...w, ms, parts: part };
  }
}

/** After the check, the live queries run a few more times at the page's state, a query a
 * request, their results unchanged and nothing fetched that the state has not fetched. The
 * engine's code that a change runs is then hot, and the browser compiles it for speed
 * while the reader reads: the first changes answer at the speed of the later ones. Each
 * query waits until the reader has left the inputs alone for a moment (a reader changing
 * one after another is not made to wait, nor to share the cores with the compiler).
 * `data-quire-rehearsed` says when it is done (for the benches). */
const REHEARSALS = 5;
const REHEARSE_AFTER_MS = 1000;
async function rehearse(parts) {
  const started = performance.now();
  const pause = async () => {
    for (;;) {
      const wait = lastChange + REHEARSE_AFTER_MS - performance.now();
      if (busy === 0 && wait <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 50)));
    }
  };
  for (let round = 0; round < REHEARSALS; round++) {
    // A change may have shown other blocks, and so other queries: each reply says how many.
    for (let part = 0; part < parts; part++) {
      await pause();
      const r = await request({ op: 'warm', part });
      if (typeof r.parts !== 'number') return;
      parts = r.parts;
    }
  }
  root.dataset.quireRehearsed = String(Math.round(performance.now() - started));
}

// `<LastRefreshed printShowDate=false>`: printed as how long ago it was, not the date.
function ago(when) {
  const s = Math.max(0, (Date.now() - Date.parse(when.replace(' ', 'T').replace(/Z?$/, 'Z'))) / 1000);
  const units = [['year', 31536000], ['month', 2592000], ['day', 86400], ['hour', 3600], ['minute', 60]];
  for (const [unit, secs] of units) {
    const n = Math.round(s / secs);
    if (n >= 1 && s >= secs) return n === 1 ? `1 ${unit} ago` : `${n} ${unit}s ago`;
  }
  return 'just now';
}
addEventListener('beforeprint', () => {
  for (const t of document.querySelectorAll('[data-print-ago] time')) {
    t.dataset.shown = t.textContent;
    t.textContent = ago(t.getAttribute('datetime'));
  }
});
addEventListener('afterprint', () => {
  for (const t of document.querySelectorAll('[data-print-ago] time[data-shown]')) t.textContent = t.dataset.shown;
});

// ---------------------------------------------------------------- start
enhance(document);
wireInputs(document);
addEventListener('popstate', async () => {
  if (!worker) return;
  setBusy(1);
  try {
    applyReply(await request({ op: 'restore', url: urlState() }), 'none');
  } finally {
    setBusy(-1);
  }
});
if (live.size && island.runtime) {
  startEngine().catch((err) => {
    console.error(`quire: ${err.message}`);
    status('error', err.message);
    badge('error', err.message);
    document.querySelectorAll('.q-pending').forEach((b) => b.classList.remove('q-pending'));
  });
} else {
  status('static', 'this page has no inputs: everything on it was computed at build');
}
