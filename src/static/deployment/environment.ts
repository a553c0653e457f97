/** The environment the Django app runs with, as the deployment descriptors set it. */
import { resolve } from "node:path";
import type { ComposeService } from "../compose/model.js";
import type { EnvironmentEntry } from "../environment.js";
import type { Container } from "../kubernetes/model.js";
import type { AuditInput } from "../rule.js";

interface AppRuntime {
  env: EnvironmentEntry[];
}

/** Whether a DJANGO_SETTINGS_MODULE value names this settings file (config.settings.prod ↔ …/config/settings/prod.py). */
function names(module: string | undefined, settingsFile: string): boolean {
  if (!module) return false;
  const tail = module.replace(/\./g, "/");
  const file = resolve(settingsFile).split("\\").join("/");
  return file.endsWith(`/${tail}.py`) || file.endsWith(`/${tail}/__init__.py`);
}

/**
 * The app's environment: the Compose service or container that runs Django and names these settings
 * (or, when none names them, the first that runs Django). Empty when the descriptors hold no app.
 */
export function appEnvironment(
  input: Pick<AuditInput, "compose" | "kubernetes">,
  settingsFile?: string,
): EnvironmentEntry[] {
  const apps: AppRuntime[] = [
    ...(input.compose ?? [])
      .flatMap((p) => p.services.filter((s: ComposeService) => s.djangoApp))
      .map((s) => ({ env: s.environment })),
    ...(input.kubernetes?.workloads ?? [])
      .flatMap((w) => w.containers.filter((c: Container) => c.djangoApp))
      .map((c) => ({ env: c.env })),
  ];
  const module = (app: AppRuntime) => app.env.find((e) => e.name === "DJANGO_SETTINGS_MODULE")?.value;
  const chosen = (settingsFile && apps.find((app) => names(module(app), settingsFile))) || apps[0];
  // Later entries win, as in Compose (environment over env_file).
  return [...new Map((chosen?.env ?? []).map((e) => [e.name, e])).values()];
}
