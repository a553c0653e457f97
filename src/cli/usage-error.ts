/** A mistake in the command line: one line on stderr, exit 2. Its own module so the CLI entry loads nothing else. */
export class UsageError extends Error {}
