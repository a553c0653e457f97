import { headerValue } from "../../parsers/headers.js";
import { readBelief } from "../belief.js";
import type { ScanEvidence } from "../evidence.js";
import type { WireResponse } from "../../transport/send.js";
import { describeOutcome, present, type Judgement, type LiveCheck } from "./check.js";

const answersAsGunicorn = (response: WireResponse | undefined): boolean =>
  /^gunicorn\b/i.test(headerValue(response?.headers ?? [], "server") ?? "") &&
  headerValue(response?.headers ?? [], "via") === undefined;

/**
 * The app server terminates TLS itself (gunicorn with certfile, a proxy at most passing TCP
 * through) when an https origin presents the very certificate clients get, and both it and the
 * site's https port answer as gunicorn. A proxy terminating TLS presents its own certificate and
 * (nginx, Caddy, Apache) its own Server header; one that re-encrypted with the app's certificate
 * and passed gunicorn's Server header on would look the same, so this is worded as what was seen.
 */
function appTerminatesTls(e: ScanEvidence): string | undefined {
  const site = e.baselines.https.get?.response;
  const fingerprint = site?.tlsCertificateSha256;
  if (!fingerprint || !answersAsGunicorn(site)) return undefined;
  const origin = e.originServers.find(
    (o) =>
      o.baseline.response?.tlsCertificateSha256 === fingerprint && answersAsGunicorn(o.baseline.response),
  );
  if (!origin) return undefined;
  return `the app terminates TLS itself: the app server at ${origin.url} presents the certificate clients get (SHA-256 ${fingerprint.slice(0, 23)}…) and the site's https port answers as gunicorn with no proxy's Server or Via header; Django takes https from gunicorn's wsgi.url_scheme, and SECURE_PROXY_SSL_HEADER is not needed`;
}

/** HTTPS requests must be seen as https and plain HTTP as http. */
export const schemeCheck: LiveCheck = {
  clause: "scheme",
  severity: "high",
  judge(e) {
    const judgement = judgeScheme(e);
    const passthrough = appTerminatesTls(e);
    return passthrough ? { ...judgement, summary: `${judgement.summary}\n${passthrough}` } : judgement;
  },
};

function judgeScheme(e: ScanEvidence): Judgement {
  const https = e.baselines.https;
  const http = e.baselines.http;
  if (!https.get?.response) {
    return {
      status: "error",
      summary: `the HTTPS baseline failed: ${https.get?.error ?? "not sent"}`,
      evidence: present(https.get),
    };
  }
  if (e.httpsChain.outcome === "loop" || e.httpsChain.outcome === "too-many") {
    return {
      status: "fail",
      summary: `an HTTPS request is redirected back to HTTPS in a loop (${e.httpsChain.hops.map(describeOutcome).join(", then ")}): the app believes HTTPS requests are plain HTTP`,
      evidence: e.httpsChain.hops.slice(0, 3),
    };
  }
  const overHttps = readBelief("https", https.get, https.postNoReferer, https.probe);
  const overHttp = readBelief("http", http.get, http.postNoReferer, http.probe);
  const httpsEvidence = present(https.postNoReferer, https.get);
  if (overHttps.scheme === "http") {
    return {
      status: "fail",
      summary: `an HTTPS request was seen as http: ${overHttps.reason}`,
      evidence: httpsEvidence,
    };
  }
  if (overHttp.scheme === "https" && overHttp.fromHsts) {
    return {
      status: "warn",
      summary: `a plain-HTTP answer carried Strict-Transport-Security: Django sends it only on requests it believes are HTTPS, but a proxy that adds it to every answer looks the same; name a page with a CSRF form (--csrf-path) or use the probe middleware to tell`,
      evidence: present(http.get),
    };
  }
  if (overHttp.scheme === "https") {
    return {
      status: "fail",
      summary: `a plain-HTTP request was seen as https: ${overHttp.reason}`,
      evidence: present(http.postNoReferer, http.get),
    };
  }
  if (overHttps.scheme === "https") {
    const httpNote = overHttp.scheme === "http" ? `; plain HTTP was seen as http (${overHttp.reason})` : "";
    return {
      status: "pass",
      summary: `HTTPS was seen as https (${overHttps.reason})${httpNote}`,
      evidence: httpsEvidence,
    };
  }
  return {
    status: "error",
    summary: `could not tell which scheme the app assumed over HTTPS (${overHttps.reason}); name a page with a CSRF form (--csrf-path) or use the probe middleware`,
    evidence: present(https.get),
  };
}
