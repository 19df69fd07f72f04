import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../src/adapters/bus-memory.js';
import { openSqliteStore } from '../../src/adapters/store-sqlite/store-sqlite.js';
import { Authorizer, EVERY_DOMAIN, GLOBAL_DOMAIN, roomDomain } from '../../src/core/authz/authorizer.js';
import type { Store } from '../../src/ports/store.js';
import { tempDir } from '../helpers/server.js';
import { recordingLogger } from '../helpers/recording-logger.js';

/**
 * The default policies as one table: who may do what in room `general` (room actions) and outside
 * rooms (global actions). `Y` allowed, `.` refused. The non-member owns another room: room roles
 * must not leak across rooms.
 */
const MATRIX = `
                read join write leave manage invite remove delete_any mute kick ban set_slow_mode | create_room admin suspend
admin            Y    Y    .     .      .      .      .        Y        Y    Y   Y        Y       |      Y        Y      Y
global-moderator Y    Y    .     .      .      .      .        Y        Y    Y   Y        Y       |      Y        .      .
user             Y    Y    .     .      .      .      .        .        .    .   .        .       |      Y        .      .
room-owner       Y    Y    Y     Y      Y      Y      Y        Y        Y    Y   Y        Y       |      Y        .      .
room-moderator   Y    Y    Y     Y      .      .      .        Y        Y    Y   Y        Y       |      Y        .      .
room-member      Y    Y    Y     Y      .      .      .        .        .    .   .        .       |      Y        .      .
non-member       Y    Y    .     .      .      .      .        .        .    .   .        .       |      Y        .      .
`;

/** Each row's grants: [role, domain]. */
const GRANTS: Record<string, [string, string][]> = {
  admin: [['admin', EVERY_DOMAIN]],
  'global-moderator': [['moderator', EVERY_DOMAIN]],
  user: [],
  'room-owner': [
    ['owner', roomDomain('general')],
    ['member', roomDomain('general')],
  ],
  'room-moderator': [
    ['moderator', roomDomain('general')],
    ['member', roomDomain('general')],
  ],
  'room-member': [['member', roomDomain('general')]],
  'non-member': [
    ['owner', roomDomain('other')],
    ['member', roomDomain('other')],
  ],
};

function parseMatrix(text: string) {
  const [header = '', ...rows] = text.trim().split('\n');
  const [roomActions = [], globalActions = []] = header.split('|').map((part) => part.trim().split(/\s+/));
  return rows.map((row) => {
    const [name = '', ...marks] = row
      .trim()
      .split(/\s+/)
      .filter((cell) => cell !== '|');
    const actions = [
      ...roomActions.map((action) => ({ domain: roomDomain('general'), action })),
      ...globalActions.map((action) => ({ domain: GLOBAL_DOMAIN, action })),
    ];
    if (marks.length !== actions.length)
      throw new Error(`row ${name}: ${marks.length} marks for ${actions.length} actions`);
    return { name, cells: actions.map((cell, i) => ({ ...cell, allowed: marks[i] === 'Y' })) };
  });
}

describe('enforcement matrix over the default policies', () => {
  let store: Store;
  let authorizer: Authorizer;
  const dir = tempDir('parley-authz-');

  beforeAll(async () => {
    store = await openSqliteStore(join(dir.path, 'authz.db'));
    authorizer = await Authorizer.open({ store, bus: new MemoryBus(), nodeId: 'n1', logger: recordingLogger() });
    for (const [name, grants] of Object.entries(GRANTS)) {
      for (const [role, domain] of grants) await authorizer.grantRole(name, role, domain);
    }
  });
  afterAll(async () => {
    authorizer.close();
    await store.close();
    dir.remove();
  });

  const rows = parseMatrix(MATRIX);

  it('the table covers every role that has grants', () => {
    expect(rows.map((row) => row.name).sort()).toEqual(Object.keys(GRANTS).sort());
  });

  for (const { name, cells } of rows) {
    it(`${name}`, () => {
      const answers = cells.map(({ domain, action }) => `${action}@${domain}: ${authorizer.can(name, domain, action)}`);
      expect(answers).toEqual(cells.map(({ domain, action, allowed }) => `${action}@${domain}: ${allowed}`));
    });
  }

  it('an action no policy names is refused, even to an admin', () => {
    expect(authorizer.can('admin', roomDomain('general'), 'launch_rockets')).toBe(false);
    expect(authorizer.can('admin', GLOBAL_DOMAIN, 'delete_any')).toBe(false);
  });

  it('a grant whose domain looks like a pattern holds only in that literal domain', async () => {
    await authorizer.grantRole('sly', 'owner', 'room:*');
    await authorizer.grantRole('sly', 'member', 'room:gen*');
    expect(authorizer.can('sly', roomDomain('general'), 'manage')).toBe(false);
    expect(authorizer.can('sly', roomDomain('general'), 'write')).toBe(false);
    // The control: the same grants in the room's own domain do hold.
    await authorizer.grantRole('sly', 'owner', roomDomain('general'));
    expect(authorizer.can('sly', roomDomain('general'), 'manage')).toBe(true);
  });

  it('a revoked role stops at once on this node', async () => {
    await authorizer.grantRole('brief', 'moderator', roomDomain('general'));
    expect(authorizer.can('brief', roomDomain('general'), 'kick')).toBe(true);
    expect(authorizer.rolesOf('brief')).toEqual([{ role: 'moderator', domain: roomDomain('general') }]);
    await authorizer.revokeRole('brief', 'moderator', roomDomain('general'));
    expect(authorizer.can('brief', roomDomain('general'), 'kick')).toBe(false);
    expect(authorizer.rolesOf('brief')).toEqual([]);
  });
});
