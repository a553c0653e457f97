/**
 * commander, loaded with require(): its package is CommonJS, and importing it as ESM adds a wrapper
 * and an export scan that cost a noticeable share of `proxytrust --version`'s start-up.
 */
import { createRequire } from "node:module";
import type * as Commander from "commander";

const commander = createRequire(import.meta.url)("commander") as typeof Commander;
export const { Command, CommanderError, InvalidArgumentError, Option } = commander;
export type Command = Commander.Command;
export type Option = Commander.Option;
