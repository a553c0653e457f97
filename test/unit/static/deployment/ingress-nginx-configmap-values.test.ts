import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { controllerConfigMap, ruleFindings, webIngress } from "./ingress-nginx-manifests.js";

const hstsFindings = (data: Record<string, string>) =>
  ruleFindings("ingress-nginx-hsts-weak", controllerConfigMap(data));

describe("ingress-nginx ConfigMap values read as the controller decodes them", () => {
  test('an empty boolean is "false" (mapstructure), so an empty hsts turns HSTS off', () => {
    assert.deepEqual(hstsFindings({ hsts: "" }), [
      'warn: hsts is empty (the controller reads "" as "false"): no Strict-Transport-Security at all (fine only if Django sends HSTS)',
    ]);
    assert.deepEqual(hstsFindings({ "hsts-include-subdomains": "" }), [
      'warn: hsts-include-subdomains is empty (the controller reads "" as "false") (it replaces any Strict-Transport-Security Django sends)',
    ]);
  });

  test("a boolean that does not parse, spaces included, keeps the controller's default", () => {
    assert.deepEqual(hstsFindings({ hsts: "no" }), []);
    assert.deepEqual(hstsFindings({ hsts: "false\n" }), []);
  });

  test("an empty or non-numeric hsts-max-age makes a header browsers ignore, and says so", () => {
    assert.deepEqual(hstsFindings({ "hsts-max-age": "" }), [
      'warn: hsts-max-age is empty: the controller sends "max-age=" with no number, a header browsers ignore (it replaces any Strict-Transport-Security Django sends)',
    ]);
    assert.deepEqual(hstsFindings({ "hsts-max-age": "1y" }), [
      'warn: hsts-max-age is "1y", not a number of seconds: browsers ignore the header it makes (it replaces any Strict-Transport-Security Django sends)',
    ]);
    assert.deepEqual(hstsFindings({ "hsts-max-age": "15724800" }), [
      "warn: hsts-max-age is 15724800, under a year (it replaces any Strict-Transport-Security Django sends)",
    ]);
    assert.deepEqual(hstsFindings({ "hsts-max-age": "63072000" }), []);
  });

  test("with hsts off, a weak max-age or includeSubDomains off is moot: only the header's absence is reported", () => {
    assert.deepEqual(
      hstsFindings({ hsts: "false", "hsts-max-age": "300", "hsts-include-subdomains": "false" }),
      ['warn: hsts is "false": no Strict-Transport-Security at all (fine only if Django sends HSTS)'],
    );
  });

  test("an empty ssl-redirect in the ConfigMap turns the redirect off; an empty annotation falls back", () => {
    assert.deepEqual(
      ruleFindings(
        "ingress-nginx-ssl-redirect-off",
        controllerConfigMap({ "ssl-redirect": "" }),
        webIngress({}),
      ),
      [
        'fail: Ingress web (app.example.com) has TLS but ssl-redirect is empty (the controller reads "" as "false") in the controller ConfigMap: plain HTTP reaches the app',
      ],
    );
    assert.deepEqual(
      ruleFindings(
        "ingress-nginx-ssl-redirect-off",
        controllerConfigMap({}),
        webIngress({ "ssl-redirect": "" }),
      ),
      [],
    );
  });

  test("an empty use-forwarded-headers is off", () => {
    assert.deepEqual(
      ruleFindings(
        "ingress-nginx-forwarded-headers-trusted",
        controllerConfigMap({ "use-forwarded-headers": "" }),
      ),
      [],
    );
  });
});
