import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { controllerConfigMap, ruleFindings, webIngress } from "./ingress-nginx-manifests.js";

const sslRedirectFindings = (...documents: string[]) =>
  ruleFindings("ingress-nginx-ssl-redirect-off", ...documents);

describe("ingress-nginx ssl-redirect and force-ssl-redirect", () => {
  test("each annotation falls back to its own ConfigMap key: every combination is judged as the controller redirects", () => {
    const cases: [Record<string, string>, Record<string, string>, boolean][] = [
      [{}, {}, false],
      [{}, { "ssl-redirect": "false" }, true],
      [{ "ssl-redirect": "false" }, {}, true],
      [{ "ssl-redirect": "false" }, { "ssl-redirect": "true" }, false],
      [{ "ssl-redirect": "false" }, { "force-ssl-redirect": "true" }, false],
      [{ "ssl-redirect": "false", "force-ssl-redirect": "true" }, {}, false],
      // The Ingress's force "false" replaces the ConfigMap's force; ssl-redirect stays the ConfigMap's "false".
      [{ "ssl-redirect": "false", "force-ssl-redirect": "true" }, { "force-ssl-redirect": "false" }, true],
      // The Ingress's ssl-redirect "false" leaves the ConfigMap's force in place.
      [{ "force-ssl-redirect": "true" }, { "ssl-redirect": "false" }, false],
      // Go's ParseBool: "0" is false; "no" is not a boolean, so the ConfigMap's value applies.
      [{ "ssl-redirect": "0" }, {}, true],
      [{ "ssl-redirect": "false" }, { "ssl-redirect": "no" }, true],
    ];
    for (const [data, annotations, fails] of cases)
      assert.equal(
        sslRedirectFindings(controllerConfigMap(data), webIngress(annotations)).length,
        fails ? 1 : 0,
        `ConfigMap ${JSON.stringify(data)}, annotations ${JSON.stringify(annotations)}`,
      );
  });

  test("the finding names the ConfigMap's ssl-redirect and the annotation that dropped its force", () => {
    assert.deepEqual(
      sslRedirectFindings(
        controllerConfigMap({ "ssl-redirect": "false", "force-ssl-redirect": "true" }),
        webIngress({ "force-ssl-redirect": "false" }),
      ),
      [
        'fail: Ingress web (app.example.com) has TLS but ssl-redirect is "false" in the controller ConfigMap, and its force-ssl-redirect annotation is "false": plain HTTP reaches the app',
      ],
    );
  });

  test("a tls entry without hosts, or listing other hosts, still gives the rule hosts a certificate", () => {
    const offFor = (tls: string[]) =>
      sslRedirectFindings(controllerConfigMap({}), webIngress({ "ssl-redirect": "false" }, { tls }));
    assert.deepEqual(offFor(["    - secretName: wildcard-example-com-tls"]), [
      'fail: Ingress web (app.example.com) has TLS but ssl-redirect is "false": plain HTTP reaches the app',
    ]);
    assert.equal(offFor(["    - hosts: [www.example.com]", "      secretName: www-tls"]).length, 1);
    // No tls section: nothing to redirect to, so ssl-redirect changes nothing.
    assert.deepEqual(offFor([]), []);
  });

  test("another Ingress's tls section for the same host covers this one's paths", () => {
    const api = webIngress({ "ssl-redirect": "false" }, { name: "api", path: "/api/", tls: [] });
    assert.deepEqual(sslRedirectFindings(controllerConfigMap({}), webIngress({}), api), [
      'fail: Ingress api (app.example.com) has TLS but ssl-redirect is "false": plain HTTP reaches the app',
    ]);
    const elsewhere = webIngress(
      { "ssl-redirect": "false" },
      { name: "api", host: "api.example.com", tls: [] },
    );
    assert.deepEqual(sslRedirectFindings(controllerConfigMap({}), webIngress({}), elsewhere), []);
  });
});

describe("ingress-nginx redirects on the default server", () => {
  const NO_HOST_TLS = ["    - secretName: wildcard-example-com-tls"];
  const hostless = (annotations: Record<string, string>, tls = NO_HOST_TLS) =>
    webIngress(annotations, { host: "", tls });

  test("a TLS rule without host is not redirected by ssl-redirect: it fails unless force-ssl-redirect is on", () => {
    assert.deepEqual(sslRedirectFindings(controllerConfigMap({}), hostless({})), [
      'fail: Ingress web has TLS but a rule without host, served by the default server: ssl-redirect redirects only a Host with a certificate of its own (the default server\'s is filed under "_"), so without force-ssl-redirect: "true" plain HTTP reaches the app',
    ]);
    assert.deepEqual(
      sslRedirectFindings(controllerConfigMap({}), hostless({ "ssl-redirect": "true" })).length,
      1,
    );
    assert.deepEqual(
      sslRedirectFindings(controllerConfigMap({}), hostless({ "force-ssl-redirect": "true" })),
      [],
    );
    assert.deepEqual(
      sslRedirectFindings(controllerConfigMap({ "force-ssl-redirect": "true" }), hostless({})),
      [],
    );
    // Without a tls section nothing promises HTTPS, as for a named host.
    assert.deepEqual(sslRedirectFindings(controllerConfigMap({}), hostless({}, [])), []);
  });

  test("an Ingress with only a defaultBackend is the catch-all, where even force-ssl-redirect does nothing", () => {
    const catchAll = [
      "apiVersion: networking.k8s.io/v1",
      "kind: Ingress",
      "metadata:",
      "  name: web-catch-all",
      "  namespace: shop",
      "  annotations:",
      '    nginx.ingress.kubernetes.io/force-ssl-redirect: "true"',
      "spec:",
      "  ingressClassName: nginx",
      "  tls:",
      "    - secretName: wildcard-example-com-tls",
      "  defaultBackend:",
      "    service:",
      "      name: web",
      "      port:",
      "        number: 8000",
    ].join("\n");
    assert.deepEqual(sslRedirectFindings(controllerConfigMap({ "force-ssl-redirect": "true" }), catchAll), [
      "fail: Ingress web-catch-all has TLS but only a defaultBackend, which the controller makes its catch-all: there it applies none of the Ingress's redirect annotations, and neither ssl-redirect nor force-ssl-redirect sends plain HTTP to HTTPS, so plain HTTP reaches the app",
    ]);
  });

  test("a defaultBackend beside host rules serves those hosts, which ssl-redirect does redirect", () => {
    const withDefault = webIngress({}).replace(
      "spec:\n",
      "spec:\n  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 8000\n",
    );
    assert.deepEqual(sslRedirectFindings(controllerConfigMap({}), withDefault), []);
  });
});
