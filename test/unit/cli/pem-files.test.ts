/** --cacert, --client-cert and --client-key: a file that is not what the option needs is named before the scan. */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { linkOptionsFrom, readPem } from "../../../src/cli/link-options.js";
import { UsageError } from "../../../src/cli/usage-error.js";
import { parseCertificates } from "../../../src/transport/pem.js";
import { throwawayClientCertificate } from "../../../src/transport/throwaway-certificate.js";

const dir = mkdtempSync(join(tmpdir(), "proxytrust-pem-"));
const file = (name: string, content: string | Buffer) => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};
const proxy = throwawayClientCertificate("proxy");
const other = throwawayClientCertificate("other");
const cert = file("proxy.crt", proxy.cert);
const key = file("proxy.key", proxy.key);
const encryptedKey = file(
  "encrypted.key",
  generateKeyPairSync("ec", {
    namedCurve: "P-256",
    privateKeyEncoding: { type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "secret" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey,
);
const binary = file("binary", readFileSync(process.execPath).subarray(0, 4096));
const truncated = file("truncated.pem", proxy.cert + other.cert.slice(0, 200));

function refused(run: () => unknown, message: string) {
  assert.throws(run, (err: unknown) => err instanceof UsageError && err.message === message);
}

test("--cacert takes a certificate or a bundle of them, each of which must parse", () => {
  assert.equal(readPem("--cacert", cert, parseCertificates), proxy.cert);
  const bundle = file("bundle.pem", `# two CAs\n${proxy.cert}\n${other.cert}`);
  assert.equal(readPem("--cacert", bundle, parseCertificates), `# two CAs\n${proxy.cert}\n${other.cert}`);
  for (const notCertificates of [key, binary, "/dev/null"])
    refused(
      () => readPem("--cacert", notCertificates, parseCertificates),
      `--cacert ${notCertificates}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  refused(
    () => readPem("--cacert", truncated, parseCertificates),
    `--cacert ${truncated}: certificate 2 of 2 does not parse`,
  );
});

test("--client-cert and --client-key: a certificate, its unencrypted key, and nothing else", () => {
  const flags = (clientCert: string, clientKey: string) => ({
    clientCert,
    clientKey,
    origin: ["https://10.0.0.5:8443/"],
  });
  const target = new URL("https://app.example/");
  assert.deepEqual(linkOptionsFrom(flags(cert, key), target).clientCertificate, proxy);
  refused(
    () => linkOptionsFrom(flags(key, key), target),
    `--client-cert ${key}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
  );
  refused(
    () => linkOptionsFrom(flags(cert, binary), target),
    `--client-key ${binary}: holds no PEM private key (-----BEGIN PRIVATE KEY-----)`,
  );
  refused(
    () => linkOptionsFrom(flags(cert, encryptedKey), target),
    `--client-key ${encryptedKey}: the key is encrypted; give it decrypted (openssl pkey -in FILE)`,
  );
  const otherKey = file("other.key", other.key);
  refused(
    () => linkOptionsFrom(flags(cert, otherKey), target),
    `--client-key ${otherKey}: not the key of --client-cert ${cert}`,
  );
});
