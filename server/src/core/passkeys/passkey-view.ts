import type { PasskeyView } from '../../../../protocol/index.js';
import type { StoredPasskey } from '../../ports/passkey-store.js';

/** What the owner sees of a passkey: never its key or counter. */
export function toPasskeyView(p: StoredPasskey): PasskeyView {
  return { id: p.id, name: p.name, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt, backedUp: p.backedUp };
}
