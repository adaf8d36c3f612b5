/** Prints a result: one JSON document with --json, otherwise a readable table or text. */
export function printResult(value: unknown, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(value)}\n`);
    return;
  }
  if (Array.isArray(value)) {
    process.stdout.write(
      value.length === 0 ? '(none)\n' : `${formatTable(value as Record<string, unknown>[])}\n`,
    );
    return;
  }
  if (typeof value === 'object' && value !== null) {
    const rows = Object.entries(value).map(([key, v]) => ({ field: key, value: cell(v) }));
    process.stdout.write(`${formatTable(rows)}\n`);
    return;
  }
  process.stdout.write(`${String(value)}\n`);
}

/** A plain aligned text table of objects, one column per key (first row decides the columns). */
export function formatTable(rows: readonly Record<string, unknown>[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = rows.map((row) => columns.map((column) => cell(row[column])));
  const widths = columns.map((column, i) =>
    Math.max(column.length, ...cells.map((r) => (r[i] ?? '').length)),
  );
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
