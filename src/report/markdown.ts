// Plain Markdown pieces the report and the agents section share: durations, times and tables.

/** "1 h 02 min 05 s", "4 min 12 s", "42 s". */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h) return `${h} h ${String(m).padStart(2, '0')} min ${String(s).padStart(2, '0')} s`;
  return m ? `${m} min ${String(s).padStart(2, '0')} s` : `${s} s`;
}

/** ISO time as "2026-11-25 02:04:05Z". */
export function formatTime(iso: string | null): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}

const cell = (value: string | number | null | undefined): string =>
  String(value ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');

export function table(header: string[], rows: (string | number | null | undefined)[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}
