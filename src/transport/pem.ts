/**
 * Certificates and keys the user hands the scan, checked when read: node's TLS would take a file
 * with no certificate in it silently, and a key it cannot read as an error from deep inside a probe.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";

/** What is wrong with a PEM file, in words for a one-line message. */
export class PemError extends Error {}

/** Each certificate block, to its END line or, cut short, to the end of the file. */
const CERTIFICATE_BLOCK =
  /-----BEGIN (?:TRUSTED )?CERTIFICATE-----[^]*?(?:-----END (?:TRUSTED )?CERTIFICATE-----|$)/g;

/** The certificates of a PEM file: one, or a bundle; at least one, and every one must parse. */
export function parseCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(CERTIFICATE_BLOCK) ?? [];
  if (!blocks.length) throw new PemError("holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw new PemError(`certificate ${i + 1} of ${blocks.length} does not parse`);
    }
  });
}

/** PKCS#8's and OpenSSL's traditional marks of an encrypted key. */
const ENCRYPTED_KEY = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/;

/** The private key of a PEM file; the scan has no way to ask for an encrypted key's passphrase. */
export function parsePrivateKey(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new PemError(
      ENCRYPTED_KEY.test(pem)
        ? "the key is encrypted; give it decrypted (openssl pkey -in FILE)"
        : "holds no PEM private key (-----BEGIN PRIVATE KEY-----)",
    );
  }
}

/** Whether the key is the one of the PEM's first certificate (a chain starts with its own). */
export function keyMatches(certificatePem: string, keyPem: string): boolean {
  return parseCertificates(certificatePem)[0]!.checkPrivateKey(parsePrivateKey(keyPem));
}
