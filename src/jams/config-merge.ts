import { DOMParser, XMLSerializer, type Document, type Element, type Node } from '@xmldom/xmldom';

/**
 * Reapplies the customisations of a saved .NET config file to the file a new JAMS version installed:
 * appSettings and connectionStrings entries are merged by key (the saved value wins), everything else is
 * the new version's. Pure: text in, text and a readable list of changes out.
 */

/** The merged sections and the attribute that keys their entries. */
export const MERGED_SECTIONS = { appSettings: 'key', connectionStrings: 'name' } as const;
export type MergedSection = keyof typeof MERGED_SECTIONS;

export interface ConfigChange {
  section: MergedSection;
  /** The entry's key, or `@name` for an attribute of the section element itself. */
  key: string;
  /** changed/added: reapplied from the saved file; kept: the new version's entry, not in the saved file. */
  kind: 'changed' | 'added' | 'kept';
  installed?: string;
  reapplied?: string;
}

export interface MergeResult {
  /** The merged file; the installed text itself when nothing was reapplied. */
  text: string;
  changed: boolean;
  changes: ConfigChange[];
  /** The files also differ outside the merged sections; those parts are the new version's. */
  otherDifferences: boolean;
  notes: string[];
}

export class ConfigMergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigMergeError';
  }
}

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;

/** Values that look like secrets are shown as *** in the diff, which goes into logs and the job summary. */
const SECRET_KEY = /pass(word)?|pwd|secret|token|api.?key|credential/i;
/**
 * A password keyword and its whole value in any connection-string form JAMS writes: SqlClient's and OLE DB's quoted
 * values ("a;b", 'a;b'), ODBC's braced ones ({a;b}}c}), or a plain value up to the next ';'.
 */
const SECRET_IN_CONNECTION =
  /\b(password|pwd)\s*=\s*(?:"(?:[^"]|"")*"|'(?:[^']|'')*'|\{(?:[^}]|\}\})*\}|[^;]*)/gi;

