// Writing CSV (RFC 4180): a field is quoted, with its quotes doubled, only when it holds a comma, a quote or a line break.

/** A field as CSV: quoted (with quotes doubled) only when it holds a comma, a quote, CR or LF. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV line (no terminator). */
export const csvRow = (fields: readonly string[]): string => fields.map(csvField).join(',');
