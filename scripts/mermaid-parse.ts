// Mermaid's own parser, in Node: the one place the report's diagram test (__tests__/mermaid.test.ts) and
// `npm run check:mermaid` (scripts/check-mermaid.ts) judge a diagram.
import { JSDOM } from 'jsdom';

type Mermaid = (typeof import('mermaid'))['default'];

let loaded: Promise<Mermaid> | null = null;

/**
 * Mermaid's parser stores labels through DOMPurify, which in Node has no DOM to work on (a pie's title fails with
 * "DOMPurify.addHook is not a function"). DOMPurify takes its window when first loaded: it is loaded here, before
 * mermaid, with jsdom's window lent as the global one for that moment only.
 */
async function load(): Promise<Mermaid> {
  const global = globalThis as { window?: unknown };
  const had = 'window' in global;
  global.window = new JSDOM('').window;
  try {
    await import('dompurify');
  } finally {
    if (!had) delete global.window;
  }
  const mermaid = (await import('mermaid')).default;
  mermaid.initialize({ startOnLoad: false });
  return mermaid;
}

export type ParseResult = { ok: true; type: string } | { ok: false; error: string };

/** Parses one diagram's text; a syntax error is returned, not thrown. */
export async function parseMermaid(text: string): Promise<ParseResult> {
  const mermaid = await (loaded ??= load());
  try {
    const parsed = await mermaid.parse(text);
    return parsed ? { ok: true, type: parsed.diagramType } : { ok: false, error: 'not a diagram' };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** Every ```mermaid block of a markdown text, with the line its text starts on (1-based). */
export function mermaidBlocks(markdown: string): { line: number; text: string }[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: { line: number; text: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```mermaid\s*$/.test(lines[i] ?? '')) continue;
    const end = lines.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l));
    const stop = end === -1 ? lines.length : end;
    blocks.push({ line: i + 2, text: lines.slice(i + 1, stop).join('\n') });
    i = stop;
  }
  return blocks;
}

/**
 * A gantt's tasks as mermaid reads them (name, id, start and end), for the test that a label stays one task: a
 * colon in a name parses, yet moves the rest of the name into the task's data.
 */
export async function ganttTasks(
  text: string,
): Promise<{ name: string; id: string; start: Date; end: Date }[]> {
  const mermaid = await (loaded ??= load());
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as {
    getTasks(): { task: string; id: string; startTime: Date; endTime: Date }[];
  };
  return db.getTasks().map((t) => ({ name: t.task.trim(), id: t.id, start: t.startTime, end: t.endTime }));
}
