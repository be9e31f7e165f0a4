// A one-line progress indicator with rate and ETA, drawn on stderr only when stderr is a terminal.

export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

const NOOP: Progress = { update() {}, finish() {} };

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return NOOP;
  const start = Date.now();
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const secs = (now - start) / 1000;
      const rate = done / Math.max(secs, 1e-3);
      const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
      stream.write(`\r${label} ${done}/${total} (${rate.toFixed(1)}/s, ETA ${eta}s)\x1b[K`);
    },
    finish() {
      stream.write('\r\x1b[K');
    },
  };
}
