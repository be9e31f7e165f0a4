// The one rule for tests that need something outside the repository (a browser, system fonts, a reference tool):
// when it is missing the test is skipped with its reason printed loudly; data the repository ships is never optional.

/** What a test needs from outside the repository, and why it would be skipped without it. */
export interface OptionalTool {
  readonly available: boolean;
  /** Empty when available; otherwise one line naming the tool, what is missing and how to get it. */
  readonly reason: string;
}

/** Probes an external tool once; a missing one prints `SKIPPED (name): reason` on stderr so the run says why. */
export function optionalTool(name: string, probe: () => string | null): OptionalTool {
  let missing: string | null;
  try {
    missing = probe();
  } catch (e) {
    missing = e instanceof Error ? e.message : String(e);
  }
  if (missing === null) return { available: true, reason: '' };
  const reason = `SKIPPED (${name}): ${missing}`;
  process.stderr.write(`\n*** ${reason}\n\n`);
  return { available: false, reason };
}

/** A title that carries the skip reason, so the reporter's line says it too. */
export function titled(title: string, tool: OptionalTool): string {
  return tool.available ? title : `${title} — ${tool.reason}`;
}

/** The same rule for a probe that must run asynchronously (e.g. rendering with sharp). */
export async function optionalToolAsync(name: string, probe: () => Promise<string | null>): Promise<OptionalTool> {
  let missing: string | null;
  try {
    missing = await probe();
  } catch (e) {
    missing = e instanceof Error ? e.message : String(e);
  }
  return optionalTool(name, () => missing);
}
