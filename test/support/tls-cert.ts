/**
 * A throwaway certificate authority-less TLS identity for 127.0.0.1, made by
 * the openssl command line (Node cannot write X.509 certificates itself): a
 * self-signed P-256 certificate valid for a day, in a temporary directory.
 * Clients trust it by being given it (`ca`, or NODE_EXTRA_CA_CERTS for a
 * child process), as they would trust a real CA's.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TlsIdentity {
  readonly key: string;
  readonly cert: string;
  /** The certificate's file, for NODE_EXTRA_CA_CERTS. */
  readonly certFile: string;
  remove(): void;
}

export function selfSignedLoopbackCert(): TlsIdentity {
  const dir = mkdtempSync(join(tmpdir(), "tabnode-tls-"));
  const keyFile = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", keyFile, "-out", certFile, "-days", "1",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
  ], { stdio: "ignore" });
  return {
    key: readFileSync(keyFile, "utf8"),
    cert: readFileSync(certFile, "utf8"),
    certFile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
