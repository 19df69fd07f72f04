/**
 * One part of the account page (who I am, the password, later passkeys and TOTP). The page opens
 * each section with who I am, and tells each when it closes, so a section keeps no secret typed in it.
 */
import type { User } from '../../../../protocol/frames.js';

export interface AccountSection {
  open(me: User): void;
  close(): void;
}
