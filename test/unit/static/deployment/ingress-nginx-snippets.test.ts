import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { controllerConfigMap, ruleFindings, webIngress } from "./ingress-nginx-manifests.js";

const snippetFindings = (...documents: string[]) =>
  ruleFindings("ingress-nginx-snippet-client-header", ...documents);

const SPOOFED_HOST = "proxy_set_header Host $http_x_forwarded_host;";

describe("ingress-nginx snippets outside a location", () => {
  test("a server-snippet or http-snippet proxy_set_header is overridden by every location's own, so passes", () => {
    assert.deepEqual(snippetFindings(controllerConfigMap({ "server-snippet": SPOOFED_HOST })), []);
    assert.deepEqual(snippetFindings(controllerConfigMap({ "http-snippet": SPOOFED_HOST })), []);
    assert.deepEqual(snippetFindings(webIngress({ "server-snippet": SPOOFED_HOST })), []);
  });

  test("at location level the same line fails, from an annotation or the ConfigMap", () => {
    assert.deepEqual(snippetFindings(webIngress({ "configuration-snippet": SPOOFED_HOST })), [
      "fail: Ingress web configuration-snippet copies a client header into a trusted one: proxy_set_header Host $http_x_forwarded_host",
    ]);
    assert.equal(snippetFindings(controllerConfigMap({ "location-snippet": SPOOFED_HOST })).length, 1);
  });

  test("a server-snippet rewriting the request's header, or setting it in a location of its own, fails", () => {
    assert.deepEqual(
      snippetFindings(
        webIngress({ "server-snippet": 'more_set_input_headers "Host: $http_x_forwarded_host";' }),
      ),
      [
        "fail: Ingress web server-snippet copies a client header into a trusted one: more_set_input_headers Host: $http_x_forwarded_host",
      ],
    );
    const ownLocation = [
      "location /admin/ {",
      "  proxy_set_header Host $http_x_forwarded_host;",
      "  proxy_pass http://upstream_balancer;",
      "}",
    ].join("\n");
    assert.equal(snippetFindings(controllerConfigMap({ "server-snippet": ownLocation })).length, 1);
  });
});

describe("ingress-nginx more_set_input_headers", () => {
  const rewrite = (header: string) => `more_set_input_headers "${header}: $http_x_client_value";`;

  test("it counts only for a header the controller takes from the request", () => {
    const findingsFor = (data: Record<string, string>, header: string) =>
      snippetFindings(controllerConfigMap({ ...data, "server-snippet": rewrite(header) })).length;
    // Host feeds $best_http_host, which every location sends as Host and X-Forwarded-Host.
    assert.equal(findingsFor({}, "Host"), 1);
    // Without use-forwarded-headers the location sets these from the connection: rewriting the request's changes nothing.
    assert.equal(findingsFor({}, "X-Forwarded-Proto"), 0);
    assert.equal(findingsFor({}, "X-Forwarded-For"), 0);
    assert.equal(findingsFor({}, "X-Real-IP"), 0);
    const forwarded = { "use-forwarded-headers": "true" };
    assert.equal(findingsFor(forwarded, "X-Forwarded-Proto"), 1);
    assert.equal(findingsFor(forwarded, "X-Forwarded-Host"), 1);
    assert.equal(findingsFor(forwarded, "X-Forwarded-For"), 0);
    assert.equal(findingsFor({ ...forwarded, "compute-full-forwarded-for": "true" }, "X-Forwarded-For"), 1);
    // X-Real-IP is always $remote_addr, settled by the realip module before any rewrite.
    assert.equal(findingsFor({ ...forwarded, "compute-full-forwarded-for": "true" }, "X-Real-IP"), 0);
  });

  test("the same holds in a configuration-snippet, whose location sets these headers too", () => {
    assert.deepEqual(
      snippetFindings(webIngress({ "configuration-snippet": rewrite("X-Forwarded-Proto") })),
      [],
    );
    assert.equal(snippetFindings(webIngress({ "configuration-snippet": rewrite("Host") })).length, 1);
  });
});

describe("ingress-nginx proxy_set_header with the value the controller sends itself", () => {
  const inLocation = (snippet: string, data: Record<string, string> = {}) =>
    snippetFindings(controllerConfigMap(data), webIngress({ "configuration-snippet": snippet })).length;
  const forwarded = { "use-forwarded-headers": "true" };

  test("the request's Host, which $best_http_host holds, passes; another header in its place fails", () => {
    // The snippet people paste from nginx guides.
    assert.equal(
      inLocation("proxy_set_header Host $http_host;\nproxy_set_header X-Forwarded-Proto $scheme;"),
      0,
    );
    assert.equal(inLocation("proxy_set_header X-Forwarded-Host $http_host;"), 0);
    assert.equal(inLocation(SPOOFED_HOST), 1);
    // With use-forwarded-headers the controller itself sends X-Forwarded-Host, when the request has one.
    assert.equal(inLocation(SPOOFED_HOST, forwarded), 0);
  });

  test("X-Forwarded-Proto and -Port pass on the request's own only where the controller does", () => {
    const proto = "proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;";
    const port = "proxy_set_header X-Forwarded-Port $http_x_forwarded_port;";
    assert.equal(inLocation(proto), 1);
    assert.equal(inLocation(port), 1);
    assert.equal(inLocation(proto, forwarded), 0);
    assert.equal(inLocation(port, forwarded), 0);
    // A copy of the client's list drops the peer compute-full-forwarded-for appends.
    const full = { ...forwarded, "compute-full-forwarded-for": "true" };
    assert.equal(inLocation("proxy_set_header X-Forwarded-For $http_x_forwarded_for;", full), 1);
  });
});
