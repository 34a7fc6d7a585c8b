// @ts-check
// A plain-textarea code editor with a line-number gutter and a transparent
// overlay that underlines the spots the validator reports. Only the lines
// that carry a finding are rendered in the overlay (the rest are spacers),
// so a long manifest stays cheap to redraw.

const LINE_CLASS = { error: 'err', warning: 'warn' };

/** UTF-16 offset of the 1-based (line, column), column counted in characters. */
export function offsetOf(text, line, column) {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return text.length;
    start = nl + 1;
  }
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  let at = start;
  for (let c = 1; c < (column || 1) && at < end; c++) {
    const code = text.charCodeAt(at);
    at += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
  }
  return at;
}

/** 1-based line and column (in characters) of a UTF-16 offset. */
export function positionOf(text, offset) {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const column = [...text.slice(lineStart, offset)].length + 1;
  return { line, column };
}

/** End (exclusive, UTF-16 index within `lineText`) of the token starting at `i`. */
function tokenEnd(lineText, i) {
  if (i >= lineText.length) return i;
  const ch = lineText[i];
  if (ch === '"') {
    for (let j = i + 1; j < lineText.length; j++) {
      if (lineText[j] === '\\') j++;
      else if (lineText[j] === '"') return j + 1;
    }
    return lineText.length;
  }
  if ('{}[],:'.includes(ch)) return i + 1;
  let j = i;
  while (j < lineText.length && !/[\s,{}[\]:]/.test(lineText[j])) j++;
  return Math.max(j, i + 1);
}

export class ManifestEditor extends EventTarget {
  constructor({ textarea, gutter, marks }) {
    super();
    this.ta = textarea;
    this.gutter = gutter;
    this.marks = marks;
    this.diagnostics = [];
    this.lineCount = 0;
    this.gutterKey = '';
    this.lh = 20;
    this.ta.addEventListener('input', () => {
      this.#refresh();
      this.dispatchEvent(new Event('change'));
    });
    this.ta.addEventListener('scroll', () => this.#syncScroll());
    for (const ev of ['keyup', 'click', 'select', 'focus']) this.ta.addEventListener(ev, () => this.#cursorMoved());
    this.ta.addEventListener('keydown', (e) => {
      // Tab indents by two spaces instead of leaving the editor
      // (Esc first, then Tab, moves focus on as usual).
      if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey && !this.escaped) {
        e.preventDefault();
        document.execCommand('insertText', false, '  ');
      }
      this.escaped = e.key === 'Escape';
    });
    new ResizeObserver(() => this.#syncScroll()).observe(this.ta);
    this.#refresh();
  }

  get value() {
    return this.ta.value;
  }

  set value(text) {
    this.ta.value = text;
    this.ta.scrollTop = 0;
    this.ta.scrollLeft = 0;
    this.#refresh();
    this.dispatchEvent(new Event('change'));
  }

  /** Shows findings: [{severity, line, column, …}] from validateManifest. */
  setDiagnostics(diagnostics) {
    this.diagnostics = diagnostics.filter((d) => d.line);
    this.#renderMarks();
    this.#renderGutter();
  }

  /** Puts the caret at the 1-based line and column and scrolls it into view. */
  goTo(line, column) {
    const text = this.ta.value;
    const at = offsetOf(text, line, column || 1);
    const lineText = text.slice(offsetOf(text, line, 1)).split('\n', 1)[0];
    const colIndex = at - offsetOf(text, line, 1);
    const end = Math.min(offsetOf(text, line, 1) + tokenEnd(lineText, colIndex), text.length);
    this.ta.focus({ preventScroll: true });
    this.ta.setSelectionRange(at, Math.max(at, end), 'backward');
    const top = (line - 1) * this.lh;
    const { clientHeight, clientWidth } = this.ta;
    if (top < this.ta.scrollTop || top > this.ta.scrollTop + clientHeight - 3 * this.lh) {
      this.ta.scrollTop = Math.max(0, top - clientHeight / 3);
    }
    const x = colIndex * this.#charWidth();
    if (x < this.ta.scrollLeft || x > this.ta.scrollLeft + clientWidth - 60) this.ta.scrollLeft = Math.max(0, x - clientWidth / 2);
    this.#syncScroll();
    this.#cursorMoved();
  }

  #charWidth() {
    if (!this.cw) {
      const probe = document.createElement('span');
      probe.textContent = '0'.repeat(40);
      this.marks.append(probe);
      this.cw = probe.getBoundingClientRect().width / 40 || 7.8;
      probe.remove();
    }
    return this.cw;
  }

  #refresh() {
    const lh = parseFloat(getComputedStyle(this.ta).lineHeight);
    if (lh > 0) this.lh = lh;
    // Findings refer to the text they were made for; until the next
    // validation, keep them only where the line still exists.
    let count = 1;
    for (let i = this.ta.value.indexOf('\n'); i >= 0; i = this.ta.value.indexOf('\n', i + 1)) count++;
    this.lineCount = count;
    this.#renderGutter();
    this.#renderMarks();
  }

