// Wraps a command's action so expected errors become one clear line and an exit status.
import { ImageError } from '../image/errors.js';
import { HashError } from '../hash/types.js';
import { MatchError } from '../match/errors.js';
import { ManifestError } from '../dataset/manifest.js';
import { StoreError } from '../eval/store-error.js';
import { ModelCardError } from '../hash/neural/card.js';
import { ReportError } from '../report/errors.js';
import { TransformError } from '../transform/errors.js';
import { OutputError } from '../util/output-error.js';
import { AttackError } from '../attack/errors.js';
import { PartialFailure, UsageError } from './errors.js';

/** Error classes whose message is meant for the user as is. */
const USER_ERRORS: ReadonlyArray<new (...args: never[]) => Error> = [
  UsageError,
  PartialFailure,
  ImageError,
  HashError,
  ManifestError,
  StoreError,
  TransformError,
  MatchError,
  ModelCardError,
  ReportError,
  OutputError,
  AttackError,
];

/** Whether an error is a user-facing one (message printed as is, exit status 1 unless it says otherwise). */
export function isUserError(e: unknown): e is Error & { exitCode?: number } {
  return e instanceof Error && USER_ERRORS.some((c) => e instanceof c);
}

export function runAction<A extends unknown[]>(
  fn: (...args: A) => Promise<void> | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (isUserError(e)) {
        if (!(e instanceof PartialFailure) || e.message) process.stderr.write(`scanlab: ${e.message}\n`);
        process.exitCode = e.exitCode ?? 1;
        return;
      }
      const msg = e instanceof Error ? e.message : String(e);
      process.stderr.write(
        `scanlab: internal error: ${msg}\n${process.env.SCANLAB_DEBUG && e instanceof Error ? e.stack + '\n' : ''}`,
      );
      process.exitCode = 70;
    }
  };
}
