import type { Generated } from 'kysely';

/** Table shapes as Kysely sees them. Times are ISO 8601 strings (UTC). */
export interface Database {
  files: {
    id: string;
    room: string;
    uploader_id: string;
    message_id: string | null;
    name: string;
    type: string;
    /** bigint: a string from PostgreSQL, a number from SQLite. */
    size: number | string;
    width: number | null;
    height: number | null;
    blob_key: string;
    thumb_key: string | null;
    created_at: string;
  };
  webauthn_credentials: {
    id: string;
    user_id: string;
    public_key: string;
    /** bigint: a string from PostgreSQL, a number from SQLite. */
    counter: number | string;
    transports: string;
    device_type: string;
    backed_up: number;
    name: string;
    created_at: string;
    last_used_at: string | null;
  };
  webauthn_challenges: {
    id: string;
    challenge: string;
    purpose: string;
    bound_to: string;
    user_id: string | null;
    created_at: string;
    expires_at: string;
  };
  sso_identities: {
    id: string;
    user_id: string;
    provider: string;
    issuer: string;
    subject: string;
    label: string;
    linked_at: string;
  };
  sso_flows: {
    state_hash: string;
    provider: string;
    pkce_verifier: string;
    nonce: string;
    binding_hash: string;
    purpose: string;
    user_id: string | null;
    created_at: string;
    expires_at: string;
    used_at: string | null;
  };
  sso_codes: {
    code_hash: string;
    kind: string;
    binding_hash: string;
    user_id: string | null;
    pending: string | null;
    created_at: string;
    expires_at: string;
    used_at: string | null;
  };
  users: {
    id: string;
    username: string;
    username_key: string;
    password_hash: string;
    created_at: string;
    /** All three null unless the account is suspended. */
    suspended_at: Generated<string | null>;
    suspended_reason: Generated<string | null>;
    suspended_by: Generated<string | null>;
  };
  sessions: {
    id: string;
    user_id: string;
    fingerprint_hash: string;
    created_at: string;
    last_seen_at: string;
    ip: string;
    user_agent: string;
    revoked_at: string | null;
    family_id: string;
    expires_at: string;
    revoked_reason: string | null;
    /** The last proof of identity (login or step-up), ISO 8601; null: none recorded. */
    proof_at: Generated<string | null>;
  };
  refresh_tokens: {
    token_hash: string;
    session_id: string;
    family_id: string;
    created_at: string;
    expires_at: string;
    spent_at: string | null;
  };
  security_events: {
    id: Generated<number>;
    user_id: string;
    session_id: string | null;
    kind: string;
    at: string;
    ip: string;
    user_agent: string;
    /** JSON object of facts about the event (strong-auth migration); null: none. */
    detail: Generated<string | null>;
  };
  user_totp: {
    user_id: string;
    secret_enc: string;
    created_at: string;
    enabled_at: string | null;
    last_step: number | null;
  };
  recovery_codes: {
    user_id: string;
    code_hash: string;
    created_at: string;
    used_at: string | null;
  };
  second_step_tickets: {
    ticket_hash: string;
    user_id: string;
    /** SHA-256 of the device cookie the login set. */
    fingerprint_hash: string;
    created_at: string;
    expires_at: string;
    used_at: string | null;
  };
  rooms: {
    name: string;
    last_seq: Generated<number>;
    created_at: string;
    kind: Generated<string>;
    visibility: Generated<string>;
    topic: Generated<string>;
    created_by: string | null;
    member_count: Generated<number>;
    /** 0 or 1. */
    read_only: Generated<number>;
    slow_mode_seconds: Generated<number>;
  };
  messages: {
    id: string;
    room: string;
    seq: number;
    user_id: string;
    client_msg_id: string;
    text: string;
    created_at: string;
    edited_at: string | null;
    deleted_at: string | null;
    reply_to: string | null;
    mention_ids: Generated<string>;
  };
  memberships: {
    room: string;
    user_id: string;
    role: string;
    joined_at: string;
    last_read_seq: Generated<number>;
    muted_until: string | null;
    mute_reason: string | null;
  };
  room_bans: {
    room: string;
    user_id: string;
    reason: Generated<string>;
    banned_by: string;
    banned_at: string;
  };
  room_events: {
    room: string;
    seq: number;
    kind: string;
    actor_id: string;
    message_id: string | null;
    target_id: string | null;
    data: string;
    created_at: string;
  };
  reactions: {
    message_id: string;
    user_id: string;
    emoji: string;
    created_at: string;
  };
  mentions: {
    user_id: string;
    room: string;
    seq: number;
    message_id: string;
  };
  authz_rules: {
    ptype: string;
    v0: Generated<string>;
    v1: Generated<string>;
    v2: Generated<string>;
    v3: Generated<string>;
    v4: Generated<string>;
    v5: Generated<string>;
  };
  /** Append-only and hash-chained (ADR 0019); nothing in the Store updates or deletes a row. */
  audit_log: {
    position: number;
    at: string;
    actor: string;
    action: string;
    target_kind: string;
    target_id: string;
    reason: string;
    details: string;
    previous_hash: string;
    hash: string;
  };
  /** One row (id 1): the newest entry's position and hash. */
  audit_head: {
    id: number;
    position: number;
    hash: string;
  };
}
