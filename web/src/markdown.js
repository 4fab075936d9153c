// A small, safe renderer for the Markdown subset Taai's bot writes: paragraphs,
// line breaks, headings (#, ##, ###), bullet and numbered lists, **bold**, __bold__,
// *italic*, _italic_, `code`, backslash escapes and [links](https://...).
//
// It never parses HTML: every piece of text ends up in a text node (createTextNode),
// and links are only made for http: and https: URLs. Anything it does not
// understand stays visible as plain text.

const ESCAPABLE = "\\`*_{}[]()#+-.!|<>~\"'";
const BULLET = /^ {0,3}[-*+][ \t]+(.*)$/;
const NUMBERED = /^ {0,3}(\d{1,9})[.)][ \t]+(.*)$/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const CONTINUATION = /^( {2,}|\t)\S/;

/** Returns the URL as a string when it is an absolute http(s) URL, else null. */
export function safeHref(raw, base) {
  if (typeof raw !== "string") return null;
  const trimmed = raw.trim();
  if (!trimmed || /[\u0000-\u001f\u007f\s]/.test(trimmed)) return null;
  let url;
  try {
    url = base ? new URL(trimmed, base) : new URL(trimmed);
  } catch (_error) {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  return url.href;
}

function isEscaped(text, index) {
  let backslashes = 0;
  for (let i = index - 1; i >= 0 && text[i] === "\\"; i -= 1) backslashes += 1;
  return backslashes % 2 === 1;
}

function isWordChar(ch) {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

function isSpace(ch) {
  return ch === undefined || /\s/.test(ch);
}

// Finds the closing delimiter for an opener at `start` (delimiter `delim`).
function findCloser(text, start, delim) {
  const underscore = delim[0] === "_";
  let from = start + delim.length;
  while (from < text.length) {
    const index = text.indexOf(delim, from);
    if (index < 0) return -1;
    const before = text[index - 1];
    const after = text[index + delim.length];
    const okBefore = index > start + delim.length && !isSpace(before) && !isEscaped(text, index);
    // A single * or _ must not be part of ** or __ here.
    const okSingle = delim.length === 2 || (after !== delim[0] && before !== delim[0]);
    const okWord = !underscore || !isWordChar(after);
    if (okBefore && okSingle && okWord) return index;
    from = index + 1;
  }
  return -1;
}

// Finds `](url)` for a `[` at start; returns {label, url, end} or null.
function parseLink(text, start) {
  let depth = 0;
  for (let i = start; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === "\\") {
      i += 1;
    } else if (ch === "[") {
      depth += 1;
    } else if (ch === "]") {
      depth -= 1;
      if (depth === 0) {
        if (text[i + 1] !== "(") return null;
        // The target ends at the first unbalanced ")": (x(y)) keeps its inner pair.
        let close = -1;
        let parens = 0;
        for (let j = i + 2; j < text.length; j += 1) {
          if (text[j] === "(") parens += 1;
          else if (text[j] === ")") {
            if (parens === 0) {
              close = j;
              break;
            }
            parens -= 1;
          }
        }
        if (close < 0) return null;
        let url = text.slice(i + 2, close).trim();
        if (url.startsWith("<") && url.endsWith(">")) url = url.slice(1, -1);
        return { label: text.slice(start + 1, i), url, end: close + 1 };
      }
    }
  }
  return null;
}

/** Appends the inline Markdown in `text` to `parent`. */
export function appendInline(doc, parent, text, options = {}) {
  let buffer = "";
  const flush = () => {
    if (buffer) parent.appendChild(doc.createTextNode(buffer));
    buffer = "";
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "\\" && i + 1 < text.length && ESCAPABLE.includes(text[i + 1])) {
      buffer += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === "`") {
      const close = text.indexOf("`", i + 1);
      if (close > i + 1) {
        flush();
        const code = doc.createElement("code");
        code.textContent = text.slice(i + 1, close);
        parent.appendChild(code);
        i = close + 1;
        continue;
      }
    }
    if (ch === "[" && !options.inLink) {
      const link = parseLink(text, i);
      if (link) {
        flush();
        const href = safeHref(link.url);
        if (href) {
          const a = doc.createElement("a");
          a.href = href;
          a.className = "utrecht-link taai__link";
          a.target = "_blank";
          a.rel = "noopener noreferrer";
          appendInline(doc, a, link.label, { ...options, inLink: true });
          const hint = doc.createElement("span");
          hint.className = "taai__visually-hidden";
          hint.textContent = " (opent in een nieuw tabblad)";
          a.appendChild(hint);
          parent.appendChild(a);
        } else {
          // Not a web address: show the label as text, drop the target.
          appendInline(doc, parent, link.label, options);
        }
        i = link.end;
        continue;
      }
    }
    if (ch === "*" || ch === "_") {
      const double = text[i + 1] === ch;
      const delim = double ? ch + ch : ch;
      const next = text[i + delim.length];
      const prev = text[i - 1];
      const canOpen = !isSpace(next) && !(ch === "_" && isWordChar(prev)) && next !== ch;
      if (canOpen) {
        const close = findCloser(text, i, delim);
        if (close > 0) {
          flush();
          const element = doc.createElement(double ? "strong" : "em");
          appendInline(doc, element, text.slice(i + delim.length, close), options);
          parent.appendChild(element);
          i = close + delim.length;
          continue;
        }
      }
      buffer += delim;
      i += delim.length;
      continue;
    }
    buffer += ch;
    i += 1;
  }
  flush();
}

