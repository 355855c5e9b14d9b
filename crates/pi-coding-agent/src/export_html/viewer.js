// The page: reads the embedded session, draws its tree in the sidebar (search, filters,
// labels) and the conversation from the root to the chosen entry, and handles navigation,
// deep links (?leafId=…&targetId=…) and keyboard shortcuts.
(() => {
  'use strict';

  const { el } = Render;
  const $ = (id) => document.getElementById(id);
  const messagesEl = $('messages');
  const treeEl = $('tree');

  let data = null;
  try {
    data = JSON.parse($('session-data').textContent);
  } catch (err) {
    data = null;
  }
  if (!data || typeof data !== 'object') {
    messagesEl.appendChild(el('div', 'load-error', 'The session data in this page could not be read.'));
    return;
  }

  // ---------------------------------------------------------------------------------------
  // The session as a tree

  const allEntries = Array.isArray(data.entries) ? data.entries : [];
  const entries = allEntries.filter((entry) => entry && typeof entry === 'object' && typeof entry.id === 'string');
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const children = new Map();
  const roots = [];
  const labels = new Map();
  const toolCalls = new Map();
  const toolResults = new Map();
  let sessionName = '';

  for (const entry of entries) {
    const parent = entry.parentId;
    if (typeof parent === 'string' && parent !== entry.id && byId.has(parent)) {
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(entry.id);
    } else {
      roots.push(entry.id);
    }
    if (entry.type === 'label' && typeof entry.targetId === 'string') {
      if (typeof entry.label === 'string' && entry.label.trim()) labels.set(entry.targetId, entry.label.trim());
      else labels.delete(entry.targetId);
    } else if (entry.type === 'session_info') {
      sessionName = typeof entry.name === 'string' ? entry.name.trim() : '';
    } else if (entry.type === 'message' && entry.message) {
      const message = entry.message;
      if (message.role === 'assistant' && Array.isArray(message.content)) {
        for (const block of message.content) {
          if (block && block.type === 'toolCall') toolCalls.set(block.id, block);
        }
      } else if (message.role === 'toolResult' && !toolResults.has(message.toolCallId)) {
        toolResults.set(message.toolCallId, message);
      }
    }
  }

  // Children oldest first (file order breaks ties), as pi's /tree shows them.
  const time = (id) => Date.parse(byId.get(id).timestamp) || 0;
  for (const list of children.values()) {
    if (list.length > 1) list.sort((a, b) => time(a) - time(b));
  }

  /** The entries from the root to `id`. */
  function pathTo(id) {
    const path = [];
    const seen = new Set();
    let entry = byId.get(id);
    while (entry && !seen.has(entry.id)) {
      seen.add(entry.id);
      path.push(entry);
      entry = typeof entry.parentId === 'string' ? byId.get(entry.parentId) : undefined;
    }
    return path.reverse();
  }

  /** The newest leaf below `id`: clicking any entry shows its whole branch. */
  function newestLeaf(id) {
    let current = id;
    const seen = new Set();
    while (children.has(current) && !seen.has(current)) {
      seen.add(current);
      const list = children.get(current);
      current = list[list.length - 1];
    }
    return current;
  }

  // ---------------------------------------------------------------------------------------
  // Filtering and search

  const SETTINGS_TYPES = new Set(['label', 'custom', 'context_edit', 'model_change', 'thinking_level_change']);
  let filter = 'default';
  let searchTokens = [];
  const searchTexts = new Map();

  function searchText(entry) {
    let text = searchTexts.get(entry.id);
    if (text !== undefined) return text;
    const parts = [labels.get(entry.id) || ''];
    const message = entry.type === 'message' && entry.message ? entry.message : null;
    if (message) {
      parts.push(String(message.role), Render.textOf(message.content, ' '));
      if (message.role === 'bashExecution') parts.push(String(message.command || ''));
      if (message.role === 'toolResult') {
        const call = toolCalls.get(message.toolCallId);
        if (call) parts.push(Render.toolCallSummary(call.name, call.arguments));
      }
    } else {
      switch (entry.type) {
        case 'custom_message':
          parts.push(String(entry.customType), Render.textOf(entry.content, ' '));
          break;
        case 'compaction':
          parts.push('compaction', String(entry.summary || ''));
          break;
        case 'branch_summary':
          parts.push('branch summary', String(entry.summary || ''));
          break;
        case 'model_change':
          parts.push('model', String(entry.modelId));
          break;
        case 'thinking_level_change':
          parts.push('thinking', String(entry.thinkingLevel));
          break;
        case 'context_edit':
          parts.push('context edit', entry.replacement === null ? 'omit' : 'replace', String(entry.targetId));
          break;
        default:
          parts.push(String(entry.type));
      }
    }
    text = parts.join(' ').toLowerCase();
    searchTexts.set(entry.id, text);
    return text;
  }

  function isShown(entry) {
    if (entry.id === currentLeaf) return true;
    const message = entry.type === 'message' && entry.message ? entry.message : null;
    // An assistant message holding only tool calls is shown through its tool results.
    if (message && message.role === 'assistant') {
      const hasText = Render.textOf(message.content).trim() !== '';
      const failed = message.stopReason && message.stopReason !== 'stop' && message.stopReason !== 'toolUse';
      if (!hasText && !failed) return false;
    }
    const isSettings = SETTINGS_TYPES.has(entry.type);
    let passes;
    switch (filter) {
      case 'user-only':
        passes = !!message && message.role === 'user';
        break;
      case 'no-tools':
        passes = !isSettings && !(message && message.role === 'toolResult');
        break;
      case 'labeled-only':
        passes = labels.has(entry.id);
        break;
      case 'all':
        passes = true;
        break;
      default:
        passes = !isSettings;
    }
    if (!passes) return false;
    if (!searchTokens.length) return true;
    const text = searchText(entry);
    return searchTokens.every((token) => text.includes(token));
  }

  // ---------------------------------------------------------------------------------------
  // The tree in the sidebar

  const MAX_INDENT = 30;

  /**
   * The rows of the tree of shown entries: hidden entries are skipped, their children hang
   * from the nearest shown ancestor. Each row has its guide columns and its connector.
   */
  function treeRows(onPath) {
    const shownRoots = [];
    const shownChildren = new Map();
    // Depth-first from the roots, carrying the nearest shown ancestor (iterative: sessions
    // can be deeper than the call stack).
    const stack = roots.slice().reverse().map((id) => [id, null]);
    let total = 0;
    while (stack.length) {
      const [id, shownParent] = stack.pop();
      total++;
      const shown = isShown(byId.get(id));
      if (shown) {
        if (shownParent === null) shownRoots.push(id);
        else {
          if (!shownChildren.has(shownParent)) shownChildren.set(shownParent, []);
          shownChildren.get(shownParent).push(id);
        }
      }
      const list = children.get(id) || [];
      for (let k = list.length - 1; k >= 0; k--) stack.push([list[k], shown ? id : shownParent]);
    }

    // The branch holding the current entry comes first; the sort is stable.
    const ordered = (ids) => ids.slice().sort((a, b) => onPath.has(b) - onPath.has(a));
    const rows = [];
    const pending = [];
    const push = (ids, guides) => {
      const list = ordered(ids);
      for (let k = list.length - 1; k >= 0; k--) {
        const connector = list.length > 1 ? (k === list.length - 1 ? 'last' : 'middle') : null;
        pending.push({ id: list[k], guides, connector });
      }
    };
    push(shownRoots, []);
    while (pending.length) {
      const row = pending.pop();
      rows.push(row);
      // Children line up under this row's text: its connector becomes a guide. Indentation
      // stops growing at some depth, so that a deeply branched session stays readable.
      const indent = row.connector && row.guides.length < MAX_INDENT;
      const guides = indent ? row.guides.concat(row.connector === 'middle') : row.guides;
      push(shownChildren.get(row.id) || [], guides);
    }
    return { rows, total };
  }

  function prefixOf(row) {
    let prefix = '';
    for (const guide of row.guides) prefix += guide ? '│  ' : '   ';
    if (row.connector) prefix += row.connector === 'middle' ? '├─ ' : '└─ ';
    return prefix;
  }

  /** What a tree row says about an entry: [class, text] pairs. */
  function rowParts(entry) {
    const oneLine = (text) => String(text).replace(/[\n\t]/g, ' ').trim();
    const clip = (text) => (text.length > 100 ? text.slice(0, 100) + '...' : text);
    const message = entry.type === 'message' && entry.message ? entry.message : null;
    if (message) {
      switch (message.role) {
        case 'user': {
          const text = Render.textOf(message.content);
          const skill = Render.skillBlock(text);
          if (skill) {
            const parts = [['role-skill', 'skill: '], ['', skill.name]];
            if (skill.userMessage) parts.push(['', ' · '], ['role-user', 'user: '], ['', clip(oneLine(skill.userMessage))]);
            return parts;
          }
          return [['role-user', 'user: '], ['', clip(oneLine(text))]];
        }
        case 'assistant': {
          const text = clip(oneLine(Render.textOf(message.content)));
          if (text) return [['role-assistant', 'assistant: '], ['', text]];
          if (message.stopReason === 'aborted') return [['role-assistant', 'assistant: '], ['muted', '(aborted)']];
          if (message.errorMessage) return [['role-assistant', 'assistant: '], ['error', clip(String(message.errorMessage))]];
          return [['role-assistant', 'assistant: '], ['muted', '(no text)']];
        }
        case 'toolResult': {
          const call = toolCalls.get(message.toolCallId);
          return [['role-tool', call ? Render.toolCallSummary(call.name, call.arguments) : '[' + String(message.toolName || 'tool') + ']']];
        }
        case 'bashExecution':
          return [['role-tool', '[bash]: '], ['', clip(oneLine(message.command || ''))]];
        default:
          return [['muted', '[' + String(message.role) + ']']];
      }
    }
    switch (entry.type) {
      case 'compaction':
        return [['compaction', '[compaction: ' + Math.round((Number(entry.tokensBefore) || 0) / 1000) + 'k tokens]']];
      case 'branch_summary':
        return [['branch-summary', '[branch summary]: '], ['', clip(oneLine(entry.summary || ''))]];
      case 'custom_message': {
        const content = typeof entry.content === 'string' ? entry.content : Render.textOf(entry.content);
        return [['custom', '[' + String(entry.customType) + ']: '], ['', clip(oneLine(content))]];
      }
      case 'model_change':
        return [['muted', '[model: ' + String(entry.modelId) + ']']];
      case 'thinking_level_change':
        return [['muted', '[thinking: ' + String(entry.thinkingLevel) + ']']];
      case 'context_edit':
        return [['muted', '[context ' + (entry.replacement === null ? 'omit' : 'replace') + ': ' + String(entry.targetId) + ']']];
      default:
        return [['muted', '[' + String(entry.type) + ']']];
    }
  }

  function renderTree() {
    const onPath = new Set(pathTo(currentLeaf).map((entry) => entry.id));
    const { rows, total } = treeRows(onPath);
    const fragment = document.createDocumentFragment();
    for (const row of rows) {
      const entry = byId.get(row.id);
      const node = el('div', 'tree-node', el('span', 'tree-prefix', prefixOf(row)), el('span', 'tree-marker', ' '));
      node.dataset.id = row.id;
      node.tabIndex = 0;
      node.setAttribute('role', 'treeitem');
      const content = el('span', 'tree-content');
      const label = labels.get(row.id);
      if (label) content.appendChild(el('span', 'tree-label', '[' + label + '] '));
      for (const [className, text] of rowParts(entry)) {
        content.appendChild(className ? el('span', 'tree-' + className, text) : document.createTextNode(text));
      }
      node.appendChild(content);
      fragment.appendChild(node);
    }
    treeEl.replaceChildren(fragment);
    $('tree-status').textContent = rows.length + ' / ' + total + ' entries';
    markTree();
  }

  /** Marks the rows on the current path and the current target. */
  function markTree() {
    const onPath = new Set(pathTo(currentLeaf).map((entry) => entry.id));
    let active = null;
    for (const node of treeEl.children) {
      const id = node.dataset.id;
      const inPath = onPath.has(id);
      node.classList.toggle('in-path', inPath);
      node.classList.toggle('active', id === currentTarget);
      node.children[1].textContent = inPath ? '•' : ' ';
      if (id === currentTarget) active = node;
    }
    return active;
  }

  // ---------------------------------------------------------------------------------------
  // The conversation

  const context = { toolResults };
  // One formatter for all entries: creating one per call is slow in long sessions.
  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const entryViews = new Map();

  function copyLinkButton(id) {
    const button = el('button', 'copy-link', '🔗');
    button.type = 'button';
    button.title = 'Copy a link to this entry';
    button.dataset.entryId = id;
    return button;
  }

  /** The view of an entry (kept: navigating back and forth reuses it), or null. */
  function entryView(entry) {
    if (entryViews.has(entry.id)) return entryViews.get(entry.id);
    let body;
    try {
      body = Render.entry(entry, context);
    } catch (err) {
      body = el('div', 'load-error', 'This entry could not be shown (' + String(err && err.message) + ').');
    }
    let view = null;
    if (body) {
      const meta = el('div', 'entry-meta');
      const label = labels.get(entry.id);
      if (label) meta.appendChild(el('span', 'entry-label', label));
      const when = entry.timestamp ? new Date(entry.timestamp) : null;
      if (when && !isNaN(when)) meta.appendChild(el('span', 'timestamp', timeFormat.format(when)));
      meta.appendChild(copyLinkButton(entry.id));
      view = el('article', 'entry entry-' + String(entry.type), meta, body);
      view.id = 'entry-' + entry.id;
      if (toolOutputShown) {
        for (const box of view.querySelectorAll('.collapsible')) Render.setExpanded(box, true);
      }
    }
    entryViews.set(entry.id, view);
    return view;
  }

  function renderMessages() {
    const fragment = document.createDocumentFragment();
    for (const entry of pathTo(currentLeaf)) {
      const view = entryView(entry);
      if (view) fragment.appendChild(view);
    }
    messagesEl.replaceChildren(fragment);
    applyThinking();
  }

  /** The element that shows `id`: a tool result is shown inside its tool call. */
  function elementFor(id) {
    const entry = byId.get(id);
    if (entry && entry.type === 'message' && entry.message && entry.message.role === 'toolResult') {
      const call = document.getElementById('tool-call-' + String(entry.message.toolCallId));
      if (call) return call;
    }
    return document.getElementById('entry-' + id);
  }

  let currentLeaf = null;
  let currentTarget = null;

  /** Shows the branch ending at `leafId`; `scroll` is 'target', 'bottom' or 'none'. */
  function navigate(leafId, targetId, scroll) {
    currentLeaf = leafId;
    currentTarget = targetId || leafId;
    renderMessages();
    const row = markTree();
    if (row && scroll !== 'none') row.scrollIntoView({ block: 'nearest' });
    const content = $('content');
    if (scroll === 'bottom') {
      content.scrollTop = content.scrollHeight;
    } else if (scroll === 'target') {
      const target = elementFor(currentTarget);
      if (target) {
        target.scrollIntoView({ block: 'center' });
        target.classList.add('highlight');
        setTimeout(() => target.classList.remove('highlight'), 2000);
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Toggles, links, download

  let thinkingShown = true;
  let toolOutputShown = false;

  function applyThinking() {
    document.body.classList.toggle('thinking-hidden', !thinkingShown);
  }

  function toggleThinking() {
    thinkingShown = !thinkingShown;
    applyThinking();
  }

  function toggleToolOutput() {
    toolOutputShown = !toolOutputShown;
    for (const box of messagesEl.querySelectorAll('.collapsible')) Render.setExpanded(box, toolOutputShown);
  }

  function shareUrl(id) {
    const url = new URL(window.location.href);
    // A viewer that names the session by a bare first parameter (?<id>) keeps it.
    const bare = Array.from(url.searchParams.keys()).find((key) => !url.searchParams.get(key));
    const params = new URLSearchParams();
    params.set('leafId', currentLeaf);
    params.set('targetId', id);
    url.search = (bare ? encodeURIComponent(bare) + '&' : '') + params.toString();
    url.hash = '';
    return url.toString();
  }

  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (err) {
      // Pages opened from a file may not use the clipboard API: fall back to a selection.
      const area = el('textarea', 'offscreen');
      area.value = text;
      document.body.appendChild(area);
      area.select();
      let copied = false;
      try {
        copied = document.execCommand('copy');
      } catch (ignored) {
        copied = false;
      }
      area.remove();
      return copied;
    }
  }

  function downloadJsonl() {
    const lines = [];
    if (data.header) lines.push(JSON.stringify(data.header));
    for (const entry of allEntries) lines.push(JSON.stringify(entry));
    const blob = new Blob([lines.join('\n') + '\n'], { type: 'application/x-ndjson' });
    const url = URL.createObjectURL(blob);
    const link = el('a');
    link.href = url;
    link.download = String((data.header && data.header.id) || 'session') + '.jsonl';
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  // ---------------------------------------------------------------------------------------
  // Events

  const selecting = () => String(window.getSelection ? window.getSelection() : '') !== '';

  treeEl.addEventListener('click', (event) => {
    const node = event.target.closest('.tree-node');
    if (!node || selecting()) return;
    const id = node.dataset.id;
    navigate(newestLeaf(id), id, 'target');
    document.body.classList.remove('sidebar-open');
  });
  treeEl.addEventListener('keydown', (event) => {
    const node = event.target.closest('.tree-node');
    if (!node) return;
    if (event.key === 'Enter') node.click();
    else if (event.key === 'ArrowDown' && node.nextElementSibling) node.nextElementSibling.focus();
    else if (event.key === 'ArrowUp' && node.previousElementSibling) node.previousElementSibling.focus();
    else return;
    event.preventDefault();
  });

  $('search').addEventListener('input', (event) => {
    searchTokens = event.target.value.toLowerCase().split(/\s+/).filter(Boolean);
    renderTree();
  });

  for (const button of document.querySelectorAll('.filter')) {
    button.addEventListener('click', () => {
      for (const other of document.querySelectorAll('.filter')) other.classList.toggle('active', other === button);
      filter = button.dataset.filter;
      renderTree();
    });
  }

  $('content').addEventListener('click', (event) => {
    const target = event.target;
    const copy = target.closest('.copy-link');
    if (copy) {
      copyText(shareUrl(copy.dataset.entryId)).then((copied) => {
        if (!copied) return;
        copy.classList.add('copied');
        setTimeout(() => copy.classList.remove('copied'), 1500);
      });
      return;
    }
    const action = target.closest('button.action');
    if (action) {
      if (action.dataset.action === 'toggle-thinking') toggleThinking();
      else if (action.dataset.action === 'toggle-tools') toggleToolOutput();
      else if (action.dataset.action === 'download') downloadJsonl();
      return;
    }
    if (target.matches('img.zoomable')) {
      $('lightbox-image').src = target.src;
      $('lightbox').hidden = false;
      return;
    }
    const box = target.closest('.collapsible');
    if (box && !target.closest('a') && !selecting()) Render.setExpanded(box);
  });

  $('lightbox').addEventListener('click', () => {
    $('lightbox').hidden = true;
  });

  $('sidebar-open').addEventListener('click', () => document.body.classList.add('sidebar-open'));
  $('sidebar-close').addEventListener('click', () => document.body.classList.remove('sidebar-open'));
  $('sidebar-backdrop').addEventListener('click', () => document.body.classList.remove('sidebar-open'));

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      if (!$('lightbox').hidden) {
        $('lightbox').hidden = true;
        return;
      }
      const search = $('search');
      if (search.value) {
        search.value = '';
        searchTokens = [];
        renderTree();
      }
      navigate(initialLeaf, null, 'bottom');
      return;
    }
    const focus = document.activeElement;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (focus && (focus.matches('input, textarea, select, button') || focus.isContentEditable)) return;
    const key = event.key.toLowerCase();
    if (key === 't') toggleThinking();
    else if (key === 'o') toggleToolOutput();
    else return;
    event.preventDefault();
  });

  // The sidebar's width can be dragged, and is remembered.
  const WIDTH_KEY = 'pi-export:sidebar-width';
  const setWidth = (width) => {
    const max = Math.max(240, Math.min(720, window.innerWidth - 320));
    document.documentElement.style.setProperty('--sidebar-width', Math.round(Math.max(240, Math.min(max, width))) + 'px');
  };
  try {
    const saved = Number(localStorage.getItem(WIDTH_KEY));
    if (saved) setWidth(saved);
  } catch (err) {
    // Storage may be unavailable (private windows, file pages): keep the default width.
  }
  const resizer = $('resizer');
  resizer.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    const startX = event.clientX;
    const startWidth = $('sidebar').getBoundingClientRect().width;
    resizer.setPointerCapture(event.pointerId);
    document.body.classList.add('resizing');
    const move = (moved) => setWidth(startWidth + moved.clientX - startX);
    const stop = () => {
      document.body.classList.remove('resizing');
      resizer.removeEventListener('pointermove', move);
      resizer.removeEventListener('pointerup', stop);
      try {
        localStorage.setItem(WIDTH_KEY, String(Math.round($('sidebar').getBoundingClientRect().width)));
      } catch (err) {
        // Not remembered; the width still applies now.
      }
    };
    resizer.addEventListener('pointermove', move);
    resizer.addEventListener('pointerup', stop);
  });
  resizer.addEventListener('dblclick', () => {
    document.documentElement.style.removeProperty('--sidebar-width');
    try {
      localStorage.removeItem(WIDTH_KEY);
    } catch (err) {
      // Nothing remembered.
    }
  });

  // ---------------------------------------------------------------------------------------
  // Start: the session's leaf, or the one a link names (?leafId=…&targetId=…).

  const meta = document.querySelector('meta[name="pi-url-params"]');
  const params = new URLSearchParams(meta ? meta.content : window.location.search.slice(1));
  const linkedLeaf = params.get('leafId');
  const linkedTarget = params.get('targetId');
  const lastId = entries.length ? entries[entries.length - 1].id : null;
  const initialLeaf = byId.has(data.leafId) ? data.leafId : lastId;
  currentLeaf = byId.has(linkedLeaf) ? linkedLeaf : initialLeaf;
  currentTarget = byId.has(linkedTarget) ? linkedTarget : currentLeaf;

  $('session-header').replaceChildren(Render.header(data, entries, sessionName));
  if (currentLeaf === null) {
    messagesEl.appendChild(el('div', 'empty', 'This session has no entries yet.'));
    $('tree-status').textContent = '0 entries';
  } else {
    renderTree();
    navigate(currentLeaf, currentTarget, byId.has(linkedTarget) ? 'target' : 'none');
    // Show the current row once the page is drawn, without holding up the first paint.
    setTimeout(() => {
      const row = treeEl.querySelector('.tree-node.active');
      if (row) row.scrollIntoView({ block: 'nearest' });
    }, 0);
  }
})();
