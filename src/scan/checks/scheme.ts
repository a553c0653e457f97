import { readBelief } from "../belief.js";
import { describeOutcome, present, type LiveCheck } from "./check.js";

/** HTTPS requests must be seen as https and plain HTTP as http. */
export const schemeCheck: LiveCheck = {
  clause: "scheme",
  severity: "high",
  judge(e) {
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
  },
};
