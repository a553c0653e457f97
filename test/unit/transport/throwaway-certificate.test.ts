import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { test } from "node:test";
import { throwawayClientCertificate } from "../../../src/transport/throwaway-certificate.js";

test("the throwaway certificate is a valid self-signed X.509 v3 that matches its key", () => {
  const now = new Date("2030-06-01T12:00:00Z");
  const { cert, key } = throwawayClientCertificate("proxytrust foreign client", now);
  const parsed = new X509Certificate(cert);
  assert.equal(parsed.subject, "CN=proxytrust foreign client");
  assert.equal(parsed.issuer, parsed.subject);
  assert.ok(parsed.verify(parsed.publicKey), "signed by its own key");
  assert.ok(parsed.checkPrivateKey(createPrivateKey(key)));
  assert.equal(new Date(parsed.validFrom).toISOString(), "2030-06-01T11:00:00.000Z");
  assert.equal(new Date(parsed.validTo).toISOString(), "2030-06-02T12:00:00.000Z");
  // OpenSSL reads it the same way.
  const text = execFileSync("/usr/bin/openssl", ["x509", "-noout", "-text"], {
    input: cert,
    encoding: "utf8",
  });
  assert.match(text, /Version: 3 \(0x2\)/);
  assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/);
});

test("a random serial that starts with zero bytes is still encoded as DER allows (one in 512 once was not)", () => {
  for (const hex of ["00" + "11".repeat(15), "0000" + "ff".repeat(14), "80" + "00".repeat(15)]) {
    const { cert } = throwawayClientCertificate(
      "proxytrust foreign client",
      undefined,
      Buffer.from(hex, "hex"),
    );
    const parsed = new X509Certificate(cert);
    assert.equal(BigInt(`0x${parsed.serialNumber}`), BigInt(`0x${hex}`));
  }
});