function parse(text: string, label: string): Document {
  const problems: string[] = [];
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') problems.push(message.split('\n')[0] ?? message);
      },
    }).parseFromString(text, 'text/xml');
  } catch (err) {
    throw new ConfigMergeError(
      `the ${label} file is not well-formed XML: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  if (problems.length > 0 || !doc.documentElement) {
    throw new ConfigMergeError(
      `the ${label} file is not well-formed XML: ${problems[0] ?? 'no root element'}`,
    );
  }
  return doc;
}

function childElements(parent: Node, name?: string): Element[] {
  const found: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT && (name === undefined || n.nodeName === name)) found.push(n as Element);
  }
  return found;
}

function attributes(el: Element): [string, string][] {
  const list: [string, string][] = [];
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes.item(i);
    if (a) list.push([a.name, a.value]);
  }
  return list;
}

function entries(section: Element | undefined, keyAttr: string): Map<string, Element> {
  // .NET reads the entries in order, so of two with the same key the last wins.
  const map = new Map<string, Element>();
  for (const el of section ? childElements(section, 'add') : []) {
    const key = el.getAttribute(keyAttr);
    if (key !== null) map.set(key, el);
  }
  return map;
}

function display(section: MergedSection, key: string, el: Element | undefined): string | undefined {
  if (!el) return undefined;
  const keyAttr = MERGED_SECTIONS[section];
  return attributes(el)
    .filter(([name]) => name !== keyAttr)
    .map(([name, value]) => `${name}="${redact(section, key, name, value)}"`)
    .join(' ');
}

export function redact(section: MergedSection, key: string, attribute: string, value: string): string {
  if (section === 'connectionStrings' && attribute === 'connectionString') {
    return value.replace(SECRET_IN_CONNECTION, (m) => `${m.split('=')[0]}=***`);
  }
  return SECRET_KEY.test(key) || SECRET_KEY.test(attribute) ? '***' : value;
}

/** What replaces a secret in anything written for people to read: logs, the transcript, the run folder's files. */
export const SECRET_MARKER = '***';

/** Every connection-string password in a text (Password=/Pwd=, in any quoting form) replaced by the marker. */
export function redactConnectionPasswords(text: string): string {
  return text.replace(SECRET_IN_CONNECTION, (m) => `${m.split('=')[0]}=${SECRET_MARKER}`);
}

/**
 * A config file as the run folder (an artifact anyone with read access to the repository can download) may hold it:
 * every connection-string password replaced by the marker, in any attribute or text, and the value of every attribute
 * or appSettings entry whose name looks secret (password, pwd, secret, token, api key, credential). A file that is not
 * well-formed XML cannot be searched reliably, so none of its text is kept. The host's own copy keeps the secrets.
 */
export function redactConfigText(text: string, label = 'config'): string {
  let doc: Document;
  try {
    doc = parse(text, label);
  } catch {
    // The parser's message may quote the file: none of it is kept.
    return `<!-- jams-upgrade: the ${label} file is not well-formed XML, so it is not copied here: it may hold secrets -->\n`;
  }
  const visit = (node: Node): void => {
    for (let n = node.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === ELEMENT) {
        const el = n as Element;
        const key = el.getAttribute('key') ?? el.getAttribute('name') ?? '';
        for (const [name, value] of attributes(el)) {
          const secret = SECRET_KEY.test(name) || (name === 'value' && SECRET_KEY.test(key));
          const shown = secret ? SECRET_MARKER : redactConnectionPasswords(value);
          if (shown !== value) el.setAttribute(name, shown);
        }
        visit(el);
      } else if (n.nodeType === TEXT || n.nodeType === CDATA) {
        const value = n.nodeValue ?? '';
        const shown = redactConnectionPasswords(value);
        if (shown !== value) {
          // xmldom serialises a text node's data; nodeValue is kept in step with it.
          (n as unknown as { data: string }).data = shown;
          n.nodeValue = shown;
        }
      }
    }
  };
  visit(doc);
  return new XMLSerializer().serializeToString(doc);
}

/** The whitespace text node in front of a node, if any (its line break and indentation). */
function leadingWhitespace(node: Node): string | null {
  const prev = node.previousSibling;
  return prev && prev.nodeType === TEXT && /^\s*$/.test(prev.nodeValue ?? '') ? (prev.nodeValue ?? '') : null;
}

function indentOf(node: Node): string {
  const ws = leadingWhitespace(node);
  return ws === null ? '' : ws.slice(ws.lastIndexOf('\n') + 1);
}

/** Appends an element after the parent's last element, indented like its siblings. */
function appendIndented(parent: Element, child: Element): void {
  const doc = parent.ownerDocument as Document;
  const last = childElements(parent).at(-1);
  if (last) {
    const ws = doc.createTextNode(leadingWhitespace(last) ?? `\n${indentOf(parent)}  `);
    parent.insertBefore(ws, last.nextSibling);
    parent.insertBefore(child, ws.nextSibling);
    return;
  }
  const base = indentOf(parent);
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  parent.appendChild(doc.createTextNode(`\n${base}  `));
  parent.appendChild(child);
  parent.appendChild(doc.createTextNode(`\n${base}`));
}

/** Element structure without layout and comments, for "does anything else differ". */
function canonical(el: Element, skipChildren: readonly string[] = []): string {
  const attrs = attributes(el)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([n, v]) => ` ${n}=${JSON.stringify(v)}`)
    .join('');
  let inner = '';
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT && !skipChildren.includes(n.nodeName)) inner += canonical(n as Element);
    else if (n.nodeType === TEXT || n.nodeType === CDATA) inner += (n.nodeValue ?? '').trim();
  }
  return `<${el.nodeName}${attrs}>${inner}</${el.nodeName}>`;
}

export function mergeConfig(saved: string, installed: string): MergeResult {
  const savedRoot = parse(saved, 'saved').documentElement as Element;
  const doc = parse(installed, 'installed');
  const root = doc.documentElement as Element;
  const sections = Object.keys(MERGED_SECTIONS);
  const otherDifferences = canonical(savedRoot, sections) !== canonical(root, sections);
  const changes: ConfigChange[] = [];
  const notes: string[] = [];

  for (const section of sections as MergedSection[]) {
    const keyAttr = MERGED_SECTIONS[section];
    const from = childElements(savedRoot, section).at(-1);
    let into = childElements(root, section).at(-1);
    const wanted = entries(from, keyAttr);
    const present = entries(into, keyAttr);
    if (from && childElements(from).some((e) => e.nodeName === 'remove' || e.nodeName === 'clear')) {
      notes.push(`${section}: <remove>/<clear> entries of the saved file were not reapplied`);
    }
    const sectionAttrs = from ? attributes(from) : [];
    if (!into && (wanted.size > 0 || sectionAttrs.length > 0)) {
      into = doc.createElement(section);
      appendIndented(root, into);
    }
    if (!into) continue;

    for (const [name, value] of sectionAttrs) {
      if (into.getAttribute(name) === value) continue;
      const before = into.getAttribute(name);
      into.setAttribute(name, value);
      changes.push({
        section,
        key: `@${name}`,
        kind: before === null ? 'added' : 'changed',
        ...(before === null ? {} : { installed: redact(section, name, name, before) }),
        reapplied: redact(section, name, name, value),
      });
    }
    for (const [key, source] of wanted) {
      const target = present.get(key);
      if (!target) {
        const added = doc.createElement('add');
        for (const [name, value] of attributes(source)) added.setAttribute(name, value);
        appendIndented(into, added);
        changes.push({ section, key, kind: 'added', reapplied: display(section, key, added) });
        continue;
      }
      const differing = attributes(source).filter(([name, value]) => target.getAttribute(name) !== value);
      if (differing.length === 0) continue;
      const before = display(section, key, target);
      for (const [name, value] of differing) target.setAttribute(name, value);
      changes.push({
        section,
        key,
        kind: 'changed',
        installed: before,
        reapplied: display(section, key, target),
      });
    }
    for (const [key, el] of present) {
      if (!wanted.has(key))
        changes.push({ section, key, kind: 'kept', installed: display(section, key, el) });
    }
  }

  const changed = changes.some((c) => c.kind !== 'kept');
  return { text: changed ? serialize(doc, installed) : installed, changed, changes, otherDifferences, notes };
}

/** Serialises with the installed file's line endings and final newline (the parser normalises them to LF). */
function serialize(doc: Document, like: string): string {
  let text = new XMLSerializer().serializeToString(doc);
  if (/\r?\n$/.test(like) && !text.endsWith('\n')) text += '\n';
  return like.includes('\r\n') ? text.replace(/\r?\n/g, '\r\n') : text;
}

/** The readable diff of one file: one line per reapplied or kept entry. */
export function describeMerge(result: Pick<MergeResult, 'changes' | 'otherDifferences' | 'notes'>): string[] {
  const lines = result.changes.map((c) => {
    const where = `${c.section} ${c.key}`;
    if (c.kind === 'changed') return `~ ${where}: ${c.installed} -> ${c.reapplied}`;
    if (c.kind === 'added') return `+ ${where}: ${c.reapplied}`;
    return `= ${where}: ${c.installed} (new version's entry, kept)`;
  });
  if (result.otherDifferences) {
    lines.push(
      '  outside appSettings and connectionStrings the new version differs from the saved file: kept the new',
    );
  }
  return [...lines, ...result.notes.map((n) => `! ${n}`)];
}
