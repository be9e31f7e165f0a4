// What a section contributor sees: the loaded runs, the report options, and helpers to pick the runs it understands.
import type { ReportInput } from './inputs.js';
import type { ReportSection } from './model.js';
import type { ResolvedReportOptions } from './options.js';

export interface ReportContext {
  readonly inputs: readonly ReportInput[];
  readonly options: ResolvedReportOptions;
  /** Runs whose kind no contributor draws on; the methods section lists them. */
  readonly uncovered: readonly ReportInput[];
}

/**
 * A source of report sections. Each capability (robustness, FPR, PSI costs, leakage, attacks, ...) adds one to
 * `REPORT_CONTRIBUTORS`; it reads the runs of the kinds it names and returns zero or more sections.
 */
export interface SectionContributor {
  readonly id: string;
  /** Run kinds it draws on; `*` for all (the methods section). */
  readonly kinds: readonly string[];
  contribute(ctx: ReportContext): ReportSection[];
}

export interface RunWithSummary<T> {
  readonly input: ReportInput;
  readonly summary: T;
}

/** The runs of one kind that have a stored `summary` artifact (finished runs), in report order. */
export function summariesOf<T>(ctx: ReportContext, kind: string): RunWithSummary<T>[] {
  return ctx.inputs
    .filter((i) => i.run.kind === kind && i.artifacts.summary !== undefined)
    .map((input) => ({ input, summary: input.artifacts.summary as T }));
}

/** `Title`, or `Title — run NAME (ID)` when the report holds several runs of that kind. */
export function runTitle(title: string, input: ReportInput, several: boolean): string {
  if (!several) return title;
  return input.run.name && input.run.name !== input.run.kind
    ? `${title} — run ${input.run.name} (${input.run.id})`
    : `${title} — run ${input.run.id}`;
}

/** A section id unique per run when several runs of the kind are reported. */
export function runSectionId(base: string, input: ReportInput, several: boolean): string {
  return several ? `${base}-${input.run.id}` : base;
}
