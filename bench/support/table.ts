export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/** A plain-text table with a header rule; numbers are right-aligned by default. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, index) =>
        (columns[index].align ?? 'right') === 'left'
          ? cell.padEnd(widths[index])
          : cell.padStart(widths[index]),
      )
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((column) => column.header)),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

export function printTable(columns: readonly Column[], rows: readonly (readonly string[])[]): void {
  console.log(formatTable(columns, rows));
}

/** How many times faster `candidateMs` is than `baselineMs`, e.g. "7.4x" (the ratio column). */
export function formatRatio(baselineMs: number, candidateMs: number): string {
  if (candidateMs <= 0) return 'inf';
  const ratio = baselineMs / candidateMs;
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}x`;
}

export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatMilliseconds(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** Items per second from a count and milliseconds, e.g. "12.3 M/s". */
export function formatRate(count: number, milliseconds: number): string {
  if (milliseconds <= 0) return 'inf';
  const perSecond = (count / milliseconds) * 1000;
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(0)} /s`;
}

export function formatBytes(bytes: number): string {
  const mebibytes = bytes / (1024 * 1024);
  return `${mebibytes.toFixed(0)} MiB`;
}
