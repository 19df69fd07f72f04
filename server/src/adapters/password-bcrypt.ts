import bcrypt from 'bcrypt';
import type { PasswordHasher } from '../ports/password-hasher.js';

/** bcrypt at a configured cost. Callers must refuse passwords bcrypt cannot read whole. */
export class BcryptHasher implements PasswordHasher {
  constructor(private readonly cost: number) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.cost);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash);
  }
}
