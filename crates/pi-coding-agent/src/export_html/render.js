// Session entries as DOM: messages, tool calls with their results, summaries, and the page
// header. Session text only ever becomes text nodes, Markdown (see markdown.js) or
// highlighted code; attributes are set through DOM properties, never by writing markup.
const Render = (() => {
  'use strict';

  /** An element with a class and children (strings become text nodes; null is skipped). */
  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  /** Appends the children that are not null to `parent`. */
  function add(parent, ...children) {
    for (const child of children) {
      if (child) parent.appendChild(child);
    }
    return parent;
  }

  /** The text of a message's content (a string or blocks), text blocks joined by `separator`. */
  function textOf(content, separator) {
    if (typeof content === 'string') return content;
    if (!Array.isArray(content)) return '';
    return content
      .filter((block) => block && block.type === 'text' && typeof block.text === 'string')
      .map((block) => block.text)
      .join(separator || '');
  }

  function blocksOf(content, type) {
    return Array.isArray(content) ? content.filter((block) => block && block.type === type) : [];
  }

  /** A string argument, '' when absent, or null when it has another type. */
  function argText(value) {
    if (typeof value === 'string') return value;
    return value === undefined || value === null ? '' : null;
  }

  /** `/home/<user>/…` and `/Users/<user>/…` as `~/…`. */
  function shortenPath(path) {
    const match = /^\/(?:home|Users)\/[^/]+(?=\/|$)/.exec(path);
    return match ? '~' + path.slice(match[0].length) : path;
  }

  const oneLine = (text) => String(text).replace(/[\n\t]/g, ' ').trim();
  const clip = (text, max) => (text.length > max ? text.slice(0, max) + '...' : text);

  /** A `<skill name location>…</skill>` block that starts a user message, split from it. */
  function skillBlock(text) {
    const match = /^<skill name="([^"]+)" location="([^"]+)">\n([\s\S]*?)\n<\/skill>(?:\n\n([\s\S]+))?$/.exec(text);
    if (!match) return null;
    return { name: match[1], location: match[2], content: match[3], userMessage: (match[4] || '').trim() };
  }

  /** A one-line summary of a tool call, for the tree. */
  function toolCallSummary(name, args) {
    const a = args && typeof args === 'object' ? args : {};
    const path = (fallback) => shortenPath(String(a.path || a.file_path || fallback));
    switch (name) {
      case 'read': {
        let shown = path('');
        if (a.offset !== undefined || a.limit !== undefined) {
          const start = Number(a.offset) || 1;
          shown += ':' + start + (a.limit !== undefined ? '-' + (start + Number(a.limit) - 1) : '');
        }
        return '[read: ' + shown + ']';
      }
      case 'write':
      case 'edit':
        return '[' + name + ': ' + path('') + ']';
      case 'bash': {
        const command = String(a.command || '');
        return '[bash: ' + clip(oneLine(command), 50) + ']';
      }
      case 'grep':
        return '[grep: /' + String(a.pattern || '') + '/ in ' + path('.') + ']';
      case 'find':
        return '[find: ' + String(a.pattern || '') + ' in ' + path('.') + ']';
      case 'ls':
        return '[ls: ' + path('.') + ']';
      default:
        return '[' + String(name) + ': ' + clip(JSON.stringify(a) || '', 40) + ']';
    }
  }

  // ---------------------------------------------------------------------------------------
  // Building blocks

  const SAFE_IMAGE_TYPE = /^image\/[a-z0-9.+-]{1,40}$/i;
  const BASE64 = /^[A-Za-z0-9+/=\s]*$/;

  /** An inline image from an image block, or null if its data is not base64. */
  function image(block, className) {
    if (typeof block.data !== 'string' || !BASE64.test(block.data)) return null;
    const type = typeof block.mimeType === 'string' && SAFE_IMAGE_TYPE.test(block.mimeType) ? block.mimeType : 'image/png';
    const img = el('img', className + ' zoomable');
    img.alt = 'image';
    img.src = 'data:' + type + ';base64,' + block.data.replace(/\s/g, '');
    return img;
  }

  function images(blocks, className) {
    const shown = blocks.map((block) => image(block, className)).filter(Boolean);
    return shown.length ? el('div', 'images', ...shown) : null;
  }

  function markdown(text, className) {
    const box = el('div', 'markdown' + (className ? ' ' + className : ''));
    box.appendChild(Markdown.render(text, { highlight: Highlight.highlight }));
    return box;
  }

  function code(text, lang) {
    const node = el('code');
    node.appendChild(lang ? Highlight.highlight(text, lang) : document.createTextNode(text));
    return el('pre', null, node);
  }

  // Collapsible boxes build their full view on first opening: a long session stays fast.
  const fullViews = new WeakMap();

  /** A box showing `summary` until clicked, then what `buildFull` returns. */
  function collapsible(className, summary, buildFull) {
    const box = el('div', 'collapsible ' + className, el('div', 'collapsed-view', summary));
    fullViews.set(box, buildFull);
    return box;
  }

  /** Opens or closes a collapsible box (toggles it when `expanded` is undefined). */
  function setExpanded(box, expanded) {
    const open = expanded === undefined ? !box.classList.contains('expanded') : expanded;
    const build = fullViews.get(box);
    if (open && build) {
      fullViews.delete(box);
      box.appendChild(el('div', 'expanded-view', build()));
    }
    box.classList.toggle('expanded', open);
  }

  /** Tool output: the first `previewLines` lines, expandable to all of them. */
  function output(text, previewLines, lang) {
    const full = String(text).replace(/\t/g, '   ');
    const lines = full.split('\n');
    if (lines.length <= previewLines) return el('div', 'tool-output', code(full, lang));
    const preview = el('div', null,
      code(lines.slice(0, previewLines).join('\n'), lang),
      el('div', 'expand-hint', '... (' + (lines.length - previewLines) + ' more lines, click to expand)'));
    return collapsible('tool-output', preview, () => code(full, lang));
  }

  const invalid = () => el('span', 'invalid', '[invalid argument]');

  function toolHeader(name, ...rest) {
    return el('div', 'tool-header', el('span', 'tool-name', name), ' ', ...rest);
  }

  function pathArg(value, extra) {
    const path = argText(value);
    return path === null ? invalid() : el('span', 'tool-path', shortenPath(path || '.'), extra || null);
  }

  // ---------------------------------------------------------------------------------------
  // Tool calls

  function toolCall(call, result) {
    const status = result ? (result.isError ? 'error' : 'success') : 'pending';
    const box = el('div', 'tool-call ' + status);
    box.id = 'tool-call-' + String(call.id);
    const args = call.arguments && typeof call.arguments === 'object' ? call.arguments : {};
    const resultText = result ? textOf(result.content, '\n') : '';
    const name = String(call.name || 'tool');
    switch (name) {
      case 'bash': {
        const command = argText(args.command);
        add(box, el('div', 'tool-command', '$ ', command === null ? invalid() : command || '...'));
        if (resultText.trim()) add(box, output(resultText.trim(), 5));
        break;
      }
      case 'read': {
        const path = argText(args.file_path !== undefined ? args.file_path : args.path);
        let range = null;
        if (path !== null && (args.offset !== undefined || args.limit !== undefined)) {
          const start = Number(args.offset) || 1;
          range = el('span', 'line-range', ':' + start + (args.limit !== undefined ? '-' + (start + Number(args.limit) - 1) : ''));
        }
        add(box, toolHeader('read', pathArg(path, range)));
        if (result) {
          add(box, images(blocksOf(result.content, 'image'), 'tool-image'));
          if (resultText) add(box, output(resultText, 10, path ? Highlight.languageForPath(path) : null));
        }
        break;
      }
      case 'write': {
        const path = argText(args.file_path !== undefined ? args.file_path : args.path);
        const content = argText(args.content);
        const lineCount = content ? content.split('\n').length : 0;
        add(box, toolHeader('write', pathArg(path), lineCount > 10 ? el('span', 'line-count', ' (' + lineCount + ' lines)') : null));
        if (content === null) add(box, el('div', 'invalid', '[invalid content argument: not a string]'));
        else if (content) add(box, output(content, 10, path ? Highlight.languageForPath(path) : null));
        if (resultText.trim()) add(box, el('div', 'tool-output', code(resultText.trim())));
        break;
      }
      case 'edit': {
        const path = argText(args.file_path !== undefined ? args.file_path : args.path);
        add(box, toolHeader('edit', pathArg(path)));
        const diff = result && result.details && typeof result.details.diff === 'string' ? result.details.diff : null;
        if (diff) {
          const lines = diff.split('\n').map((line) => {
            const kind = line[0] === '+' ? 'added' : line[0] === '-' ? 'removed' : 'context';
            return el('div', 'diff-' + kind, line.replace(/\t/g, '   ') || ' ');
          });
          add(box, el('div', 'tool-diff', ...lines));
        } else if (resultText.trim()) {
          add(box, el('div', 'tool-output', code(resultText.trim())));
        }
        break;
      }
      case 'ls':
      case 'grep':
      case 'find': {
        const detail = [];
        if (name !== 'ls') {
          const pattern = argText(args.pattern);
          detail.push(pattern === null ? invalid() : el('span', 'tool-pattern', name === 'grep' ? '/' + pattern + '/' : pattern), ' in ');
        }
        detail.push(pathArg(args.path));
        if (args.limit !== undefined) detail.push(el('span', 'line-count', ' (limit ' + String(args.limit) + ')'));
        add(box, toolHeader(name, ...detail));
        if (resultText.trim()) add(box, output(resultText.trim(), name === 'ls' ? 20 : 10));
        break;
      }
      default: {
        add(box, toolHeader(name));
        add(box, output(JSON.stringify(args, null, 2) || '{}', 10, 'json'));
        if (result) {
          add(box, images(blocksOf(result.content, 'image'), 'tool-image'));
          if (resultText) add(box, output(resultText, 10));
        }
      }
    }
    return box;
  }

  // ---------------------------------------------------------------------------------------
  // Entries

  function userMessage(message) {
    const text = textOf(message.content, '\n');
    const pictures = images(blocksOf(message.content, 'image'), 'message-image');
    const skill = skillBlock(text);
    if (skill) {
      const box = el('div', 'skill-entry');
      box.appendChild(collapsible('skill', el('div', null,
        el('span', 'skill-label', '[skill] '), skill.name, el('span', 'hint', ' (click to expand)')),
      () => markdown(skill.content)));
      if (skill.userMessage || pictures) {
        box.appendChild(el('div', 'message user', pictures, skill.userMessage ? markdown(skill.userMessage) : null));
      }
      return box;
    }
    return el('div', 'message user', pictures, text.trim() ? markdown(text) : null);
  }

  function assistantMessage(message, context) {
    const box = el('div', 'message assistant');
    const content = Array.isArray(message.content) ? message.content : [];
    for (const block of content) {
      if (!block) continue;
      if (block.type === 'text' && typeof block.text === 'string' && block.text.trim()) {
        box.appendChild(markdown(block.text));
      } else if (block.type === 'thinking') {
        const thinking = typeof block.thinking === 'string' ? block.thinking : '';
        if (block.redacted || thinking.trim()) {
          box.appendChild(el('div', 'thinking',
            el('div', 'thinking-text', block.redacted && !thinking.trim() ? '(thinking redacted by the provider)' : thinking),
            el('div', 'thinking-collapsed', 'Thinking ...')));
        }
      }
    }
    for (const block of content) {
      if (block && block.type === 'toolCall') box.appendChild(toolCall(block, context.toolResults.get(block.id)));
    }
    if (message.stopReason === 'aborted') {
      box.appendChild(el('div', 'error-text', 'Aborted'));
    } else if (message.stopReason === 'error') {
      box.appendChild(el('div', 'error-text', 'Error: ' + String(message.errorMessage || 'Unknown error')));
    }
    return box;
  }

  function bashExecution(message) {
    const failed = message.cancelled || (message.exitCode !== 0 && message.exitCode !== null && message.exitCode !== undefined);
    const box = el('div', 'tool-call ' + (failed ? 'error' : 'success'));
    box.appendChild(el('div', 'tool-command', '$ ', String(message.command || '')));
    if (message.output) box.appendChild(output(String(message.output), 10));
    if (message.cancelled) box.appendChild(el('div', 'warning-text', '(cancelled)'));
    else if (failed) box.appendChild(el('div', 'error-text', '(exit ' + String(message.exitCode) + ')'));
    if (message.excludeFromContext) box.appendChild(el('div', 'hint', '(not sent to the model)'));
    return box;
  }

  /** A system message: the prompt sections it sets (or changes) and the tools it declares. */
  function systemMessage(message) {
    const sections = message.sections && typeof message.sections === 'object' ? message.sections : {};
    const names = Object.keys(sections);
    const added = Array.isArray(message.toolsAdded) ? message.toolsAdded : [];
    const removed = Array.isArray(message.toolsRemoved) ? message.toolsRemoved : [];
    const toolName = (tool) => String(tool && typeof tool === 'object' ? tool.name : tool);
    const parts = [];
    if (names.length) parts.push(names.length + (names.length === 1 ? ' section' : ' sections'));
    if (added.length) parts.push('tools: ' + added.map(toolName).join(', '));
    if (removed.length) parts.push('tools removed: ' + removed.map(toolName).join(', '));
    const summary = el('div', null, el('span', 'system-label', 'System prompt'),
      parts.length ? ' · ' + parts.join(' · ') : '', el('span', 'hint', ' (click to expand)'));
    return collapsible('system-message', summary, () => {
      const full = el('div');
      const text = textOf(message.content, '\n');
      if (text.trim()) full.appendChild(el('div', 'prompt-text', text));
      for (const name of names) {
        const value = sections[name];
        full.appendChild(el('div', 'section-name', name + (value === null ? ' (removed)' : '')));
        if (typeof value === 'string') full.appendChild(el('div', 'prompt-text', value));
      }
      if (added.length) full.appendChild(toolList(added));
      return full;
    });
  }

  function compaction(entry) {
    const tokens = Number(entry.tokensBefore) || 0;
    const summary = el('div', null, el('span', 'compaction-label', '[compaction] '),
      'Compacted from ' + tokens.toLocaleString() + ' tokens', el('span', 'hint', ' (click to expand)'));
    return collapsible('compaction', summary, () => markdown(String(entry.summary || '')));
  }

  function customMessage(entry) {
    const content = typeof entry.content === 'string' ? entry.content
      : textOf(entry.content, '\n') || JSON.stringify(entry.content);
    return el('div', 'custom-message',
      el('div', 'custom-type', '[' + String(entry.customType) + ']'),
      markdown(content || ''));
  }

  /** The entry's view in the conversation, or null for entries that only the tree shows. */
  function entry(item, context) {
    if (item.type === 'message') {
      const message = item.message && typeof item.message === 'object' ? item.message : {};
      switch (message.role) {
        case 'user': return userMessage(message);
        case 'assistant': return assistantMessage(message, context);
        case 'bashExecution': return bashExecution(message);
        case 'system': return systemMessage(message);
        default: return null;
      }
    }
    switch (item.type) {
      case 'model_change':
        return el('div', 'model-change', 'Switched to model: ',
          el('span', 'model-name', String(item.provider) + '/' + String(item.modelId)));
      case 'compaction':
        return compaction(item);
      case 'branch_summary':
        return el('div', 'branch-summary', el('div', 'branch-summary-header', 'Branch summary'),
          markdown(String(item.summary || '')));
      case 'custom_message':
        return item.display ? customMessage(item) : null;
      default:
        return null;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Header

  function formatTokens(count) {
    if (count < 1000) return String(count);
    if (count < 10000) return (count / 1000).toFixed(1) + 'k';
    if (count < 1000000) return Math.round(count / 1000) + 'k';
    return (count / 1000000).toFixed(1) + 'M';
  }

  function stats(entries) {
    const counts = { user: 0, assistant: 0, toolResults: 0, custom: 0, compactions: 0, branchSummaries: 0, toolCalls: 0 };
    const tokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
    let cost = 0;
    const models = new Set();
    for (const entry of entries) {
      if (entry.type === 'compaction') counts.compactions++;
      else if (entry.type === 'branch_summary') counts.branchSummaries++;
      else if (entry.type === 'custom_message') counts.custom++;
      if (entry.type !== 'message' || !entry.message) continue;
      const message = entry.message;
      if (message.role === 'user') counts.user++;
      else if (message.role === 'toolResult') counts.toolResults++;
      else if (message.role === 'assistant') {
        counts.assistant++;
        if (message.model) models.add(message.provider ? message.provider + '/' + message.model : String(message.model));
        counts.toolCalls += blocksOf(message.content, 'toolCall').length;
        const usage = message.usage || {};
        for (const key of Object.keys(tokens)) tokens[key] += Number(usage[key]) || 0;
        const c = usage.cost || {};
        cost += (Number(c.input) || 0) + (Number(c.output) || 0) + (Number(c.cacheRead) || 0) + (Number(c.cacheWrite) || 0);
      }
    }
    return { counts, tokens, cost, models: Array.from(models) };
  }

  function toolList(tools) {
    const items = tools.filter((tool) => tool && typeof tool === 'object').map((tool) => {
      const line = el('div', null, el('span', 'tool-item-name', String(tool.name)), ' - ',
        el('span', 'tool-item-description', String(tool.description || '')));
      const properties = tool.parameters && typeof tool.parameters === 'object' && tool.parameters.properties;
      if (!properties || typeof properties !== 'object' || !Object.keys(properties).length) {
        return el('div', 'tool-item', line);
      }
      const required = Array.isArray(tool.parameters.required) ? tool.parameters.required : [];
      return collapsible('tool-item', line, () => el('div', 'tool-params', ...Object.entries(properties).map(([name, schema]) => {
        const spec = schema && typeof schema === 'object' ? schema : {};
        return el('div', 'tool-param',
          el('span', 'tool-param-name', name), ' ',
          el('span', 'tool-param-type', String(spec.type || 'any')), ' ',
          el('span', required.includes(name) ? 'required' : 'optional', required.includes(name) ? 'required' : 'optional'),
          spec.description ? el('div', 'tool-param-description', String(spec.description)) : null);
      })));
    });
    return el('div', 'tool-list', el('div', 'tool-list-header', 'Available tools'), ...items);
  }

  /** The page header: the session's facts, actions, system prompt and tools. */
  function header(data, entries, name) {
    const info = data.header && typeof data.header === 'object' ? data.header : {};
    const s = stats(entries);
    const messageParts = [];
    const count = (value, label) => value && messageParts.push(value + ' ' + label);
    count(s.counts.user, 'user');
    count(s.counts.assistant, 'assistant');
    count(s.counts.toolResults, 'tool results');
    count(s.counts.custom, 'custom');
    count(s.counts.compactions, 'compactions');
    count(s.counts.branchSummaries, 'branch summaries');
    const tokenParts = [];
    if (s.tokens.input) tokenParts.push('↑' + formatTokens(s.tokens.input));
    if (s.tokens.output) tokenParts.push('↓' + formatTokens(s.tokens.output));
    if (s.tokens.cacheRead) tokenParts.push('R' + formatTokens(s.tokens.cacheRead));
    if (s.tokens.cacheWrite) tokenParts.push('W' + formatTokens(s.tokens.cacheWrite));
    const date = info.timestamp ? new Date(info.timestamp) : null;
    const fact = (label, value) => el('div', 'fact', el('span', 'fact-label', label), el('span', 'fact-value', value));
    const box = el('div', 'header',
      el('h1', null, 'Session: ', name || String(info.id || 'unknown')),
      el('div', 'actions',
        el('span', 'hint', 'T toggles thinking · O toggles tool output'),
        actionButton('toggle-thinking', 'Toggle thinking'),
        actionButton('toggle-tools', 'Toggle tool output'),
        actionButton('download', '↓ JSONL')),
      el('div', 'facts',
        fact('Date', date && !isNaN(date) ? date.toLocaleString() : 'unknown'),
        info.cwd ? fact('Directory', String(info.cwd)) : null,
        fact('Models', s.models.join(', ') || 'unknown'),
        fact('Messages', messageParts.join(', ') || '0'),
        fact('Tool calls', String(s.counts.toolCalls)),
        fact('Tokens', tokenParts.join(' ') || '0'),
        fact('Cost', '$' + s.cost.toFixed(3))));
    const fragment = document.createDocumentFragment();
    fragment.appendChild(box);
    if (typeof data.systemPrompt === 'string' && data.systemPrompt) {
      const lines = data.systemPrompt.split('\n');
      const heading = el('div', 'system-prompt-header', 'System prompt');
      if (lines.length > 10) {
        fragment.appendChild(collapsible('system-prompt', el('div', null, heading,
          el('div', 'prompt-text', lines.slice(0, 10).join('\n')),
          el('div', 'hint', '... (' + (lines.length - 10) + ' more lines, click to expand)')),
        () => el('div', null, heading, el('div', 'prompt-text', data.systemPrompt))));
      } else {
        fragment.appendChild(el('div', 'system-prompt', heading, el('div', 'prompt-text', data.systemPrompt)));
      }
    }
    if (Array.isArray(data.tools) && data.tools.length) fragment.appendChild(toolList(data.tools));
    return fragment;
  }

  function actionButton(action, label) {
    const button = el('button', 'action', label);
    button.type = 'button';
    button.dataset.action = action;
    return button;
  }

  return { el, textOf, shortenPath, skillBlock, toolCallSummary, entry, header, setExpanded };
})();
