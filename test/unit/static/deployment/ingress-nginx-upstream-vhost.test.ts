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

describe("ingress-nginx upstream-vhost written with nginx variables", () => {
  test("$host, ${host}, $http_host and $best_http_host pass the client's own name on, on any rule", () => {
    for (const value of ["$host", "${host}", "$http_host", "$best_http_host"]) {
      assert.deepEqual(vhostFindings(webIngress({ "upstream-vhost": value })), [], value);
      assert.deepEqual(vhostFindings(webIngress({ "upstream-vhost": value }, { host: "" })), [], value);
    }
  });

  test("$server_name is the rule's host, but the default server's _ on a rule without host", () => {
    assert.deepEqual(vhostFindings(webIngress({ "upstream-vhost": "$server_name" })), []);
    assert.deepEqual(vhostFindings(webIngress({ "upstream-vhost": "$server_name" }, { host: "" })), [
      'fail: Ingress web sets upstream-vhost "$server_name": Django sees Host _, not whatever host a client sends (a rule without host)',
    ]);
  });

  test("a name nginx builds from other variables is not the site's name", () => {
    assert.deepEqual(
      vhostFindings(webIngress({ "upstream-vhost": "$service_name.$namespace.svc.cluster.local" })),
      [
        'fail: Ingress web sets upstream-vhost "$service_name.$namespace.svc.cluster.local": Django sees Host "$service_name.$namespace.svc.cluster.local" as nginx fills it in, not app.example.com',
      ],
    );
  });

  test("a request header other than Host warns: it is the site's name only if a load balancer sets it", () => {
    assert.deepEqual(vhostFindings(webIngress({ "upstream-vhost": "$http_x_forwarded_host" })), [
      "warn: Ingress web sets upstream-vhost \"$http_x_forwarded_host\": Django's Host is copied from $http_x_forwarded_host, which the client sends as it likes, not from the name the controller matched (app.example.com); it is the site's name only if a load balancer in front sets it",
    ]);
  });

  test("an empty value is ignored by the controller", () => {
    assert.deepEqual(vhostFindings(webIngress({ "upstream-vhost": "" })), []);
  });
});
