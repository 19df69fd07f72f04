import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SelfSigned {
  certPath: string;
  keyPath: string;
  /** The certificate itself, to trust as a CA in the client. */
  ca: Buffer;
}

/**
 * A fresh self-signed P-256 certificate for localhost and 127.0.0.1, valid one day, made by the
 * system's openssl (.ci/run installs it when missing) into `dir`.
 */
export function makeSelfSigned(dir: string, name = 'server'): SelfSigned {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { certPath, keyPath, ca: readFileSync(certPath) };
}
