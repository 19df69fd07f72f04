import { newEnforcer, newModelFromString, type Enforcer } from 'casbin';
import type { AuthzRuleStore } from '../../ports/authz-rule-store.js';
import type { Bus } from '../../ports/bus.js';
import type { Logger } from '../../ports/logger.js';
import { BusWatcher } from './bus-watcher.js';
import { DEFAULT_RULES } from './default-policies.js';
import { readModelText } from './model-file.js';
import { RuleStoreAdapter } from './rule-adapter.js';

/** The domain of everything outside rooms (admin, suspend, create a room). */
export const GLOBAL_DOMAIN = 'global';
/** A role granted in this domain holds in every domain. */
export const EVERY_DOMAIN = '*';
export const roomDomain = (room: string): string => `room:${room}`;
const subject = (userId: string): string => `user:${userId}`;

/**
 * A grant holds in the domain it names, or everywhere if it names `*`. Exact, never a pattern: a
 * room named like a pattern cannot carry a grant into other rooms.
 */
const grantHolds = (requested: string, granted: string): boolean => granted === EVERY_DOMAIN || granted === requested;

export interface AuthorizerDeps {
  store: AuthzRuleStore;
  bus: Bus;
  nodeId: string;
  logger: Logger;
  /** Reload from the store this often (ms) whatever the bus says: catches a lost `authz-changed`. Default 30 s. */
  reloadEveryMs?: number;
}

/**
 * The Casbin enforcer of one node (ADR 0018). `can` answers from memory, synchronously. Every
 * change goes to the store first, then this node reloads and tells the others over the bus; they
 * reload within the bus's delay, or at the latest on their timer.
 *
 * A reload builds a new enforcer and swaps it in whole: Casbin's own `loadPolicy` empties the model
 * before it reads the store, and a `can` meanwhile would refuse everything.
 */
export class Authorizer {
  private enforcer!: Enforcer;
  private reloading: Promise<void> | undefined;
  private stale = false;
  private readonly timer: NodeJS.Timeout;
  private readonly watcher: BusWatcher;
  private readonly adapter: RuleStoreAdapter;
  private readonly modelText = readModelText();
  /** Answers of `cachedCan`, for the enforcer loaded now (emptied when another is swapped in). */
  private readonly remembered = new Map<string, boolean>();

  private constructor(private readonly deps: AuthorizerDeps) {
    this.adapter = new RuleStoreAdapter(deps.store);
    this.watcher = new BusWatcher(deps.bus, deps.nodeId, deps.logger);
    this.watcher.setUpdateCallback(() => this.reloadInBackground('bus'));
    this.timer = setInterval(() => this.reloadInBackground('timer'), deps.reloadEveryMs ?? 30_000);
    this.timer.unref();
  }

  /** Seeds the default policies into a database that has none, loads the rules, and starts listening. */
  static async open(deps: AuthorizerDeps): Promise<Authorizer> {
    const existing = await deps.store.listAuthzRules();
    // "Has none": not a single `p` rule, with which nobody could do anything — a new database.
    // Two nodes starting together may both seed; the store ignores the duplicates.
    if (!existing.some((rule) => rule.ptype === 'p')) await deps.store.addAuthzRules(DEFAULT_RULES);
    const authorizer = new Authorizer(deps);
    try {
      await authorizer.reload();
    } catch (error) {
      authorizer.close();
      throw error;
    }
    return authorizer;
  }

  /** May this user do `action` in `domain` (`roomDomain(name)` or GLOBAL_DOMAIN), by the roles granted to them? */
  can(userId: string, domain: string, action: string): boolean {
    return this.enforcer.enforceSync(subject(userId), domain, action);
  }

  /**
   * `can`, or may one of these roles do it here? A room's roles live in its memberships, not in
   * grants (ADR 0018: mirroring every membership as a grant makes each check walk them all); the
   * room gate passes the member's role, and the policies still decide what that role may do.
   */
  allows(userId: string, heldRoles: readonly string[], domain: string, action: string): boolean {
    const enforcer = this.enforcer;
    return (
      heldRoles.some((role) => enforcer.enforceSync(role, domain, action)) ||
      enforcer.enforceSync(subject(userId), domain, action)
    );
  }

  /**
   * `enforce` for a subject — `user:<id>` for what a user's grants allow, or a bare role — remembered
   * until the next reload. For checks on a hot path (every message asks who is exempt from slow mode).
   */
  cachedCan(subjectOrRole: { userId: string } | { role: string }, domain: string, action: string): boolean {
    const sub = 'userId' in subjectOrRole ? subject(subjectOrRole.userId) : subjectOrRole.role;
    const key = `${sub}\u0000${domain}\u0000${action}`;
    const known = this.remembered.get(key);
    if (known !== undefined) return known;
    const answer = this.enforcer.enforceSync(sub, domain, action);
    // Bounded: past this many (users × rooms), start again rather than grow.
    if (this.remembered.size >= 50_000) this.remembered.clear();
    this.remembered.set(key, answer);
    return answer;
  }

  /** Grants a role in a domain (`EVERY_DOMAIN` for a global role). */
  async grantRole(userId: string, role: string, domain: string): Promise<void> {
    await this.change(() => this.deps.store.addAuthzRules([{ ptype: 'g', values: [subject(userId), role, domain] }]));
  }

  async revokeRole(userId: string, role: string, domain: string): Promise<void> {
    await this.change(() =>
      this.deps.store.removeAuthzRules([{ ptype: 'g', values: [subject(userId), role, domain] }]),
    );
  }

  /** The roles granted to this user directly, each with its domain. */
  rolesOf(userId: string): { role: string; domain: string }[] {
    return (
      this.enforcer
        .getModel()
        .model.get('g')
        ?.get('g')
        ?.policy.filter(([sub]) => sub === subject(userId))
        .map(([, role = '', domain = '']) => ({ role, domain })) ?? []
    );
  }

  /** Lets `role` do `action` in the domains `domainPattern` matches (`room:*`, `global`, `*`). */
  async addPolicy(role: string, domainPattern: string, action: string): Promise<void> {
    await this.change(() => this.deps.store.addAuthzRules([{ ptype: 'p', values: [role, domainPattern, action] }]));
  }

  async removePolicy(role: string, domainPattern: string, action: string): Promise<void> {
    await this.change(() => this.deps.store.removeAuthzRules([{ ptype: 'p', values: [role, domainPattern, action] }]));
  }

  /**
   * Loads the rules from the store and swaps them in. Calls that overlap share the work, but each
   * resolves only after a load that began after it was called, so it sees every change before it.
   */
  reload(): Promise<void> {
    if (this.reloading) {
      this.stale = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.stale = false;
          this.enforcer = await this.build();
          this.remembered.clear();
        } while (this.stale);
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  close(): void {
    clearInterval(this.timer);
    this.watcher.close();
  }

  private async change(write: () => Promise<void>): Promise<void> {
    await write();
    await this.reload();
    await this.watcher.update();
  }

  private reloadInBackground(why: 'bus' | 'timer'): void {
    this.reload().catch((error: unknown) => {
      this.deps.logger.warn({ err: error, why }, 'authorization rules not reloaded; keeping the ones loaded');
    });
  }

  private async build(): Promise<Enforcer> {
    // No trailing boolean: newEnforcer takes one as "enable Casbin's console log", not "lazy load".
    const enforcer = await newEnforcer(newModelFromString(this.modelText), this.adapter);
    await enforcer.addNamedDomainMatchingFunc('g', grantHolds);
    await enforcer.buildRoleLinks();
    return enforcer;
  }
}
