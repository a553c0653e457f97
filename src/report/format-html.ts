/**
 * One self-contained HTML page for someone who never ran the tool: a summary, a picture of the
 * trust chain, then per clause what was sent, what came back, what the app believed and the fix.
 * No scripts and no network: inline CSS and SVG only, and a Content-Security-Policy that forbids
 * anything else. Every string is escaped; most come from the wire.
 */
import { clause } from "../clauses.js";
import { replayLine, requestLines, responseLines } from "./format-text.js";
import { escapeMarkup as esc } from "./markup.js";
import { discoveryLines } from "./discovery-text.js";
import type { CheckResult, Exchange, Report, Status } from "./model.js";
import { countByStatus, isSuppressed, STATUSES, suppressionNote } from "./model.js";
import { trustChain, type HeaderHop, type HopState } from "./trust-chain.js";

const STATUS_WORDS: Record<Status, string> = {
  pass: "pass",
  fail: "FAIL",
  warn: "warning",
  skip: "skipped",
  error: "could not decide",
};

const HOP_STYLE: Record<HopState, { colour: string; dash: string; mark: string; word: string }> = {
  guarded: { colour: "#1a7f37", dash: "", mark: "✓", word: "set / overwritten by the proxy" },
  passed: { colour: "#cf222e", dash: "", mark: "!", word: "client's value passed through" },
  missing: { colour: "#9a6700", dash: "6 4", mark: "∅", word: "never set" },
  unknown: { colour: "#6e7781", dash: "2 4", mark: "?", word: "not known" },
};

