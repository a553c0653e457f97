/**
 * Consequences hold for the routes they are found on: a location that loses the server's proxy_set_header
 * lines redirects to itself under that location only, and a browser that learns HSTS from the site's `/`
 * keeps it for the host, so a location without it is not "HSTS is never sent".
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyRules } from "../../../../src/static/audit.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";
import { inputOf } from "../contract/fixtures.js";
import { nginxHttpsSite, SETTINGS_DJANGO_REDIRECTS } from "./fixtures.js";

/** A Channels site: the websocket location sets its own proxy_set_header lines, so it inherits none. */
function channelsSite(websocketHeaders: string): string {
  return nginxHttpsSite(`
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;

        location / {
            proxy_pass http://app_server;
        }

        location /ws/ {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
${websocketHeaders}
            proxy_pass http://app_server;
        }`);
}

function findings(nginx: string, settings = SETTINGS_DJANGO_REDIRECTS) {
  return applyRules(inputOf({ settings, nginx }), ALL_RULES)
    .filter((c) => ["contract-ssl-redirect-loop", "contract-hsts-never-sent"].includes(c.id))
    .map((c) => `${c.status} ${c.id}: ${c.summary}`);
}

describe("consequences per route", () => {
  it("a location that loses X-Forwarded-Proto loops under that location only, and HSTS learnt on / is not 'never sent'", () => {
    const found = findings(channelsSite(""));
    assert.equal(found.length, 1, found.join("\n"));
    assert.match(
      found[0]!,
      /^fail contract-ssl-redirect-loop: .*through location \/ws\/ .*: every page under location \/ws\/ redirects to itself/,
    );
  });

  it("the same location with the headers repeated passes", () => {
    const repeated = [
      "proxy_set_header Host $host;",
      "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
      "proxy_set_header X-Forwarded-Proto $scheme;",
    ]
      .map((line) => `            ${line}`)
      .join("\n");
    assert.deepEqual(findings(channelsSite(repeated)), []);
  });

  it("when / loses the scheme too, HSTS is never sent, for the whole site", () => {
    const everywhere = channelsSite("").replace("        proxy_set_header X-Forwarded-Proto $scheme;\n", "");
    const hsts = findings(everywhere).filter((f) => f.includes("contract-hsts-never-sent"));
    assert.ok(hsts.some((f) => /through location \/ of .*HSTS is never sent\./.test(f)));
    const loops = findings(everywhere).filter((f) => f.includes("contract-ssl-redirect-loop"));
    assert.ok(loops.some((f) => /through location \/ of .*: every page redirects to itself/.test(f)));
  });
});
