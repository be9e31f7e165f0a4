// Option spellings replaced by the one grammar of docs/cli.md, kept as deprecated aliases for one release: before
// parsing, each is rewritten to its new name and a one-line note goes to stderr.

export interface DeprecatedOption {
  /** The command it belongs to, as typed: `match`, `index build`, `psi run`. */
  readonly command: string;
  readonly old: string;
  readonly current: string;
}

export const DEPRECATED_OPTIONS: readonly DeprecatedOption[] = [
  { command: 'match', old: '--threshold', current: '--max-distance' },
  { command: 'match', old: '--format', current: '--in-format' },
  { command: 'index build', old: '--radius', current: '--max-distance' },
  { command: 'index build', old: '--format', current: '--in-format' },
  { command: 'stats population', old: '--threshold', current: '--max-distance' },
  { command: 'bench robustness', old: '--threshold', current: '--thresholds' },
  { command: 'bench fpr', old: '--threshold', current: '--thresholds' },
  { command: 'report', old: '--threshold', current: '--thresholds' },
  { command: 'psi run', old: '--threshold', current: '--account-threshold' },
  { command: 'psi run', old: '--setup-jobs', current: '--jobs' },
  { command: 'leakage vouchers', old: '--threshold', current: '--account-threshold' },
];

/** The command words typed before the first option (at most as many as the longest command has). */
function commandWords(args: readonly string[]): string[] {
  const words: string[] = [];
  for (const a of args) {
    if (a.startsWith('-') || words.length === 2) break;
    words.push(a);
  }
  return words;
}

/**
 * `args` (the arguments after `scanlab`) with deprecated option names replaced by their current ones, both as
 * `--old value` and `--old=value`; `warn` receives one line per replacement. Nothing after `--` is touched.
 */
export function rewriteDeprecatedOptions(
  args: readonly string[],
  warn: (line: string) => void,
  table: readonly DeprecatedOption[] = DEPRECATED_OPTIONS,
): string[] {
  const words = commandWords(args);
  const rules = table.filter((r) => {
    const cmd = r.command.split(' ');
    return cmd.every((w, i) => words[i] === w);
  });
  if (rules.length === 0) return [...args];
  const end = args.indexOf('--');
  return args.map((arg, i) => {
    if (end >= 0 && i > end) return arg;
    const [name = '', value] = arg.split(/=(.*)/s, 2);
    const rule = rules.find((r) => r.old === name);
    if (!rule) return arg;
    warn(`scanlab: ${rule.command} ${rule.old} is deprecated and will be removed; use ${rule.current}`);
    return value === undefined ? rule.current : `${rule.current}=${value}`;
  });
}
