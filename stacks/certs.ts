import { execFile } from "node:child_process";
import { copyFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { registerTempDir } from "./processes.js";

const run = promisify(execFile);
const OPENSSL = "/usr/bin/openssl";
// P-256 keys are generated in milliseconds, unlike RSA.
const NEW_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

export interface Certificates {
  caCertPath: string;
  certPath: string;
  keyPath: string;
}

interface TestCa {
  certPath: string;
  keyPath: string;
}

// One CA per Node process: every stack's certificate chains to it.
let testCa: Promise<TestCa> | undefined;

async function createTestCa(): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), "proxytrust-ca-"));
  registerTempDir(dir);
  const ca = { certPath: join(dir, "ca.pem"), keyPath: join(dir, "ca.key") };
  // prettier-ignore
  await run(OPENSSL, [
    "req", "-x509", ...NEW_KEY, "-days", "7",
    "-keyout", ca.keyPath, "-out", ca.certPath,
    "-subj", `/CN=proxytrust test CA ${process.pid}`,
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  return ca;
}

/**
 * Writes ca.pem, server.pem and server.key into `dir`; the server certificate names `hosts`. For
 * "client", a certificate to present to a server demanding one (client.pem, client.key).
 */
export async function issueCertificates(
  dir: string,
  hosts: readonly string[],
  usage: "server" | "client" = "server",
): Promise<Certificates> {
  testCa ??= createTestCa();
  const ca = await testCa;
  const certs = {
    caCertPath: join(dir, "ca.pem"),
    certPath: join(dir, `${usage}.pem`),
    keyPath: join(dir, `${usage}.key`),
  };
  await copyFile(ca.certPath, certs.caCertPath);
  // prettier-ignore
  await run(OPENSSL, [
    "req", "-x509", "-CA", ca.certPath, "-CAkey", ca.keyPath, ...NEW_KEY, "-days", "7",
    "-keyout", certs.keyPath, "-out", certs.certPath,
    "-subj", `/CN=${hosts[0]}`,
    "-addext", `subjectAltName=${hosts.map((host) => `DNS:${host}`).join(",")}`,
    "-addext", "basicConstraints=critical,CA:FALSE",
    "-addext", "keyUsage=critical,digitalSignature",
    "-addext", `extendedKeyUsage=${usage === "server" ? "serverAuth" : "clientAuth"}`,
  ]);
  return certs;
}
