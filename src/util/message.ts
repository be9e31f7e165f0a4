// The one-line form of a caught error, for result rows and user-facing messages.

/** The first line of an error's message (or of the thrown value as a string). */
export const messageOf = (e: unknown): string => String(e instanceof Error ? e.message : e).split('\n')[0] ?? '';
