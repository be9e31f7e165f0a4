// Reading CSV records (RFC 4180; writing is in src/util/csv.ts): fields separated by commas, quoted with double quotes
// when they hold commas, quotes or newlines.
import type { NumberedLine } from './lines.js';

/** Thrown by `parseCsvRecord` for a malformed record; the caller adds the file and line. */
export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
}

/** Number of double-quote characters in a string; a record whose count is odd continues on the next line. */
export function countQuotes(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++;
  return n;
}

/** Splits one record (which may span lines inside quoted fields) into its fields. */
export function parseCsvRecord(record: string): string[] {
  if (!record.includes('"')) return record.split(',');
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (record[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = record.indexOf('"', j);
        if (q < 0) throw new CsvSyntaxError('unterminated quoted field');
        value += record.slice(j, q);
        if (record[q + 1] === '"') {
          value += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
      if (i === record.length) return fields;
      if (record[i] !== ',') throw new CsvSyntaxError(`unexpected character after a quoted field at column ${i + 1}`);
      i++;
    } else {
      const comma = record.indexOf(',', i);
      const value = record.slice(i, comma < 0 ? record.length : comma);
      if (value.includes('"')) throw new CsvSyntaxError(`a quote inside an unquoted field at column ${i + 1}`);
      fields.push(value);
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}

/** CSV records with the line each starts on: a record continues while it has an odd number of quotes. */
export async function* csvRecords(lines: AsyncIterable<NumberedLine>): AsyncGenerator<NumberedLine> {
  let pending: string | null = null;
  let startLine = 0;
  let quotes = 0;
  for await (const { text, line } of lines) {
    if (pending === null) {
      pending = text;
      startLine = line;
      quotes = countQuotes(text);
    } else {
      pending += '\n' + text;
      quotes += countQuotes(text);
    }
    if (quotes % 2 === 0) {
      yield { text: pending, line: startLine };
      pending = null;
    }
  }
  if (pending !== null) yield { text: pending, line: startLine };
}
