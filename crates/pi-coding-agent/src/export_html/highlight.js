// Syntax highlighting for code blocks and file contents: one small tokenizer, configured per
// language family, that wraps comments, strings, numbers, keywords and the like in spans.
// It only ever creates text nodes, so any code is shown exactly as written.
const Highlight = (() => {
  'use strict';

  const words = (list) => new Set(list.split(' '));
  // Long inputs are shown plainly: highlighting them would cost more than it helps.
  const MAX_LENGTH = 300000;

  const C_FAMILY = { lineComment: ['//'], blockComment: ['/*', '*/'], strings: '"\'' };
  const JS_KEYWORDS = 'async await break case catch class const continue debugger default delete do else export extends finally for from function get if import in instanceof let new of return set static super switch throw try typeof var void while with yield';

  const LANGUAGES = {
    javascript: { ...C_FAMILY, strings: '"\'`', keywords: words(JS_KEYWORDS), literals: words('true false null undefined NaN Infinity this') },
    typescript: {
      ...C_FAMILY, strings: '"\'`',
      keywords: words(JS_KEYWORDS + ' abstract as declare enum implements interface keyof namespace private protected public readonly type infer is satisfies module'),
      literals: words('true false null undefined NaN Infinity this'),
      types: words('string number boolean any unknown never object symbol bigint'),
    },
    python: {
      lineComment: ['#'], strings: '"\'', triple: true,
      keywords: words('and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case'),
      literals: words('True False None self cls'),
    },
    rust: {
      ...C_FAMILY, strings: '"', charQuote: true, macros: true,
      keywords: words('as async await break const continue crate dyn else enum extern fn for if impl in let loop match mod move mut pub ref return static struct super trait type unsafe use where while'),
      literals: words('true false self Self None Some Ok Err'),
      types: words('i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64 bool char str'),
      capitalizedTypes: true,
    },
    go: {
      ...C_FAMILY, strings: '"\'`',
      keywords: words('break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var'),
      literals: words('true false nil iota'),
      types: words('bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr any'),
    },
    c: {
      ...C_FAMILY, preprocessor: true,
      keywords: words('auto break case char const continue default do double else enum extern float for goto if inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while'),
      literals: words('NULL true false'),
    },
    cpp: {
      ...C_FAMILY, preprocessor: true,
      keywords: words('auto break case char const continue default do double else enum extern float for goto if inline int long register return short signed sizeof static struct switch typedef union unsigned void volatile while alignas alignof bool catch class constexpr const_cast decltype delete explicit export friend mutable namespace new noexcept operator private protected public reinterpret_cast static_assert static_cast template this thread_local throw try typeid typename using virtual override final'),
      literals: words('true false nullptr NULL'),
      capitalizedTypes: true,
    },
    java: {
      ...C_FAMILY,
      keywords: words('abstract assert boolean break byte case catch char class const continue default do double else enum extends final finally float for goto if implements import instanceof int interface long native new package private protected public return short static strictfp super switch synchronized this throw throws transient try void volatile while var record yield'),
      literals: words('true false null'),
      capitalizedTypes: true,
    },
    csharp: {
      ...C_FAMILY, preprocessor: true,
      keywords: words('abstract as async await base bool break byte case catch char checked class const continue decimal default delegate do double else enum event explicit extern finally fixed float for foreach goto if implicit in int interface internal is lock long namespace new object operator out override params private protected public readonly record ref return sbyte sealed short sizeof stackalloc static string struct switch this throw try typeof uint ulong unchecked unsafe ushort using var virtual void volatile while'),
      literals: words('true false null'),
      capitalizedTypes: true,
    },
    kotlin: {
      ...C_FAMILY, strings: '"\'',
      keywords: words('as break by catch class constructor continue data do else enum finally for fun get if import in init interface internal is object open override package private protected public return sealed set super this throw try typealias val var when while'),
      literals: words('true false null'),
      capitalizedTypes: true,
    },
    swift: {
      ...C_FAMILY,
      keywords: words('as break case catch class continue default defer do else enum extension fallthrough for func guard if import in init inout internal is let private protocol public repeat return self static struct subscript super switch throw throws try var where while'),
      literals: words('true false nil'),
      capitalizedTypes: true,
    },
    php: {
      ...C_FAMILY, lineComment: ['//', '#'], variables: true,
      keywords: words('abstract and array as break callable case catch class clone const continue declare default do echo else elseif empty extends final finally fn for foreach function global goto if implements include include_once instanceof interface isset list match namespace new or print private protected public readonly require require_once return static switch throw trait try unset use var while xor yield'),
      literals: words('true false null TRUE FALSE NULL'),
    },
    ruby: {
      lineComment: ['#'], strings: '"\'',
      keywords: words('alias and begin break case class def defined do else elsif end ensure for if in module next not or redo rescue retry return super then undef unless until when while yield require'),
      literals: words('true false nil self'),
      capitalizedTypes: true,
    },
    lua: {
      blockComment: ['--[[', ']]'], lineComment: ['--'], strings: '"\'',
      keywords: words('and break do else elseif end for function goto if in local not or repeat return then until while'),
      literals: words('true false nil'),
    },
    bash: {
      lineComment: ['#'], hashNeedsSpace: true, strings: '"\'', variables: true,
      keywords: words('if then else elif fi case esac for select while until do done in function return local export readonly declare unset shift exit break continue source alias set'),
      literals: words('true false'),
    },
    sql: {
      lineComment: ['--'], blockComment: ['/*', '*/'], strings: '\'"', ignoreCase: true,
      keywords: words('select from where and or not insert into values update set delete create table drop alter add column primary key foreign references index view join inner left right outer full on as group by order having limit offset distinct union all case when then else end is like in between exists returning with begin commit rollback transaction default unique check constraint if asc desc'),
      literals: words('true false null'),
    },
    dockerfile: {
      lineComment: ['#'], strings: '"\'', ignoreCase: true, variables: true,
      keywords: words('from run cmd label maintainer expose env add copy entrypoint volume user workdir arg onbuild stopsignal healthcheck shell as'),
    },
    json: { strings: '"', keys: true, literals: words('true false null') },
    yaml: {
      lineComment: ['#'], hashNeedsSpace: true, strings: '"\'',
      lineKey: /[ \t]*(?:- +)?([^\s:#'"{}[\],&*!|>%@`][^:#\n]*?)(?=:(?:\s|$))/y,
      literals: words('true false null yes no on off'),
    },
    toml: {
      lineComment: ['#'], strings: '"\'', triple: true,
      lineKey: /[ \t]*(\[\[?[^\]\n]*\]\]?|[\w.\-"']+(?=[ \t]*=))/y,
      literals: words('true false'),
    },
    ini: { lineComment: [';', '#'], strings: '"', lineKey: /[ \t]*(\[[^\]\n]*\]|[\w.\-]+(?=[ \t]*=))/y },
    css: { blockComment: ['/*', '*/'], strings: '"\'', keyBeforeColon: true, atWords: true },
    scss: { blockComment: ['/*', '*/'], lineComment: ['//'], strings: '"\'', keyBeforeColon: true, atWords: true, variables: true },
    markup: { markup: true },
    diff: { diff: true },
  };

  const ALIASES = {
    js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript', node: 'javascript',
    ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
    py: 'python', python3: 'python', pyi: 'python',
    rs: 'rust', golang: 'go',
    h: 'c', cc: 'cpp', cxx: 'cpp', hpp: 'cpp', hh: 'cpp', 'c++': 'cpp',
    cs: 'csharp', 'c#': 'csharp', kt: 'kotlin', kts: 'kotlin',
    rb: 'ruby', sh: 'bash', shell: 'bash', zsh: 'bash', console: 'bash', shellsession: 'bash',
    psql: 'sql', mysql: 'sql', postgres: 'sql', postgresql: 'sql', sqlite: 'sql',
    docker: 'dockerfile', jsonc: 'json', json5: 'json', jsonl: 'json',
    yml: 'yaml', cfg: 'ini', conf: 'ini', properties: 'ini',
    sass: 'scss', less: 'scss',
    html: 'markup', htm: 'markup', xml: 'markup', svg: 'markup', vue: 'markup', xhtml: 'markup', plist: 'markup',
    patch: 'diff',
  };

  /** The language definition for a name or alias, or null. */
  function language(name) {
    if (!name) return null;
    const key = String(name).toLowerCase();
    return LANGUAGES[key] || LANGUAGES[ALIASES[key]] || null;
  }

  /** The language name for a file path, from its extension (or name), or null. */
  function languageForPath(path) {
    const base = String(path || '').split(/[\\/]/).pop().toLowerCase();
    if (base === 'dockerfile' || base.endsWith('.dockerfile')) return 'dockerfile';
    const dot = base.lastIndexOf('.');
    if (dot < 0) return null;
    const ext = base.slice(dot + 1);
    return language(ext) ? ext : null;
  }

  /** Builds the spans: `emit(className, text)` collects them in order. */
  function collector(fragment) {
    let plain = '';
    const flushPlain = () => {
      if (plain) fragment.appendChild(document.createTextNode(plain));
      plain = '';
    };
    return {
      plain(text) {
        plain += text;
      },
      emit(className, text) {
        if (!text) return;
        if (!className) {
          plain += text;
          return;
        }
        flushPlain();
        const span = document.createElement('span');
        span.className = 'hl-' + className;
        span.textContent = text;
        fragment.appendChild(span);
      },
      done: flushPlain,
    };
  }

  const IDENTIFIER = /[A-Za-z_$\u00c0-\uffff][\w$\u00c0-\uffff]*/y;
  const NUMBER = /(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?)[a-zA-Z0-9_]*/y;
  const VARIABLE = /\$(?:\{[^}\n]*\}|[A-Za-z_][\w]*|[0-9@#?$!*-])/y;
  const isIdentChar = (ch) => ch !== undefined && /[\w$\u00c0-\uffff]/.test(ch);

  function sticky(regex, text, at) {
    regex.lastIndex = at;
    return regex.exec(text);
  }

  /** The end of the string opened by `quote` at `at` (backslash escapes; only backtick and triple-quoted strings span lines). */
  function stringEnd(code, at, quote, multiline) {
    let i = at + quote.length;
    while (i < code.length) {
      const ch = code[i];
      if (ch === '\\') {
        i += 2;
        continue;
      }
      if (code.startsWith(quote, i)) return i + quote.length;
      if (ch === '\n' && !multiline) return i;
      i++;
    }
    return code.length;
  }

  function tokenize(code, lang, out) {
    const n = code.length;
    let i = 0;
    let lineStart = true;
    while (i < n) {
      const ch = code[i];
      if (lineStart && lang.lineKey) {
        const key = sticky(lang.lineKey, code, i);
        if (key && key[0].length) {
          out.plain(key[0].slice(0, key[0].length - key[1].length));
          out.emit('attr', key[1]);
          i += key[0].length;
          lineStart = false;
          continue;
        }
      }
      if (lineStart && lang.preprocessor) {
        const directive = /[ \t]*#[^\n]*/y;
        const match = sticky(directive, code, i);
        if (match) {
          out.emit('meta', match[0]);
          i += match[0].length;
          continue;
        }
      }
      if (ch === '\n') {
        out.plain(ch);
        i++;
        lineStart = true;
        continue;
      }
      lineStart = lineStart && (ch === ' ' || ch === '\t');
      if (lang.blockComment && code.startsWith(lang.blockComment[0], i)) {
        const close = code.indexOf(lang.blockComment[1], i + lang.blockComment[0].length);
        const end = close < 0 ? n : close + lang.blockComment[1].length;
        out.emit('comment', code.slice(i, end));
        i = end;
        continue;
      }
      if (lang.lineComment && lang.lineComment.some((start) => code.startsWith(start, i)) &&
        !(lang.hashNeedsSpace && ch === '#' && i > 0 && !/\s/.test(code[i - 1]))) {
        const newline = code.indexOf('\n', i);
        const end = newline < 0 ? n : newline;
        out.emit('comment', code.slice(i, end));
        i = end;
        continue;
      }
      if (lang.triple && (code.startsWith('"""', i) || code.startsWith("'''", i))) {
        const end = stringEnd(code, i, code.slice(i, i + 3), true);
        out.emit('string', code.slice(i, end));
        i = end;
        continue;
      }
      if (lang.charQuote && ch === "'") {
        const char = sticky(/'(?:\\[^']{1,10}|[^'\\\n])'/y, code, i);
        if (char) {
          out.emit('string', char[0]);
          i += char[0].length;
          continue;
        }
      }
      if (lang.strings && lang.strings.includes(ch)) {
        const end = stringEnd(code, i, ch, ch === '`');
        const text = code.slice(i, end);
        const isKey = lang.keys && /^\s*:/.test(code.slice(end, end + 32));
        out.emit(isKey ? 'attr' : 'string', text);
        i = end;
        continue;
      }
      if (lang.variables && ch === '$') {
        const variable = sticky(VARIABLE, code, i);
        if (variable) {
          out.emit('variable', variable[0]);
          i += variable[0].length;
          continue;
        }
      }
      if (lang.atWords && ch === '@') {
        const word = sticky(/@[\w-]+/y, code, i);
        if (word) {
          out.emit('keyword', word[0]);
          i += word[0].length;
          continue;
        }
      }
      if (/[0-9]/.test(ch) && !isIdentChar(code[i - 1])) {
        const number = sticky(NUMBER, code, i);
        out.emit('number', number[0]);
        i += number[0].length;
        continue;
      }
      const ident = /[A-Za-z_$\u00c0-\uffff]/.test(ch) ? sticky(IDENTIFIER, code, i) : null;
      if (ident) {
        const word = ident[0];
        const key = lang.ignoreCase ? word.toLowerCase() : word;
        const after = code.slice(i + word.length, i + word.length + 32);
        let className = '';
        if (lang.keywords && lang.keywords.has(key)) className = 'keyword';
        else if (lang.literals && lang.literals.has(key)) className = 'literal';
        else if (lang.types && lang.types.has(key)) className = 'type';
        else if (lang.keyBeforeColon && /^\s*:/.test(after)) className = 'attr';
        else if (/^\s*\(/.test(after) || (lang.macros && after[0] === '!')) className = 'function';
        else if (lang.capitalizedTypes && /^[A-Z][a-z]/.test(word)) className = 'type';
        out.emit(className, word);
        i += word.length;
        continue;
      }
      out.plain(ch);
      i++;
    }
  }

  function tokenizeMarkup(code, out) {
    const n = code.length;
    let i = 0;
    while (i < n) {
      const open = code.indexOf('<', i);
      if (open < 0) {
        out.plain(code.slice(i));
        break;
      }
      out.plain(code.slice(i, open));
      i = open;
      if (code.startsWith('\x3c!--', i)) {
        const close = code.indexOf('--\x3e', i + 4);
        const end = close < 0 ? n : close + 3;
        out.emit('comment', code.slice(i, end));
        i = end;
        continue;
      }
      const tag = sticky(/<\/?([A-Za-z][\w:.-]*)/y, code, i);
      if (!tag) {
        out.plain('<');
        i++;
        continue;
      }
      out.plain(tag[0].slice(0, tag[0].length - tag[1].length));
      out.emit('tag', tag[1]);
      i += tag[0].length;
      // Attributes up to the end of the tag.
      while (i < n && code[i] !== '>') {
        const attr = sticky(/[^\s"'>\/=]+/y, code, i);
        if (attr) {
          out.emit('attr', attr[0]);
          i += attr[0].length;
          continue;
        }
        if (code[i] === '"' || code[i] === "'") {
          const close = code.indexOf(code[i], i + 1);
          const end = close < 0 ? n : close + 1;
          out.emit('string', code.slice(i, end));
          i = end;
          continue;
        }
        out.plain(code[i]);
        i++;
      }
    }
  }

  function tokenizeDiff(code, out) {
    for (const line of code.split(/(?<=\n)/)) {
      const className = line.startsWith('+') ? 'added'
        : line.startsWith('-') ? 'removed'
          : /^(@@|diff |index )/.test(line) ? 'meta' : '';
      out.emit(className, line);
    }
  }

  /** `code` as a fragment of text and spans; plain text for an unknown language. */
  function highlight(code, name) {
    const fragment = document.createDocumentFragment();
    const text = String(code == null ? '' : code);
    const lang = language(name);
    if (!lang || text.length > MAX_LENGTH) {
      fragment.appendChild(document.createTextNode(text));
      return fragment;
    }
    const out = collector(fragment);
    if (lang.markup) tokenizeMarkup(text, out);
    else if (lang.diff) tokenizeDiff(text, out);
    else tokenize(text, lang, out);
    out.done();
    return fragment;
  }

  return { highlight, languageForPath, hasLanguage: (name) => language(name) !== null };
})();
