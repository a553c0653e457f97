/** Module namespaces with copy-on-write branches, so if/else costs only what the branches assign. */
import type { SourceLocation } from "../../report/model.js";
import { type Value, capAlternatives, charge } from "./internal.js";
import type { PossibleValue } from "./settings-model.js";

export interface Binding {
  name: string;
  values: Value[];
  location: SourceLocation;
}

const UNSET: PossibleValue = { kind: "unset" };

export class Scope {
  readonly own = new Map<string, Binding>();
  /** The path ended in `raise`: its assignments never take effect. */
  terminated = false;

  constructor(readonly parent?: Scope) {}

  get(name: string): Binding | undefined {
    return this.own.get(name) ?? this.parent?.get(name);
  }

  set(binding: Binding): void {
    this.own.set(binding.name, binding);
  }

  branch(): Scope {
    return new Scope(this);
  }

  /** Folds branches (children of this scope) back in: each name gets every value any branch can leave. */
  merge(branches: Scope[]): void {
    const live = branches.filter((b) => !b.terminated);
    if (live.length === 0) {
      this.terminated = branches.length > 0;
      return;
    }
    const names = new Set(live.flatMap((b) => [...b.own.keys()]));
    for (const name of names) {
      const before = this.get(name);
      const values: Value[] = [];
      const seen = new Set<string>();
      let location = before?.location;
      for (const b of live) {
        const own = b.own.get(name);
        if (own) location = own.location;
        for (const v of (own ?? before)?.values ?? [UNSET]) {
          const key = JSON.stringify(v);
          charge(1 + (key.length >> 4));
          if (!seen.has(key)) {
            seen.add(key);
            values.push(v);
          }
        }
      }
      this.set({ name, values: capAlternatives(values), location: location! });
    }
  }

  /** Every name visible from this scope (outermost first, inner ones overriding). */
  entries(): Map<string, Binding> {
    const all = this.parent ? this.parent.entries() : new Map<string, Binding>();
    for (const [name, binding] of this.own) all.set(name, binding);
    return all;
  }
}
