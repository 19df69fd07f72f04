/**
 * The SocketSlots port: the live sockets each user holds, so that WS_MAX_SOCKETS_PER_USER holds on
 * one node (in-memory adapter) or across every node (Redis adapter).
 *
 * Guarantees:
 * - `claim` is atomic: of any number of concurrent claims for one user, on one node or many, only
 *   as many succeed as leave the user with at most `max` slots.
 * - A slot is held until `release` (idempotent), or, with a shared adapter, until its lease lapses:
 *   `keepAlive` (called by the WebSocket heartbeat) renews the leases of this node's slots, so the
 *   slots of a node that crashed free themselves within one lease.
 * - When the shared store cannot be reached, `claim` counts this node's slots only (the cap then
 *   holds per node, as without Redis); it never fails open or closed.
 */
export interface SocketSlots {
  claim(userId: string, socketId: string, max: number): Promise<boolean>;
  release(userId: string, socketId: string): Promise<void>;
  keepAlive(): Promise<void>;
  close(): Promise<void>;
}
