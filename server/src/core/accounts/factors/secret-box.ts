import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const INFO = 'parley totp secret v1';

/**
 * Seals TOTP secrets at rest with AES-256-GCM. The key is derived with HKDF-SHA-256 from
 * TOTP_ENCRYPTION_KEY (never used as a key directly); each secret gets a fresh 96-bit IV and is
 * bound to its user id (additional data), so a row copied onto another account does not open.
 * Sealed form: `v1.<iv>.<ciphertext>.<tag>`, base64url.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(material: string) {
    this.key = Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), INFO, 32));
  }

  seal(plain: string, userId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(userId));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, body, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : b64(part)))
      .join('.');
  }

  /** The plain secret; throws if the box was sealed with another key, for another user, or altered. */
  open(sealed: string, userId: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== VERSION || iv === undefined || body === undefined || tag === undefined) {
      throw new Error('not a sealed TOTP secret');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(userId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

const b64 = (buffer: Buffer) => buffer.toString('base64url');
