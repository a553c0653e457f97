/**
 * Builds dist/: tsc compiles src/ into a scratch directory, then esbuild bundles the command line from
 * there into dist/cli/: main.js, one file for each command and report format it loads on demand, and
 * chunks they share. Reading, resolving and linking each of a scan's sixty ES modules cost more than
 * running their code; the dependencies stay in node_modules and load as before.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "dist");
const BUNDLE_DIR = join(DIST, "cli");

/**
 * Modules find files (package.json, python/) relative to where tsc put them, but every bundled file
 * lives in dist/cli/: each module's import.meta.url becomes the URL it would have had in dist/.
 */
function keepModuleUrls(compiled: string): Plugin {
  return {
    name: "keep-module-urls",
    setup(bundler) {
      bundler.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(compiled + sep)) return undefined;
        const code = readFileSync(args.path, "utf8");
        if (!code.includes("import.meta.url")) return undefined;
        const fromBundle = relative(join(compiled, "cli"), args.path).split(sep).join("/");
        const ownUrl = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
        return { contents: code.replaceAll("import.meta.url", ownUrl), loader: "js" };
      });
    },
  };
}

const compiled = mkdtempSync(join(tmpdir(), "proxytrust-build-"));
try {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const typescript = spawnSync(
    process.execPath,
    [tsc, "-p", join(ROOT, "tsconfig.build.json"), "--outDir", compiled],
    { stdio: "inherit" },
  );
  // An exit code, not process.exit: that would skip the finally block and leave the scratch directory.
  if (typescript.status !== 0) process.exitCode = typescript.status ?? 1;
  else {
    rmSync(DIST, { recursive: true, force: true });
    await build({
      entryPoints: [join(compiled, "cli", "main.js")],
      outdir: BUNDLE_DIR,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      plugins: [keepModuleUrls(compiled)],
      logLevel: "warning",
    });
  }
} finally {
  rmSync(compiled, { recursive: true, force: true });
}
