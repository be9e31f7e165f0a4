// How a report states a run's sample: the images actually measured out of those in the dataset, never more.
import type { FailedItem } from '../eval/failed-items.js';

/** "147 images", or "145 of 147 images (2 failed)" when some could not be used. */
export function sampleText(items: number, failed: readonly FailedItem[]): string {
  return failed.length === 0
    ? `${items} images`
    : `${items - failed.length} of ${items} images (${failed.length} could not be processed and are not counted)`;
}

/** The methods-section note naming a run's failed items, or null when there are none. */
export function failuresNote(runId: string, kind: string, items: number, failed: readonly FailedItem[]): string | null {
  if (failed.length === 0) return null;
  const listed = failed
    .slice(0, 20)
    .map((f) => `${f.id} (${f.error})`)
    .join('; ');
  return (
    `Run ${runId} (${kind}) measured n = ${items - failed.length} of the ${items} images in its dataset; ` +
    `${failed.length} failed and are not counted: ${listed}${failed.length > 20 ? `; and ${failed.length - 20} more (scanlab runs show ${runId})` : ''}.`
  );
}