  #renderGutter() {
    const bad = new Map();
    for (const d of this.diagnostics) {
      if (d.line > this.lineCount) continue;
      if (bad.get(d.line) !== 'error') bad.set(d.line, d.severity);
    }
    const key = `${this.lineCount}|${[...bad].join(',')}`;
    if (key === this.gutterKey) return;
    this.gutterKey = key;
    const frag = document.createDocumentFragment();
    let run = [];
    const flush = () => {
      if (!run.length) return;
      const div = document.createElement('div');
      div.className = 'run';
      div.style.height = `${run.length * this.lh}px`;
      div.style.whiteSpace = 'pre';
      div.textContent = run.join('\n');
      frag.append(div);
      run = [];
    };
    for (let n = 1; n <= this.lineCount; n++) {
      const sev = bad.get(n);
      if (!sev) {
        run.push(n);
        continue;
      }
      flush();
      const div = document.createElement('div');
      div.className = LINE_CLASS[sev] || 'err';
      div.textContent = String(n);
      div.title = this.diagnostics.filter((d) => d.line === n).map((d) => `${d.code}: ${d.message}`).join('\n');
      frag.append(div);
    }
    flush();
    const tail = document.createElement('div');
    tail.style.height = '40px';
    frag.append(tail);
    this.gutter.replaceChildren(frag);
    this.#syncScroll();
  }

  #renderMarks() {
    const text = this.ta.value;
    const byLine = new Map();
    for (const d of this.diagnostics) {
      if (d.line > this.lineCount) continue;
      if (!byLine.has(d.line)) byLine.set(d.line, []);
      byLine.get(d.line).push(d);
    }
    const inner = document.createElement('div');
    inner.className = 'marks-inner';
    let prev = 0;
    const spacer = (n) => {
      if (n <= 0) return;
      const div = document.createElement('div');
      div.style.height = `${n * this.lh}px`;
      inner.append(div);
    };
    for (const line of [...byLine.keys()].sort((a, b) => a - b)) {
      spacer(line - 1 - prev);
      prev = line;
      const start = offsetOf(text, line, 1);
      let endOfLine = text.indexOf('\n', start);
      if (endOfLine < 0) endOfLine = text.length;
      const lineText = text.slice(start, endOfLine);
      const diags = byLine.get(line);
      const div = document.createElement('div');
      div.style.height = `${this.lh}px`;
      div.className = diags.some((d) => d.severity === 'error') ? 'line-err' : 'line-warn';
      // Underline ranges, merged where they overlap; errors win.
      const ranges = diags
        .map((d) => {
          const from = d.column ? offsetOf(text, line, d.column) - start : 0;
          const to = d.column ? tokenEnd(lineText, from) : lineText.length;
          return { from, to: Math.max(to, from + 1), cls: LINE_CLASS[d.severity] || 'err' };
        })
        .sort((a, b) => a.from - b.from);
      let at = 0;
      for (const r of ranges) {
        if (r.from < at) continue;
        div.append(lineText.slice(at, r.from));
        const mark = document.createElement('mark');
        mark.className = r.cls;
        mark.textContent = r.from >= lineText.length ? ' ' : lineText.slice(r.from, r.to);
        div.append(mark);
        at = r.to;
      }
      div.append(lineText.slice(at));
      inner.append(div);
    }
    const tail = document.createElement('div');
    tail.style.height = `${(this.lineCount - prev) * this.lh + 40}px`;
    inner.append(tail);
    // As wide as the textarea's content, so horizontal scrolling lines up.
    inner.style.minWidth = `${this.ta.scrollWidth}px`;
    this.marks.replaceChildren(inner);
    this.#syncScroll();
  }

  #syncScroll() {
    this.gutter.scrollTop = this.ta.scrollTop;
    this.marks.scrollTop = this.ta.scrollTop;
    this.marks.scrollLeft = this.ta.scrollLeft;
  }

  #cursorMoved() {
    const { line, column } = positionOf(this.ta.value, this.ta.selectionStart);
    this.dispatchEvent(new CustomEvent('cursor', { detail: { line, column } }));
  }
}
