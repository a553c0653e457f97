/**
 * The corpus of real Django settings and proxy configs from public projects (licences in its
 * MANIFEST.md). It lives outside the repository: $PROXYTRUST_CORPUS, else ../shared/corpus beside
 * the project. Without it the tests that read it are skipped, with this reason; with
 * PROXYTRUST_REQUIRE_CORPUS=1 (CI) its absence fails the run instead, so CI always reads it.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));

export const CORPUS = path.resolve(
  process.env.PROXYTRUST_CORPUS ?? path.join(projectRoot, "..", "shared", "corpus"),
);

function whyMissing(): string | false {
  if (existsSync(CORPUS)) return false;
  const reason = `corpus of real configs not found at ${CORPUS} (set PROXYTRUST_CORPUS to its folder)`;
  if (process.env.PROXYTRUST_REQUIRE_CORPUS === "1") {
    throw new Error(`${reason}; PROXYTRUST_REQUIRE_CORPUS=1 requires it`);
  }
  return reason;
}

/** false when the corpus is present; otherwise the skip reason for `{ skip: corpusMissing }`. */
export const corpusMissing = whyMissing();
