import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { findConfigFile } from "../../../src/config/find.js";
import { ConfigError, loadConfig, parseConfig } from "../../../src/config/load.js";
import { keyPath } from "../../../src/zod-issues.js";

const FILE = "proxytrust.config.json";

function problem(config: unknown): string {
  try {
    parseConfig(typeof config === "string" ? config : JSON.stringify(config), FILE);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.doesNotMatch(err.message, /\n/, "one line");
    return err.message;
  }
  assert.fail("expected the config to be rejected");
}

test("a complete, valid config is accepted as written", () => {
  const config = {
    $schema: "./schema/proxytrust.config.schema.json",
    targets: [
      "https://app.example.com/",
      {
        url: "https://shop.example.com/",
        resolve: ["shop.example.com:443:10.0.0.5"],
        connectTo: ["shop.example.com:80:10.0.0.5:8080"],
        healthPaths: ["/healthz"],
        csrfPath: "/accounts/login/",
        csrfPost: "/accounts/login/",
        origin: "http://10.0.0.5:8000",
      },
    ],
    defaults: {
      timeout: 5,
      maxTime: 30,
      cacert: "ca.pem",
      headers: ["Authorization: Bearer x"],
      proxy: "nginx",
    },
    failOn: "warn",
    suppressions: [
      { clause: "hsts", reason: "HSTS is set by the CDN", expires: "2030-01-31" },
      { rule: "nginx-real-ip-too-broad", reason: "private network", target: "https://shop.example.com/" },
    ],
    concurrency: 4,
    perHost: 1,
    perHostDelay: 50,
  };
  assert.deepEqual(parseConfig(JSON.stringify(config), FILE), config);
});

test("an empty object is a valid config", () => {
  assert.deepEqual(parseConfig("{}", FILE), {});
});

test("errors name the file and the key path of the first problem, on one line", () => {
  assert.equal(
    problem({ targets: ["https://a.test/", "https://b.test/", { url: "ftp://c.test/" }] }),
    `${FILE}: targets[2].url: not an http:// or https:// URL (without credentials)`,
  );
  assert.equal(
    problem({ targets: ["not a url"] }),
    `${FILE}: targets[0]: not an http:// or https:// URL (without credentials)`,
  );
  assert.match(
    problem({ targets: [{ url: "https://a.test/", bogus: 1 }] }),
    /: targets\[0\]: Unrecognized key: "bogus"$/,
  );
  assert.match(problem({ target: [] }), /: \(top level\): Unrecognized key: "target"$/);
  assert.equal(
    problem({ targets: [{ url: "https://a.test/", resolve: ["a.test:443"] }] }),
    `${FILE}: targets[0].resolve[0]: --resolve 'a.test:443': expected HOST:PORT:ADDRESS`,
  );
  assert.equal(
    problem({ defaults: { healthPaths: ["healthz"] } }),
    `${FILE}: defaults.healthPaths[0]: expected a path starting with /`,
  );
  assert.match(problem({ failOn: "skip" }), /^proxytrust\.config\.json: failOn: /);
  assert.match(problem({ defaults: { proxy: "squid" } }), /: defaults\.proxy: /);
  assert.match(problem({ concurrency: 0 }), /: concurrency: /);
  assert.match(problem({ defaults: { timeout: "10" } }), /: defaults\.timeout: .*expected number/);
});

test("suppressions need a reason, exactly one of clause or rule, a known clause and a real date", () => {
  assert.match(problem({ suppressions: [{ clause: "hsts" }] }), /: suppressions\[0\]\.reason: /);
  assert.match(
    problem({ suppressions: [{ clause: "hsts", reason: "  " }] }),
    /suppressions\[0\]\.reason: a reason is required$/,
  );
  assert.match(
    problem({ suppressions: [{ reason: "r" }] }),
    /suppressions\[0\]: give exactly one of clause or rule$/,
  );
  assert.match(
    problem({ suppressions: [{ clause: "hsts", rule: "x", reason: "r" }] }),
    /suppressions\[0\]: give exactly one of clause or rule$/,
  );
  assert.match(
    problem({ suppressions: [{ clause: "no-such-clause", reason: "r" }] }),
    /suppressions\[0\]\.clause: /,
  );
  assert.match(
    problem({ suppressions: [{ clause: "hsts", reason: "r", expires: "2025-02-30" }] }),
    /suppressions\[0\]\.expires: expected an ISO date, e\.g\. 2025-12-31$/,
  );
  assert.match(
    problem({ suppressions: [{ clause: "hsts", reason: "r", expires: "31/12/2025" }] }),
    /expires/,
  );
});

test("several problems: the first is named and the rest counted", () => {
  assert.match(problem({ failOn: 1, concurrency: 0, perHost: 0 }), /: failOn: .* \(and 2 more problems\)$/);
});

test("malformed JSON is reported on one line, with the parser's reason", () => {
  assert.match(
    problem('{\n  "targets": [\n    "https://a.test/",\n  ]\n}'),
    /^proxytrust\.config\.json: not valid JSON.*\]/,
  );
  assert.equal(
    problem("{\n  ,\n}"),
    "proxytrust.config.json: not valid JSON at line 2, column 3: Expected property name or '}'",
  );
  assert.match(problem(""), /^proxytrust\.config\.json: not valid JSON/);
});

test("key paths render array indexes in brackets", () => {
  assert.equal(keyPath(["targets", 2, "url"]), "targets[2].url");
  assert.equal(keyPath([]), "(top level)");
});

const root = mkdtempSync(join(tmpdir(), "proxytrust-config-"));
after(() => rmSync(root, { recursive: true, force: true }));

test("the config file is found in the working directory or the nearest directory above it", () => {
  const project = join(root, "project");
  const deep = join(project, "a", "b");
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(project, FILE), JSON.stringify({ failOn: "warn" }));
  assert.equal(findConfigFile(deep), join(project, FILE));
  assert.equal(findConfigFile(project), join(project, FILE));
  writeFileSync(join(project, "a", FILE), "{}");
  assert.equal(findConfigFile(deep), join(project, "a", FILE));
  const loaded = loadConfig(join(project, FILE));
  assert.deepEqual(loaded, { config: { failOn: "warn" }, file: join(project, FILE), dir: project });
});

test("a missing --config file is one clear line", () => {
  assert.throws(() => loadConfig(join(root, "absent.json")), {
    name: "Error",
    message: `${join(root, "absent.json")}: no such file`,
  });
});
