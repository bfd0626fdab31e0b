// html-to-text 10 ships no types; the rehearsal uses only convert().
declare module 'html-to-text' {
  export function convert(html: string, options?: Record<string, unknown>): string;
}
