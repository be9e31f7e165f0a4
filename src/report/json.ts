// The JSON rendering (report.json): the whole report model — every number shown, formatted and raw, each table row
// and chart with the run ids it came from, and the runs' configurations and provenance.
import type { Report } from './model.js';

export const REPORT_JSON_FORMAT = 'scanlab-report';
export const REPORT_JSON_VERSION = 1;

export function renderJson(report: Report): string {
  return JSON.stringify({ format: REPORT_JSON_FORMAT, version: REPORT_JSON_VERSION, ...report }) + '\n';
}
