/** Builders for captured exchanges: what a real Django stack answered, written down by hand. */
import type { HeaderList } from "../../../src/report/model.js";
import type { Captured, ScanEvidence } from "../../../src/scan/evidence.js";

export function exchange(
  url: string,
  response?: { status: number; headers?: HeaderList; body?: string },
  request: { method?: string; headers?: HeaderList; body?: string } = {},
  error?: string,
): Captured {
  const host = new URL(url).host;
  const captured: Captured = {
    label: `${request.method ?? "GET"} ${url}`,
    request: {
      method: request.method ?? "GET",
      url,
      headers: [["Host", host], ...(request.headers ?? [])],
      body: request.body,
    },
  };
  if (response)
    captured.response = {
      status: response.status,
      headers: response.headers ?? [],
      body: response.body ?? "",
      bodyTruncated: false,
    };
  if (error) captured.error = error;
  return captured;
}

export const post = (url: string, status: number, body = "", headers: HeaderList = []) =>
  exchange(url, { status, body }, { method: "POST", headers, body: "csrfmiddlewaretoken=t" });

/** Django's stock 403 page for a POST without Referer on a request it believes is HTTPS. */
export const NO_REFERER_403 =
  "<h1>Forbidden (403)</h1><p>CSRF verification failed. Request aborted.</p><p>You are seeing this message because this HTTPS site requires a “Referer header” to be sent by your web browser</p>";

export function evidence(overrides: Partial<ScanEvidence> = {}): ScanEvidence {
  return {
    siteHost: "app.test",
    httpsUrl: "https://app.test/",
    httpUrl: "http://app.test/",
    path: "/",
    baselines: { https: {}, http: {} },
    httpChain: { hops: [], outcome: "error" },
    httpChainStart: "http://app.test/?proxytrust=1",
    httpsChain: { hops: [], outcome: "error" },
    schemeSpoofs: [],
    hostProbes: [],
    forwardedHost: [],
    csrf: { searched: [], origins: [] },
    cookieSources: [],
    health: [],
    originServers: [],
    clientIp: [],
    probeAsked: false,
    requestCount: 0,
    ...overrides,
  };
}

/** The probe middleware's JSON answer (docs/probe.md), as Django would send it. */
export function djangoView(
  url: string,
  view: { scheme?: string; host?: string; remote_addr?: string; headers?: Record<string, string> },
) {
  const body = JSON.stringify({
    probe_version: 1,
    scheme: view.scheme ?? "https",
    host: view.host ?? "app.test",
    host_error: null,
    remote_addr: view.remote_addr ?? "127.0.0.1",
    headers: view.headers ?? {},
  });
  return exchange(url, { status: 200, body, headers: [["Content-Type", "application/json"]] });
}

/** What the transport records when a server stays silent past the timeout. */
export function silent(url: string, method = "GET"): Captured {
  return { ...exchange(url, undefined, { method }, "no complete answer within 10 s"), noAnswer: true };
}
