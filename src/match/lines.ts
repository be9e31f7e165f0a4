// Streaming a text file line by line with 1-based line numbers, without holding the whole file in memory.
import { createReadStream } from 'node:fs';
import { MatchError } from './errors.js';

export interface NumberedLine {
  readonly text: string;
  readonly line: number;
}

/** The file's lines (UTF-8, a leading BOM dropped, `\n` or `\r\n` endings); a missing file is a MatchError. */
export async function* readLines(path: string): AsyncGenerator<NumberedLine> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let rest = '';
  let line = 0;
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      let text = rest + chunk;
      if (first) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        yield { text: text.slice(start, end), line: ++line };
        start = nl + 1;
      }
      rest = text.slice(start);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (e as Error).message;
    throw new MatchError('unreadable', `${path}: ${why}`);
  }
  if (rest.length > 0) yield { text: rest.endsWith('\r') ? rest.slice(0, -1) : rest, line: line + 1 };
}
