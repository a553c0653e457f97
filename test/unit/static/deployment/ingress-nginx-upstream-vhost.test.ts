import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ruleFindings, webIngress } from "./ingress-nginx-manifests.js";

const vhostFindings = (...documents: string[]) => ruleFindings("ingress-nginx-upstream-vhost", ...documents);

describe("ingress-nginx upstream-vhost", () => {
  test("the Ingress's own host, in any case, passes", () => {
    assert.deepEqual(vhostFindings(webIngress({ "upstream-vhost": "app.example.com" })), []);
    assert.deepEqual(vhostFindings(webIngress({ "upstream-vhost": "App.Example.com" })), []);
  });

  test("a name other than the rule's host fails, naming the host Django no longer sees", () => {
    assert.deepEqual(vhostFindings(webIngress({ "upstream-vhost": "web.shop.svc.cluster.local" })), [
      'fail: Ingress web sets upstream-vhost "web.shop.svc.cluster.local": Django sees Host web.shop.svc.cluster.local, not app.example.com',
    ]);
  });

  test("on a rule without host every client's name is replaced, so even a site name fails", () => {
    assert.equal(vhostFindings(webIngress({ "upstream-vhost": "app.example.com" }, { host: "" })).length, 1);
  });
});
