/** Options given more than once: collected where the option is repeatable, refused everywhere else. */
import type { Command } from "./commander.js";
import { UsageError } from "./usage-error.js";

/** The parser of a repeatable option: each occurrence adds one item to the list. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * A value option given twice (`--timeout 5 … --timeout 10`) is refused: silently keeping the last one
 * would hide a mistake in a script. Repeatable options (collect, or variadic) and flags may repeat.
 */
export function refuseRepeatedValues(command: Command): void {
  for (const option of command.options) {
    if (option.isBoolean() || option.variadic || option.parseArg === collect) continue;
    let given = false;
    command.on(`option:${option.name()}`, () => {
      if (given)
        throw new UsageError(`${option.long ?? option.flags} was given more than once: give it once`);
      given = true;
    });
  }
}
