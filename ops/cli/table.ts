/** Renders rows as an aligned text table with a header; long cells are cut so a row stays on one line. */
export function table(headers: string[], rows: (string | number | undefined)[][], maxCell = 60): string {
  const cells = rows.map((r) =>
    r.map((c) => {
      const text = c === undefined ? '' : String(c);
      return text.length > maxCell ? `${text.slice(0, maxCell - 1)}…` : text;
    }),
  );
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
