// Writes a report's files into a folder: index.html, report.md and report.json, as asked.
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { makeDir } from '../util/make-dir.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import type { Report } from './model.js';

export type ReportFormat = 'html' | 'md' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['html', 'md', 'json'];

export const REPORT_FILE_NAMES: Readonly<Record<ReportFormat, string>> = {
  html: 'index.html',
  md: 'report.md',
  json: 'report.json',
};

/**
 * Writes each file atomically (temporary file, then rename) into `outDir`, created if missing; returns the paths in
 * the order of `formats`. A folder that cannot be made or written is an OutputError.
 */
export async function writeReport(
  report: Report,
  outDir: string,
  formats: readonly ReportFormat[] = REPORT_FORMATS,
): Promise<string[]> {
  await makeDir(outDir);
  const paths: string[] = [];
  for (const format of formats) {
    const text =
      format === 'html' ? await renderHtml(report) : format === 'md' ? renderMarkdown(report) : renderJson(report);
    const path = join(outDir, REPORT_FILE_NAMES[format]);
    await writeFileAtomic(path, text);
    paths.push(path);
  }
  return paths;
}
