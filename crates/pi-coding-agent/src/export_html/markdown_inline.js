// Markdown's inline spans as DOM nodes: emphasis, strikethrough, code spans, links, images,
// autolinks, entities and hard line breaks. Text only ever becomes text nodes; link and
// image addresses must use a safe scheme. Every scan is bounded, so that no text, however
// hostile, takes more than linear time or deep recursion.
const MarkdownInline = (() => {
  'use strict';

  const SAFE_SCHEMES = /^(https?|mailto|tel|ftp)$/i;

  /** The address if it is safe to link to (no script or data scheme), else null. */
  function safeUrl(raw) {
    // Browsers ignore control characters and surrounding space in a scheme: so do we.
    const url = String(raw == null ? '' : raw).replace(/[\u0000-\u001f\u007f]/g, '').trim();
    if (!url) return null;
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
    if (scheme && !SAFE_SCHEMES.test(scheme[1])) return null;
    return url;
  }

  function node(tag, className) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    return el;
  }

  // Spans nest at most this deep; deeper text stays plain.
  const MAX_DEPTH = 40;

  const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
  const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
  const SPECIAL = /[\\`*_~[!<&\n]|\b(?:https?:\/\/|www\.)/g;

  // How far a closing delimiter, bracket or backtick run is looked for. Spans are short in
  // practice; the bound keeps text full of unmatched openers from taking quadratic time.
  const SCAN_LIMIT = 2000;

  function decodeEntity(text, at) {
    const match = /^&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/.exec(text.slice(at, at + 12));
    if (!match) return null;
    const name = match[1];
    let value;
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      value = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
    } else {
      value = ENTITIES[name];
    }
    return value === undefined ? null : { value, length: match[0].length };
  }

  /** The end of a code span that opens with `ticks` at `at`, or -1. */
  function codeSpanEnd(text, at, ticks) {
    let i = at + ticks;
    const limit = at + SCAN_LIMIT;
    while (i < text.length) {
      const next = text.indexOf('`', i);
      if (next < 0 || next > limit) return -1;
      let run = 0;
      while (text[next + run] === '`') run++;
      if (run === ticks) return next;
      i = next + run;
    }
    return -1;
  }

  /** The index of the `]` closing the `[` at `open`, or -1. */
  function closingBracket(text, open) {
    let depth = 0;
    const end = Math.min(text.length, open + SCAN_LIMIT);
    for (let i = open; i < end; i++) {
      const ch = text[i];
      if (ch === '\\') {
        i++;
      } else if (ch === '`') {
        let ticks = 0;
        while (text[i + ticks] === '`') ticks++;
        const end = codeSpanEnd(text, i, ticks);
        i = end < 0 ? i + ticks - 1 : end + ticks - 1;
      } else if (ch === '[') {
        depth++;
      } else if (ch === ']') {
        depth--;
        if (depth === 0) return i;
      }
    }
    return -1;
  }

  /** Parses `(destination "title")` at `at`; returns { url, title, end } or null. */
  function linkTarget(text, at) {
    if (text[at] !== '(') return null;
    const end = Math.min(text.length, at + SCAN_LIMIT);
    const skipSpace = (from) => {
      let i = from;
      while (i < end && (text[i] === ' ' || text[i] === '\n')) i++;
      return i;
    };
    let i = skipSpace(at + 1);
    let url = '';
    if (text[i] === '<') {
      const close = text.indexOf('>', i);
      if (close < 0 || close >= end) return null;
      url = text.slice(i + 1, close);
      i = close + 1;
    } else {
      let depth = 0;
      while (i < end) {
        const ch = text[i];
        if (ch === '\\' && PUNCTUATION.test(text[i + 1] || '')) {
          url += text[i + 1];
          i += 2;
          continue;
        }
        if (ch === ' ' || ch === '\n') break;
        if (ch === '(') depth++;
        if (ch === ')') {
          if (depth === 0) break;
          depth--;
        }
        url += ch;
        i++;
      }
    }
    i = skipSpace(i);
    let title = '';
    const quote = text[i];
    if (quote === '"' || quote === "'" || quote === '(') {
      const close = text.indexOf(quote === '(' ? ')' : quote, i + 1);
      if (close < 0 || close >= end) return null;
      title = text.slice(i + 1, close);
      i = skipSpace(close + 1);
    }
    if (i >= end || text[i] !== ')') return null;
    return { url, title, end: i + 1 };
  }

  const isSpace = (ch) => ch === undefined || /\s/.test(ch);
  const isWordChar = (ch) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

  /**
   * Where runs of `*` and `_` that could close an emphasis last start, by character and run
   * length (index 4: longer runs). A search for a closer stops there, so text full of
   * openers without closers takes linear time.
   */
  function closerBounds(text) {
    const last = { '*': [-1, -1, -1, -1, -1], _: [-1, -1, -1, -1, -1] };
    const runs = /\*+|_+/g;
    let match;
    while ((match = runs.exec(text))) {
      const ch = match[0][0];
      const before = text[match.index - 1];
      const after = text[match.index + match[0].length];
      if (!isSpace(before) && (ch !== '_' || !isWordChar(after))) {
        last[ch][Math.min(match[0].length, 4)] = match.index;
      }
    }
    return last;
  }

  /**
   * Finds where the `count` delimiters closing an emphasis opened with `ch` start, searching
   * from `from`: a run of exactly `count` if `exact`, else the end of a longer run.
   */
  function closingDelimiter(text, from, ch, count, exact, bounds) {
    const bound = exact ? bounds[ch][count] : Math.max(...bounds[ch].slice(count));
    if (bound < from) return -1;
    const end = Math.min(bound + 1, from + SCAN_LIMIT);
    for (let i = from; i < end; i++) {
      const c = text[i];
      if (c === '\\') {
        i++;
        continue;
      }
      if (c === '`') {
        let ticks = 0;
        while (text[i + ticks] === '`') ticks++;
        const close = codeSpanEnd(text, i, ticks);
        i = close < 0 ? i + ticks - 1 : close + ticks - 1;
        continue;
      }
      if (c !== ch) continue;
      let run = 0;
      while (text[i + run] === ch) run++;
      const before = text[i - 1];
      const after = text[i + run];
      const canClose = i > from && !isSpace(before) && (ch !== '_' || !isWordChar(after));
      if (canClose && (exact ? run === count : run > count)) return i + run - count;
      i += run - 1;
    }
    return -1;
  }

  let inlineDepth = 0;

  /** Appends the inline content of `text` to `parent`. */
  function inline(text, parent) {
    if (inlineDepth >= MAX_DEPTH) {
      parent.appendChild(document.createTextNode(text));
      return;
    }
    inlineDepth++;
    try {
      inlineSpans(text, parent);
    } finally {
      inlineDepth--;
    }
  }

  function inlineSpans(text, parent) {
    let bounds = null;
    const closers = () => bounds || (bounds = closerBounds(text));
    let plain = '';
    const flush = () => {
      if (plain) parent.appendChild(document.createTextNode(plain));
      plain = '';
    };
    let i = 0;
    SPECIAL.lastIndex = 0;
    while (i < text.length) {
      SPECIAL.lastIndex = i;
      const found = SPECIAL.exec(text);
      if (!found) {
        plain += text.slice(i);
        break;
      }
      plain += text.slice(i, found.index);
      i = found.index;
      const ch = text[i];
      const consumed = inlineAt(text, i, ch, parent, flush, closers);
      if (consumed > 0) {
        i += consumed;
      } else {
        plain += ch;
        i++;
      }
    }
    flush();
  }

  /**
   * Renders the construct starting at `text[i]` into `parent` (after `flush`ing plain text)
   * and returns how many characters it used, or returns 0 (or a literal) if none starts there.
   */
  function inlineAt(text, i, ch, parent, flush, closers) {
    const next = text[i + 1];
    switch (ch) {
      case '\\':
        if (next === '\n') {
          flush();
          parent.appendChild(node('br'));
          return 2;
        }
        if (next !== undefined && PUNCTUATION.test(next)) {
          flush();
          parent.appendChild(document.createTextNode(next));
          return 2;
        }
        return 0;
      case '\n':
        flush();
        parent.appendChild(node('br'));
        return 1;
      case '&': {
        const entity = decodeEntity(text, i);
        if (!entity) return 0;
        flush();
        parent.appendChild(document.createTextNode(entity.value));
        return entity.length;
      }
      case '`': {
        let ticks = 0;
        while (text[i + ticks] === '`') ticks++;
        const end = codeSpanEnd(text, i, ticks);
        if (end < 0) {
          flush();
          parent.appendChild(document.createTextNode('`'.repeat(ticks)));
          return ticks;
        }
        let code = text.slice(i + ticks, end).replace(/\n/g, ' ');
        if (code.length > 2 && code[0] === ' ' && code[code.length - 1] === ' ' && code.trim()) {
          code = code.slice(1, -1);
        }
        flush();
        const el = node('code');
        el.textContent = code;
        parent.appendChild(el);
        return end + ticks - i;
      }
      case '!':
        if (next !== '[') return 0;
        return image(text, i, parent, flush);
      case '[':
        return link(text, i, parent, flush);
      case '<':
        return autolink(text, i, parent, flush);
      case '*':
      case '_':
        return emphasis(text, i, ch, parent, flush, closers());
      case '~':
        return strikethrough(text, i, parent, flush);
      default:
        return bareUrl(text, i, parent, flush);
    }
  }

  function image(text, i, parent, flush) {
    const close = closingBracket(text, i + 1);
    if (close < 0) return 0;
    const target = linkTarget(text, close + 1);
    if (!target) return 0;
    const alt = text.slice(i + 2, close);
    flush();
    const url = safeUrl(target.url);
    if (url === null) {
      parent.appendChild(document.createTextNode(alt));
    } else {
      const img = node('img', 'markdown-image');
      img.alt = alt;
      img.src = url;
      if (target.title) img.title = target.title;
      parent.appendChild(img);
    }
    return target.end - i;
  }

  function link(text, i, parent, flush) {
    const close = closingBracket(text, i);
    if (close < 0) return 0;
    const target = linkTarget(text, close + 1);
    if (!target) return 0;
    const label = text.slice(i + 1, close);
    flush();
    const url = safeUrl(target.url);
    const el = url === null ? node('span') : node('a');
    if (url !== null) {
      el.href = url;
      el.rel = 'noopener noreferrer';
      if (target.title) el.title = target.title;
    }
    inline(label, el);
    parent.appendChild(el);
    return target.end - i;
  }

  function autolink(text, i, parent, flush) {
    const match = /^<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>/.exec(text.slice(i, i + 2048));
    if (!match) return 0;
    const raw = match[1];
    const url = safeUrl(raw.includes(':') ? raw : 'mailto:' + raw);
    flush();
    if (url === null) {
      parent.appendChild(document.createTextNode(match[0]));
    } else {
      const el = node('a');
      el.href = url;
      el.rel = 'noopener noreferrer';
      el.textContent = raw;
      parent.appendChild(el);
    }
    return match[0].length;
  }

  function bareUrl(text, i, parent, flush) {
    if (isWordChar(text[i - 1])) return 0;
    const match = /^(?:https?:\/\/|www\.)[^\s<]+/.exec(text.slice(i, i + 4096));
    if (!match) return 0;
    let raw = match[0];
    // Trailing punctuation ends a sentence, not the address; so does an unmatched ')'.
    for (;;) {
      const last = raw[raw.length - 1];
      if (/[.,:;!?"'*_~]/.test(last)) raw = raw.slice(0, -1);
      else if (last === ')' && (raw.match(/\(/g) || []).length < (raw.match(/\)/g) || []).length) raw = raw.slice(0, -1);
      else break;
    }
    if (raw.length < 5) return 0;
    const url = safeUrl(raw.startsWith('www.') ? 'http://' + raw : raw);
    if (url === null) return 0;
    flush();
    const el = node('a');
    el.href = url;
    el.rel = 'noopener noreferrer';
    el.textContent = raw;
    parent.appendChild(el);
    return raw.length;
  }

  function emphasis(text, i, ch, parent, flush, bounds) {
    let run = 0;
    while (text[i + run] === ch) run++;
    const after = text[i + run];
    if (isSpace(after) || (ch === '_' && isWordChar(text[i - 1]))) {
      flush();
      parent.appendChild(document.createTextNode(ch.repeat(run)));
      return run;
    }
    // The strongest emphasis first (*** strong emphasis, ** strong, * emphasis), closed by a
    // run of the same length, else by the end of a longer one.
    const start = i + run;
    const tries = [];
    for (let count = Math.min(run, 3); count >= 1; count--) tries.push([count, true]);
    for (let count = Math.min(run, 3); count >= 1; count--) tries.push([count, false]);
    for (const [count, exact] of tries) {
      const close = closingDelimiter(text, start, ch, count, exact, bounds);
      if (close < 0) continue;
      flush();
      if (run > count) parent.appendChild(document.createTextNode(ch.repeat(run - count)));
      const inner = text.slice(start, close);
      let el;
      if (count === 3) {
        el = node('strong');
        const em = node('em');
        inline(inner, em);
        el.appendChild(em);
      } else {
        el = node(count === 2 ? 'strong' : 'em');
        inline(inner, el);
      }
      parent.appendChild(el);
      return close + count - i;
    }
    flush();
    parent.appendChild(document.createTextNode(ch.repeat(run)));
    return run;
  }

  function strikethrough(text, i, parent, flush) {
    if (text[i + 1] !== '~' || text[i + 2] === '~' || isSpace(text[i + 2])) return 0;
    const end = Math.min(text.length - 1, i + SCAN_LIMIT);
    for (let j = i + 3; j < end; j++) {
      if (text[j] === '\\') {
        j++;
        continue;
      }
      if (text[j] === '~' && text[j + 1] === '~' && text[j + 2] !== '~' && !isSpace(text[j - 1])) {
        flush();
        const el = node('del');
        inline(text.slice(i + 2, j), el);
        parent.appendChild(el);
        return j + 2 - i;
      }
    }
    return 0;
  }

  return { render: inline, safeUrl, node };
})();
