/** Loads a Django settings module into the settings model (see settings-model.ts). */
import type { SourceLocation } from "../../report/model.js";
import { type PythonModule, evaluatePythonModule, evaluatePythonSource } from "./evaluate.js";
import type { DjangoSettings, PossibleValue, PythonDiagnostic, Setting } from "./settings-model.js";
import { DJANGO_DEFAULTS } from "./django-defaults.js";

function isSettingName(name: string): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(name);
}

/** Names assigned only inside settings classes (django-configurations, readthedocs) are unknown. */
function classBasedSettings(module: PythonModule, settings: Map<string, Setting>): PythonDiagnostic[] {
  const diagnostics: PythonDiagnostic[] = [];
  for (const cls of module.classes) {
    if (cls.assigns.length === 0) continue;
    diagnostics.push({
      ...cls.location,
      severity: "warning",
      message: `class-based settings (class ${cls.name}) are not supported: its ${cls.assigns.length} settings are reported as unknown`,
    });
    for (const name of cls.assigns) {
      if (settings.has(name)) continue;
      settings.set(name, {
        name,
        values: [
          { kind: "unknown", reason: `set in class ${cls.name}; class-based settings are not evaluated` },
        ],
        location: cls.location,
      });
    }
  }
  return diagnostics;
}

/**
 * `fragmentsAllowed`: when the file sets no ROOT_URLCONF (which Django needs to serve any request),
 * it is a part appended to or included by a settings module the audit did not read (a block such as
 * `init` writes), so a setting it leaves out is unknown rather than Django's default.
 */
export function settingsFromModule(module: PythonModule, { fragmentsAllowed = false } = {}): DjangoSettings {
  const settings = new Map<string, Setting>();
  for (const [name, binding] of module.bindings) if (isSettingName(name)) settings.set(name, binding);
  const classDiagnostics = classBasedSettings(module, settings);
  const diagnostics = [...module.diagnostics, ...classDiagnostics];
  const unresolved = module.unresolvedImports;
  const entryLocation: SourceLocation = { file: module.file, line: 1 };
  // Where an absent setting may still come from; without one, Django's default applies.
  const hiddenSource = unresolved[0]
    ? `the unresolved import at ${unresolved[0].file}:${unresolved[0].line}`
    : classDiagnostics[0]
      ? `the class-based settings at ${classDiagnostics[0].file}:${classDiagnostics[0].line}`
      : fragmentsAllowed && !settings.has("ROOT_URLCONF")
        ? `the settings module ${module.file} is part of (it sets no ROOT_URLCONF, without which Django serves no request)`
        : undefined;
  const fallback = (name: string): PossibleValue =>
    hiddenSource
      ? { kind: "unknown", reason: `${name} may be set by ${hiddenSource}` }
      : (DJANGO_DEFAULTS.get(name) ?? { kind: "unset" });
  return {
    entry: module.file,
    files: module.files,
    diagnostics,
    settings,
    unresolvedImports: unresolved,
    ...(module.deploymentVariables ? { deploymentVariables: module.deploymentVariables } : {}),
    get: (name) => settings.get(name),
    values(name) {
      const setting = settings.get(name);
      if (!setting) return [fallback(name)];
      return setting.values.map((v) => (v.kind === "unset" ? fallback(name) : v));
    },
    locate: (name) => settings.get(name)?.location ?? entryLocation,
  };
}

/** `environment`: literal values the deployment sets, read instead of the variables' defaults. */
export async function loadDjangoSettings(
  file: string,
  environment?: ReadonlyMap<string, string>,
): Promise<DjangoSettings> {
  return settingsFromModule(await evaluatePythonModule(file, environment), { fragmentsAllowed: true });
}

/** For tests and editors: settings from text in memory (imports resolve next to `file`). */
export function djangoSettingsFromSource(source: string, file = "settings.py"): DjangoSettings {
  return settingsFromModule(evaluatePythonSource(source, file));
}
