// Markdown to DOM nodes, for the text of a session: the blocks (headings, paragraphs with
// hard line breaks, fenced and indented code, block quotes, nested and task lists, tables,
// rules), with their inline spans from markdown_inline.js.
//
// The output is built from elements and text nodes only: raw HTML in the source is shown as
// text (as pi's terminal shows it).
const Markdown = (() => {
  'use strict';

  const { node, safeUrl } = MarkdownInline;
  const inline = MarkdownInline.render;

  // ---------------------------------------------------------------------------------------
  // Blocks

  // The patterns avoid nested and overlapping repetition, so that no line, however long or
  // odd, takes more than linear time to match.
  const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
  const HEADING = /^ {0,3}(#{1,6})(?:[ \t](.*))?$/;
  const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
  const QUOTE = /^ {0,3}> ?/;
  const ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(?:([ \t]+)(.*)|$)/;
  const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
  const TABLE_DELIMITER = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
  const INDENTED = /^(?: {4}|\t)/;

  const isBlank = (line) => /^[ \t]*$/.test(line);

  /** An opening code fence: its indentation, fence and language, or null. */
  function fenceOf(line) {
    const match = FENCE.exec(line);
    if (!match) return null;
    const info = match[3].trim();
    // A backtick fence's info string cannot hold a backtick (that is inline code).
    if (match[2][0] === '`' && info.includes('`')) return null;
    return { indent: match[1].length, fence: match[2], lang: info.split(/[ \t]/)[0] };
  }

  /** An ATX heading: its level and text (without a closing run of #), or null. */
  function headingOf(line) {
    const match = HEADING.exec(line);
    if (!match) return null;
    let text = (match[2] || '').trim();
    let end = text.length;
    while (end > 0 && text[end - 1] === '#') end--;
    if (end === 0 || text[end - 1] === ' ' || text[end - 1] === '\t') text = text.slice(0, end).trim();
    return { level: match[1].length, text };
  }

  /** Whether `line` starts a block that ends a paragraph. */
  function interrupts(line) {
    if (fenceOf(line) || headingOf(line) || RULE.test(line) || QUOTE.test(line)) return true;
    const item = ITEM.exec(line);
    // An ordered item interrupts a paragraph only when it starts at 1, as in CommonMark.
    return !!item && item[4] !== undefined && item[4].trim() !== '' &&
      (!/^\d/.test(item[2]) || parseInt(item[2], 10) === 1);
  }

  function splitRow(line) {
    let text = line.trim();
    if (text.startsWith('|')) text = text.slice(1);
    if (text.endsWith('|') && !text.endsWith('\\|')) text = text.slice(0, -1);
    const cells = [];
    let cell = '';
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\\' && text[i + 1] === '|') {
        cell += '|';
        i++;
      } else if (ch === '|') {
        cells.push(cell.trim());
        cell = '';
      } else {
        cell += ch;
      }
    }
    cells.push(cell.trim());
    return cells;
  }

  /** Removes up to `width` columns of indentation (tabs count to the next multiple of 4). */
  function dedent(line, width) {
    let column = 0;
    let i = 0;
    while (i < line.length && column < width) {
      if (line[i] === ' ') column++;
      else if (line[i] === '\t') column += 4 - (column % 4);
      else break;
      i++;
    }
    return (column > width ? ' '.repeat(column - width) : '') + line.slice(i);
  }

  function indentOf(line) {
    let column = 0;
    for (const ch of line) {
      if (ch === ' ') column++;
      else if (ch === '\t') column += 4 - (column % 4);
      else break;
    }
    return column;
  }

  // Quotes and lists nest at most this deep; deeper text stays plain, so that no input can
  // exhaust the call stack.
  const MAX_DEPTH = 40;

  /** Parses lines into block objects (`depth`: how deeply nested they are). */
  function parseBlocks(lines, depth) {
    if (depth >= MAX_DEPTH) return [{ type: 'paragraph', text: lines.join('\n') }];
    const blocks = [];
    let i = 0;
    while (i < lines.length) {
      const line = lines[i];
      if (isBlank(line)) {
        i++;
        continue;
      }
      const fence = fenceOf(line);
      if (fence) {
        const body = [];
        i++;
        while (i < lines.length) {
          const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(lines[i]);
          if (close && close[1][0] === fence.fence[0] && close[1].length >= fence.fence.length) {
            i++;
            break;
          }
          body.push(dedent(lines[i], fence.indent));
          i++;
        }
        blocks.push({ type: 'code', lang: fence.lang, text: body.join('\n') });
        continue;
      }
      const heading = headingOf(line);
      if (heading) {
        blocks.push({ type: 'heading', level: heading.level, text: heading.text });
        i++;
        continue;
      }
      if (RULE.test(line)) {
        blocks.push({ type: 'rule' });
        i++;
        continue;
      }
      if (QUOTE.test(line)) {
        const body = [];
        while (i < lines.length && !isBlank(lines[i])) {
          if (QUOTE.test(lines[i])) body.push(lines[i].replace(QUOTE, ''));
          else if (body.length && !interrupts(lines[i])) body.push(lines[i]);
          else break;
          i++;
        }
        blocks.push({ type: 'quote', children: parseBlocks(body, depth + 1) });
        continue;
      }
      if (ITEM.test(line)) {
        i = parseList(lines, i, blocks, depth);
        continue;
      }
      if (INDENTED.test(line)) {
        const body = [];
        while (i < lines.length && (INDENTED.test(lines[i]) || isBlank(lines[i]))) {
          body.push(dedent(lines[i], 4));
          i++;
        }
        while (body.length && isBlank(body[body.length - 1])) body.pop();
        blocks.push({ type: 'code', lang: '', text: body.join('\n') });
        continue;
      }
      if (line.includes('|') && i + 1 < lines.length && TABLE_DELIMITER.test(lines[i + 1])) {
        const header = splitRow(line);
        const delimiters = splitRow(lines[i + 1]);
        if (delimiters.length === header.length) {
          const align = delimiters.map((cell) => {
            const left = cell.startsWith(':');
            const right = cell.endsWith(':');
            return left && right ? 'center' : right ? 'right' : left ? 'left' : '';
          });
          const rows = [];
          i += 2;
          while (i < lines.length && !isBlank(lines[i]) && lines[i].includes('|') && !interrupts(lines[i])) {
            rows.push(splitRow(lines[i]));
            i++;
          }
          blocks.push({ type: 'table', header, align, rows });
          continue;
        }
      }
      // A paragraph, up to a blank line or another block; an underline makes it a heading.
      const text = [line];
      i++;
      let underline = 0;
      while (i < lines.length && !isBlank(lines[i])) {
        const setext = SETEXT.exec(lines[i]);
        if (setext) {
          underline = setext[1][0] === '=' ? 1 : 2;
          i++;
          break;
        }
        if (interrupts(lines[i])) break;
        text.push(lines[i]);
        i++;
      }
      blocks.push(underline
        ? { type: 'heading', level: underline, text: text.join('\n') }
        : { type: 'paragraph', text: text.join('\n') });
    }
    return blocks;
  }

  /** Parses the list starting at `lines[start]` into `blocks`; returns the next line. */
  function parseList(lines, start, blocks, depth) {
    const first = ITEM.exec(lines[start]);
    const ordered = /^\d/.test(first[2]);
    const kind = ordered ? first[2].slice(-1) : first[2];
    const list = { type: 'list', ordered, start: ordered ? parseInt(first[2], 10) : 1, items: [], loose: false };
    let i = start;
    let blankBefore = false;
    while (i < lines.length) {
      const match = ITEM.exec(lines[i]);
      if (!match) break;
      const marker = match[2];
      const sameKind = ordered ? /^\d/.test(marker) && marker.slice(-1) === kind : marker === kind;
      if (!sameKind || RULE.test(lines[i])) break;
      if (blankBefore && list.items.length) list.loose = true;
      const spacing = match[3] || ' ';
      // Content lines of the item are indented at least as far as its first character.
      const width = match[1].length + marker.length + (spacing.length > 4 ? 1 : spacing.length);
      const body = [match[4] === undefined ? '' : (spacing.length > 4 ? spacing.slice(1) : '') + match[4]];
      i++;
      blankBefore = false;
      while (i < lines.length) {
        const line = lines[i];
        if (isBlank(line)) {
          body.push('');
          blankBefore = true;
          i++;
          continue;
        }
        if (indentOf(line) >= width) {
          // A blank line between two blocks of one item makes the list loose.
          if (blankBefore) list.loose = true;
          body.push(dedent(line, width));
          blankBefore = false;
          i++;
          continue;
        }
        // A lazy continuation line of the item's paragraph.
        if (!blankBefore && !ITEM.test(line) && !interrupts(line)) {
          body.push(line);
          i++;
          continue;
        }
        break;
      }
      while (body.length && isBlank(body[body.length - 1])) body.pop();
      let task = null;
      const taskMatch = /^\[([ xX])\][ \t]+/.exec(body[0] || '');
      if (taskMatch) {
        task = taskMatch[1] !== ' ';
        body[0] = body[0].slice(taskMatch[0].length);
      }
      list.items.push({ task, children: parseBlocks(body, depth + 1) });
    }
    blocks.push(list);
    return i;
  }

  // ---------------------------------------------------------------------------------------
  // Rendering

  function renderBlocks(blocks, parent, options, tight) {
    for (let at = 0; at < blocks.length; at++) {
      const block = blocks[at];
      switch (block.type) {
        case 'paragraph': {
          // Hard breaks at line ends, as pi's renderer has them; trailing spaces go.
          const text = block.text.replace(/[ \t]+\n/g, '\n').replace(/^[ \t]+/gm, '').trimEnd();
          if (tight) {
            inline(text, parent);
          } else {
            const p = node('p');
            inline(text, p);
            parent.appendChild(p);
          }
          break;
        }
        case 'heading': {
          const h = node('h' + block.level);
          inline(block.text.trim(), h);
          parent.appendChild(h);
          break;
        }
        case 'code': {
          const pre = node('pre');
          const code = node('code', 'code-block');
          if (block.lang) code.dataset.lang = block.lang;
          code.appendChild(options.highlight ? options.highlight(block.text, block.lang) : document.createTextNode(block.text));
          pre.appendChild(code);
          parent.appendChild(pre);
          break;
        }
        case 'rule':
          parent.appendChild(node('hr'));
          break;
        case 'quote': {
          const quote = node('blockquote');
          renderBlocks(block.children, quote, options, false);
          parent.appendChild(quote);
          break;
        }
        case 'list': {
          const list = node(block.ordered ? 'ol' : 'ul');
          if (block.ordered && block.start !== 1) list.start = block.start;
          for (const item of block.items) {
            const li = node('li');
            if (item.task !== null) {
              li.className = 'task';
              const box = node('input');
              box.type = 'checkbox';
              box.disabled = true;
              box.checked = item.task;
              li.appendChild(box);
            }
            renderBlocks(item.children, li, options, !block.loose);
            list.appendChild(li);
          }
          parent.appendChild(list);
          break;
        }
        case 'table': {
          const wrap = node('div', 'table-wrap');
          const table = node('table');
          const head = node('thead');
          const headRow = node('tr');
          block.header.forEach((cell, column) => headRow.appendChild(tableCell('th', cell, block.align[column])));
          head.appendChild(headRow);
          table.appendChild(head);
          const body = node('tbody');
          for (const row of block.rows) {
            const tr = node('tr');
            block.header.forEach((_, column) => tr.appendChild(tableCell('td', row[column] || '', block.align[column])));
            body.appendChild(tr);
          }
          table.appendChild(body);
          wrap.appendChild(table);
          parent.appendChild(wrap);
          break;
        }
      }
      // In a tight list item, consecutive paragraphs still need separating.
      const next = blocks[at + 1];
      if (tight && block.type === 'paragraph' && next && next.type === 'paragraph') {
        parent.appendChild(node('br'));
      }
    }
  }

  function tableCell(tag, text, align) {
    const cell = node(tag, align ? 'align-' + align : '');
    inline(text, cell);
    return cell;
  }

  /**
   * Renders `text` as a fragment of DOM nodes. `options.highlight(code, lang)` may return a
   * node for the contents of a code block.
   */
  function render(text, options) {
    const fragment = document.createDocumentFragment();
    const lines = String(text == null ? '' : text).replace(/\r\n?/g, '\n').split('\n');
    renderBlocks(parseBlocks(lines, 0), fragment, options || {}, false);
    return fragment;
  }

  return { render, safeUrl };
})();