const CSS = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:1000px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px}h3{font-size:16px;margin:0}
.facts{color:#59636e;margin:0 0 16px}
.card{background:#fff;border:1px solid #d1d9e0;border-radius:8px;padding:16px;margin:12px 0}
.badge{display:inline-block;min-width:64px;text-align:center;border-radius:12px;padding:1px 10px;font-size:13px;font-weight:600;color:#fff}
.pass{background:#1a7f37}.fail{background:#cf222e}.warn{background:#9a6700}.skip{background:#6e7781}.error{background:#8250df}
.tally .badge{margin-right:6px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #d1d9e0;vertical-align:top}
pre{background:#f6f8fa;border:1px solid #d1d9e0;border-radius:6px;padding:8px;overflow-x:auto;white-space:pre-wrap;word-break:break-all;margin:4px 0 8px;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace}
.exchange{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.exchange h4,.fix h4{margin:8px 0 0;font-size:13px;color:#59636e;text-transform:uppercase;letter-spacing:.04em}
.belief{border-left:4px solid #8250df;padding-left:8px}
.promise{color:#59636e}
.suppressed{display:block;color:#59636e;font-style:italic}
details>summary{cursor:pointer;color:#0969da}
svg text{font:13px system-ui,sans-serif}
`;

function badge(status: Status): string {
  return `<span class="badge ${status}">${esc(STATUS_WORDS[status])}</span>`;
}

/** The config file's suppression of a result, beside its status, or nothing. */
function suppressionLine(check: CheckResult, tag: "small" | "p"): string {
  const note = suppressionNote(check);
  return note ? `<${tag} class="suppressed">${esc(note)}</${tag}>` : "";
}

function anchor(index: number, check: CheckResult): string {
  return `check-${index}-${check.id.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

function summarySection(report: Report): string {
  const counts = countByStatus(report);
  const tally = STATUSES.filter((s) => counts[s] > 0)
    .map((s) => `<span class="badge ${s}">${counts[s]} ${esc(STATUS_WORDS[s])}</span>`)
    .join("");
  const broken = report.checks.filter((c) => c.status === "fail" && !isSuppressed(c));
  const suppressed = report.checks.filter((c) => c.status === "fail" && isSuppressed(c)).length;
  const verdict = [
    broken.length
      ? `${broken.length} ${broken.length === 1 ? "promise is" : "promises are"} broken: the proxy and the app disagree about what "secure" means.`
      : "No promise is broken.",
    suppressed ? `Broken but suppressed by the config file: ${suppressed}.` : "",
  ]
    .filter(Boolean)
    .join(" ");
  const rows = report.checks
    .map((check, i) => {
      const where = check.location
        ? `<br><small>${esc(`${check.location.file}:${check.location.line}`)}</small>`
        : "";
      return `<tr><td>${badge(check.status)}${suppressionLine(check, "small")}</td><td><a href="#${anchor(i, check)}">${esc(check.id)}</a>${where}</td><td>${esc(check.title)}</td><td>${esc(check.summary.split("\n", 1)[0] ?? "")}</td></tr>`;
    })
    .join("\n");
  return `<section class="card" id="summary"><h2>Summary</h2>
<p class="tally">${tally || "no findings"}</p><p><strong>${esc(verdict)}</strong></p>
<table><thead><tr><th>status</th><th>id</th><th>what is promised</th><th>what was found</th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
}

const WIDTH = 880;
const COLUMNS = { client: 90, proxy: 440, app: 790 };
const LANE_TOP = 120;
const LANE_GAP = 64;

function node(x: number, title: string, subtitle: string): string {
  return `<g><rect x="${x - 80}" y="16" width="160" height="56" rx="8" fill="#fff" stroke="#1f2328"/>
<text x="${x}" y="40" text-anchor="middle" font-weight="600">${esc(title)}</text>
<text x="${x}" y="60" text-anchor="middle" fill="#59636e">${esc(subtitle)}</text></g>`;
}

function lane(hop: HeaderHop, index: number): string {
  const y = LANE_TOP + index * LANE_GAP;
  const style = HOP_STYLE[hop.state];
  const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : "";
  return `<g data-header="${esc(hop.header)}" data-state="${hop.state}">
<text x="${COLUMNS.client - 80}" y="${y - 10}" font-weight="600">${esc(hop.header)}</text>
<line x1="${COLUMNS.client}" y1="${y}" x2="${COLUMNS.proxy - 14}" y2="${y}" stroke="#6e7781" stroke-dasharray="4 4"/>
<text x="${(COLUMNS.client + COLUMNS.proxy) / 2}" y="${y - 6}" text-anchor="middle" fill="#59636e">client may send anything</text>
<circle cx="${COLUMNS.proxy}" cy="${y}" r="13" fill="${style.colour}"/>
<text x="${COLUMNS.proxy}" y="${y + 5}" text-anchor="middle" fill="#fff" font-weight="700">${style.mark}</text>
<text x="${COLUMNS.proxy}" y="${y + 30}" text-anchor="middle" fill="${style.colour}">${esc(style.word)}</text>
<line x1="${COLUMNS.proxy + 14}" y1="${y}" x2="${COLUMNS.app}" y2="${y}" stroke="${style.colour}" stroke-width="3"${dash}/>
<polygon points="${COLUMNS.app},${y - 6} ${COLUMNS.app + 10},${y} ${COLUMNS.app},${y + 6}" fill="${style.colour}"/>
</g>`;
}

const CHAIN_SOURCE: Record<Report["command"], string> = {
  scan: " as proven by the scan",
  audit: ", as read from the configuration",
  doctor: ", as read from the configuration",
  logs: ", as seen in the app's request log",
};

function trustChainSection(report: Report): string {
  const hops = trustChain(report);
  const height = LANE_TOP + hops.length * LANE_GAP;
  const proxy = report.proxy ?? "reverse proxy";
  const tiers = [COLUMNS.client, COLUMNS.proxy, COLUMNS.app]
    .map((x) => `<line x1="${x}" y1="72" x2="${x}" y2="${height - 20}" stroke="#d1d9e0"/>`)
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-labelledby="chain-title">
<title id="chain-title">Trust chain: client, ${esc(proxy)}, app, and what happens to each forwarding header</title>
${tiers}
${node(COLUMNS.client, "Client", "anyone on the internet")}
${node(COLUMNS.proxy, proxy, "proxy tier")}
${node(COLUMNS.app, "App", "Django")}
${hops.map(lane).join("\n")}
</svg>`;
  const rows = hops
    .map((hop) => {
      const basis = hop.basis.map((c) => `${c.id} (${c.status})`).join(", ") || "no result";
      return `<tr data-header="${esc(hop.header)}"><td><strong>${esc(hop.header)}</strong></td><td style="color:${HOP_STYLE[hop.state].colour}">${esc(HOP_STYLE[hop.state].word)}</td><td>${esc(hop.meaning)}</td><td>${esc(basis)}</td></tr>`;
    })
    .join("\n");
  return `<section class="card" id="trust-chain"><h2>Trust chain</h2>
<p>Django cannot see the client's connection: it believes the headers the proxy hands it. Each line is one header on its way from the client to the app, and what the proxy does with it${CHAIN_SOURCE[report.command]}.</p>
${svg}
<table><thead><tr><th>header</th><th>at the proxy</th><th>what it means</th><th>read from</th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
}

function exchangeBlock(x: Exchange): string {
  const response = responseLines(x);
  const cameBack = response.length
    ? `<pre>${esc(response.join("\n"))}</pre>${x.response?.bodyExcerpt ? `<pre>${esc(x.response.bodyExcerpt)}</pre>` : ""}`
    : `<pre>${esc(x.error ?? "no response")}</pre>`;
  const belief = x.belief ? `<p class="belief"><strong>The app believed:</strong> ${esc(x.belief)}</p>` : "";
  const replay = replayLine(x);
  const replayBlock = replay ? `<h4>Replay with curl</h4><pre>${esc(replay)}</pre>` : "";
  return `<div class="card"><h3>${esc(x.label)}</h3>
<div class="exchange"><div><h4>What was sent</h4><pre>${esc(requestLines(x).join("\n"))}</pre></div>
<div><h4>What came back</h4>${cameBack}</div></div>${belief}${replayBlock}</div>`;
}

function checkSection(check: CheckResult, index: number): string {
  const promise = clause(check.clause).contract;
  const where = check.location
    ? `<p>At <code>${esc(`${check.location.file}:${check.location.line}`)}</code></p>`
    : "";
  const evidence = check.evidence.length
    ? `<details${check.status === "pass" ? "" : " open"}><summary>${check.evidence.length} exchange${check.evidence.length === 1 ? "" : "s"}</summary>${check.evidence.map(exchangeBlock).join("\n")}</details>`
    : "";
  const fix = check.fix ? `<div class="fix"><h4>The fix</h4><pre>${esc(check.fix)}</pre></div>` : "";
  return `<section class="card" id="${anchor(index, check)}">
<h3>${badge(check.status)} ${esc(check.id)}: ${esc(check.title)}</h3>
${suppressionLine(check, "p")}
<p class="promise">${esc(promise)}</p>
<p>${esc(check.summary).replace(/\n/g, "<br>")}</p>${where}
${evidence}
${fix}
</section>`;
}

export function formatHtml(report: Report): string {
  const facts = [
    report.proxy ? `proxy: ${report.proxy}` : "",
    report.requests !== undefined ? `${report.requests} requests` : "",
    report.durationMs !== undefined ? `${(report.durationMs / 1000).toFixed(2)} s` : "",
    `proxytrust ${report.version}`,
  ].filter(Boolean);
  const title = `proxytrust ${report.command}: ${report.target}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body><main>
<h1>${esc(title)}</h1>
<p class="facts">${esc(facts.join(" · "))}</p>
${report.discovery ? `<h2>Found in ${esc(report.discovery.root)}</h2>\n<pre>${esc(discoveryLines(report.discovery).join("\n"))}</pre>` : ""}
${summarySection(report)}
${trustChainSection(report)}
<h2>${report.command === "audit" ? "Each finding" : "Each clause"}</h2>
${report.checks.map(checkSection).join("\n")}
</main></body>
</html>
`;
}
