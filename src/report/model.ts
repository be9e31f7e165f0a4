// The report model: what a report says, independent of how it is rendered. A report draws on stored runs and is a
// list of sections; a section is text, tables and charts, each naming the run ids its numbers come from.
import type { Provenance } from '../eval/provenance.js';

/** A stored run as the report cites it. */
export interface ReportRun {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly status: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly config: unknown;
  readonly seed: string | null;
  /** The dataset fingerprint recorded by the run (SHA-256 over ids, groups and file contents). */
  readonly datasetHash: string | null;
  readonly provenance: Provenance;
}

/**
 * The raw value behind a formatted cell: a count or measurement, or a record of numbers such as a proportion with its
 * interval (`Proportion`), an estimate with its interval (`Estimate`) or a rate with the threshold it was read at.
 */
export type CellValue = number | string | boolean | null | { readonly [key: string]: number | string | boolean | null };

export interface Cell {
  /** As shown, e.g. `0.950 [0.912, 0.975]`. */
  readonly text: string;
  readonly value: CellValue;
}

export interface TableColumn {
  readonly key: string;
  readonly label: string;
  /** Right-align (numbers). */
  readonly numeric?: boolean;
}

export interface TableRow {
  readonly cells: readonly Cell[];
  readonly runIds: readonly string[];
}

export interface TableBlock {
  readonly kind: 'table';
  readonly id: string;
  readonly caption: string;
  readonly runIds: readonly string[];
  readonly columns: readonly TableColumn[];
  readonly rows: readonly TableRow[];
  readonly notes?: readonly string[];
}

/** A JSON value, as chart data and Vega-Lite specs are. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
export type Datum = Readonly<Record<string, string | number | boolean | null>>;

export interface ChartBlock {
  readonly kind: 'chart';
  readonly id: string;
  readonly title: string;
  /** The text alternative: what the chart shows, in words and key numbers. */
  readonly description: string;
  readonly runIds: readonly string[];
  /** A Vega-Lite spec without its data; renderers attach `data` as inline values. */
  readonly spec: { readonly [key: string]: Json };
  readonly data: readonly Datum[];
}

export interface TextBlock {
  readonly kind: 'text';
  readonly paragraphs: readonly string[];
}

export interface ListBlock {
  readonly kind: 'list';
  readonly title?: string;
  readonly items: readonly string[];
}

/** A picture (e.g. a contact sheet) embedded in the report as PNG bytes. */
export interface ImageBlock {
  readonly kind: 'image';
  readonly id: string;
  readonly title: string;
  /** The text alternative: what the picture shows. */
  readonly description: string;
  readonly runIds: readonly string[];
  readonly pngBase64: string;
}

export type Block = TextBlock | ListBlock | TableBlock | ChartBlock | ImageBlock;

/** A number worth putting at the top of the report. */
export interface KeyNumber {
  /** What is measured, e.g. `TPR at τ, all transforms`. */
  readonly label: string;
  /** What it is measured for (usually an algorithm); key numbers sharing subjects are shown as one table. */
  readonly subject?: string;
  readonly cell: Cell;
  readonly runIds: readonly string[];
}

export interface ReportSection {
  /** Unique within the report; used as the HTML anchor. */
  readonly id: string;
  readonly title: string;
  readonly runIds: readonly string[];
  readonly blocks: readonly Block[];
  /** Gathered into the report's opening "Key numbers" section. */
  readonly keyNumbers?: readonly KeyNumber[];
}

export interface Report {
  readonly title: string;
  readonly generatedAt: string;
  readonly runs: readonly ReportRun[];
  readonly sections: readonly ReportSection[];
}

/** The run ids of several parts, each once, in first-seen order. */
export function unionRunIds(...lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}
