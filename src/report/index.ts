// The `scanlab/report` entry point: reports from stored runs, as HTML with inline SVG charts, Markdown and JSON.
export { loadReportInputs, type ReportInput } from './inputs.js';
export { buildReport, ReportError } from './build.js';
export { writeReport, REPORT_FORMATS, type ReportFormat } from './write.js';
export { resolveReportOptions, type ReportOptions } from './options.js';
export type { Report } from './model.js';