/**
 * Renders Markdown text into a DocumentFragment of safe DOM nodes.
 * `headingLevel` is the HTML level used for `#` and `##` (### and deeper get one more).
 */
export function renderMarkdown(text, doc = document, { headingLevel = 3 } = {}) {
  const fragment = doc.createDocumentFragment();
  const lines = String(text ?? "").replace(/\r\n?/g, "\n").split("\n");
  let paragraph = null; // the open <p>
  let list = null; // {element, kind}
  let item = null; // the open <li>

  const closeParagraph = () => {
    paragraph = null;
  };
  const closeList = () => {
    list = null;
    item = null;
  };
  const addLineTo = (element, content) => {
    if (element.childNodes.length) element.appendChild(doc.createElement("br"));
    appendInline(doc, element, content);
  };

  for (const line of lines) {
    if (!line.trim()) {
      closeParagraph();
      continue;
    }
    const heading = HEADING.exec(line);
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (heading) {
      closeParagraph();
      closeList();
      const level = Math.min(6, headingLevel + (heading[1].length >= 3 ? 1 : 0));
      const h = doc.createElement(`h${level}`);
      h.className = `taai__heading utrecht-heading-${level}`;
      appendInline(doc, h, heading[2]);
      fragment.appendChild(h);
    } else if (bullet || numbered) {
      closeParagraph();
      const kind = bullet ? "ul" : "ol";
      // A list goes on across blank lines while the items are of the same kind.
      if (!list || list.kind !== kind) {
        const element = doc.createElement(kind);
        element.className = kind === "ul"
          ? "utrecht-unordered-list taai__list"
          : "utrecht-ordered-list taai__list";
        if (numbered && numbered[1] !== "1") element.start = Number(numbered[1]);
        fragment.appendChild(element);
        list = { element, kind };
      }
      item = doc.createElement("li");
      item.className = kind === "ul" ? "utrecht-unordered-list__item" : "utrecht-ordered-list__item";
      appendInline(doc, item, bullet ? bullet[1] : numbered[2]);
      list.element.appendChild(item);
    } else if (item && CONTINUATION.test(line)) {
      addLineTo(item, line.trim());
    } else {
      // Plain text ends a list (the bot writes a new paragraph after its lists).
      closeList();
      if (!paragraph) {
        paragraph = doc.createElement("p");
        paragraph.className = "utrecht-paragraph taai__paragraph";
        fragment.appendChild(paragraph);
      }
      addLineTo(paragraph, line.trim());
    }
  }
  return fragment;
}
