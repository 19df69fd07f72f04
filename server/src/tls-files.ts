import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';

/**
 * The certificate and key for native HTTPS (TLS_CERT / TLS_KEY), read and checked once at startup so
 * that a wrong path, an unreadable file, a malformed PEM or a key of another certificate stops the
 * server with a message naming the variable, instead of failing at the first handshake.
 *
 * The key's bytes never reach a log: the object prints and serializes as its paths only (pino uses
 * toJSON; console and util.inspect use the custom inspector), and no error message quotes a file.
 */
export class TlsFiles {
  readonly #key: Buffer;
  readonly #cert: Buffer;

  private constructor(
    readonly certPath: string,
    readonly keyPath: string,
    cert: Buffer,
    key: Buffer,
  ) {
    this.#cert = cert;
    this.#key = key;
  }

  /** What node:https (and so Fastify's `https` option) takes. */
  serverOptions(): { cert: Buffer; key: Buffer } {
    return { cert: this.#cert, key: this.#key };
  }

  toJSON(): { certPath: string; keyPath: string } {
    return { certPath: this.certPath, keyPath: this.keyPath };
  }

  [inspect.custom](): string {
    return `TlsFiles { certPath: ${this.certPath}, keyPath: ${this.keyPath} }`;
  }

  /** Both or neither: one alone is a mistake, never "half TLS". Throws TlsConfigProblem. */
  static load(certPath: string | undefined, keyPath: string | undefined): TlsFiles | undefined {
    if (certPath === undefined && keyPath === undefined) return undefined;
    if (certPath === undefined) throw new TlsConfigProblem('TLS_CERT: set it too (TLS_KEY is set), or unset both');
    if (keyPath === undefined) throw new TlsConfigProblem('TLS_KEY: set it too (TLS_CERT is set), or unset both');
    const certPem = readPem('TLS_CERT', certPath);
    const keyPem = readPem('TLS_KEY', keyPath);
    let cert: X509Certificate;
    try {
      // The first certificate of the file is the server's; any that follow are its chain.
      cert = new X509Certificate(certPem);
    } catch {
      throw new TlsConfigProblem(`TLS_CERT: ${certPath} holds no PEM certificate`);
    }
    let key;
    try {
      key = createPrivateKey(keyPem);
    } catch {
      throw new TlsConfigProblem(
        `TLS_KEY: ${keyPath} holds no unencrypted PEM private key (passphrase-protected keys are not supported)`,
      );
    }
    if (!cert.checkPrivateKey(key)) {
      throw new TlsConfigProblem(`TLS_KEY: ${keyPath} is not the private key of the certificate in ${certPath}`);
    }
    if (Date.parse(cert.validTo) <= Date.now()) {
      throw new TlsConfigProblem(`TLS_CERT: the certificate in ${certPath} expired on ${cert.validTo}`);
    }
    return new TlsFiles(certPath, keyPath, certPem, keyPem);
  }
}

/** Turned into a ConfigError by config.ts (this file does not import it, to avoid a cycle). */
export class TlsConfigProblem extends Error {}

function readPem(name: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new TlsConfigProblem(`${name}: cannot read ${path} (${code})`);
  }
}
