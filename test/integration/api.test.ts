// The tRPC API through createCaller on a fresh database: access control, owner set-up, users, the lifecycle matrix.
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appRouter, PUBLIC_PROCEDURES } from '../../server/api/router.ts';
import type { SessionUser } from '../../server/api/trpc.ts';
import { session, user } from '../../server/db/schema.ts';
import type { Workspace } from '../../server/workspace.ts';
import { callerFor, freshWorkspace, makeUser, TEST_PASSWORD, type FreshWorkspace } from './helpers.ts';

let fresh: FreshWorkspace;
let ws: Workspace;
beforeEach(() => {
  fresh = freshWorkspace();
  ws = fresh.ws;
});
afterEach(() => fresh.cleanup());

/** The error a call rejected with; fails the test when it resolved. */
async function rejection(call: () => Promise<unknown>): Promise<TRPCError> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCError);
    return error as TRPCError;
  }
  throw new Error('expected the call to be refused, but it succeeded');
}

type Callable = (input?: unknown) => Promise<unknown>;

/** The caller's procedure at a dotted path such as 'users.list'. */
function procedureAt(caller: unknown, name: string): Callable {
  const found = name.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], caller);
  if (typeof found !== 'function') throw new Error(`no procedure ${name} on the caller`);
  return found as Callable;
}

function roleInDb(userId: string) {
  return ws.db.select().from(user).where(eq(user.id, userId)).get()?.role;
}

function sessionsOf(userId: string): number {
  return ws.db.select().from(session).where(eq(session.userId, userId)).all().length;
}

const owner = { name: 'Ana Owner', email: 'ana@example.com', password: TEST_PASSWORD };

describe('access control', () => {
  const protectedProcedures = Object.keys(appRouter._def.procedures).filter(
    (name) => !(PUBLIC_PROCEDURES as readonly string[]).includes(name),
  );

  it('finds the procedures to check', () => {
    expect(protectedProcedures.length).toBeGreaterThanOrEqual(5);
    expect(protectedProcedures).toContain('users.list');
    expect(protectedProcedures).toContain('lifecycle.matrix');
  });

  it('refuses every non-public procedure to an anonymous caller, even with invalid input', async () => {
    const anonymous = callerFor(ws, null);
    const codes: Record<string, string> = {};
    for (const name of protectedProcedures) {
      const error = await rejection(() => procedureAt(anonymous, name)({}));
      codes[name] = error.code;
    }
    expect(codes).toEqual(Object.fromEntries(protectedProcedures.map((name) => [name, 'UNAUTHORIZED'])));
  });

  it('refuses a marketer every admin-only procedure and changes nothing', async () => {
    const admin = await makeUser(ws, 'admin');
    const marketer = await makeUser(ws, 'marketer');
    const other = await makeUser(ws, 'manager');
    const caller = callerFor(ws, marketer);
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ['users.list', () => caller.users.list()],
      ['users.create', () => caller.users.create({ name: 'Eve', email: 'eve@example.com', password: TEST_PASSWORD, role: 'admin' })],
      ['users.setRole', () => caller.users.setRole({ userId: marketer.id, role: 'admin' })],
      ['users.remove', () => caller.users.remove({ userId: other.id })],
      ['users.setPassword', () => caller.users.setPassword({ userId: admin.id, password: 'taken over 123' })],
    ];
    for (const [name, attempt] of attempts) {
      expect({ name, code: (await rejection(attempt)).code }).toEqual({ name, code: 'FORBIDDEN' });
    }
    expect(roleInDb(marketer.id)).toBe('marketer');
    expect(roleInDb(other.id)).toBe('manager');
    expect(ws.db.select().from(user).where(eq(user.email, 'eve@example.com')).get()).toBeUndefined();
    await expect(
      ws.auth.api.signInEmail({ body: { email: admin.email, password: TEST_PASSWORD } }),
    ).resolves.toBeTruthy();
  });

  it('lets an admin list users', async () => {
    const admin = await makeUser(ws, 'admin');
    const users = await callerFor(ws, admin).users.list();
    expect(users.map((u) => u.email)).toEqual([admin.email]);
  });
});

describe('owner set-up', () => {
  it('says an owner is needed on a fresh workspace', async () => {
    expect(await callerFor(ws, null).setup.status()).toEqual({ needsOwner: true });
  });

  it('creates the owner as an admin, after which no owner is needed', async () => {
    const anonymous = callerFor(ws, null);
    const created = await anonymous.setup.createOwner(owner);
    expect(created.email).toBe(owner.email);
    expect(roleInDb(created.id)).toBe('admin');
    expect(await anonymous.setup.status()).toEqual({ needsOwner: false });
    await expect(
      ws.auth.api.signInEmail({ body: { email: owner.email, password: owner.password } }),
    ).resolves.toBeTruthy();
  });

  it('refuses a second owner with CONFLICT', async () => {
    const anonymous = callerFor(ws, null);
    await anonymous.setup.createOwner(owner);
    const error = await rejection(() =>
      anonymous.setup.createOwner({ name: 'Mallory', email: 'mallory@example.com', password: TEST_PASSWORD }),
    );
    expect(error.code).toBe('CONFLICT');
    expect(ws.db.select().from(user).all().map((u) => u.email)).toEqual([owner.email]);
  });

  it('lets exactly one of two simultaneous owner creations succeed', async () => {
    const anonymous = callerFor(ws, null);
    const results = await Promise.allSettled([
      anonymous.setup.createOwner(owner),
      anonymous.setup.createOwner({ name: 'Bea', email: 'bea@example.com', password: TEST_PASSWORD }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' });
    expect(ws.db.select().from(user).all()).toHaveLength(1);
  });
});

describe('users', () => {
  let admin: SessionUser;
  beforeEach(async () => {
    admin = await makeUser(ws, 'admin');
  });

  it('creates a user who then appears in the list with their role', async () => {
    const caller = callerFor(ws, admin);
    const { id } = await caller.users.create({
      name: 'Mo Manager',
      email: ' Mo@Example.com ',
      password: TEST_PASSWORD,
      role: 'manager',
    });
    const listed = await caller.users.list();
    expect(listed.find((u) => u.id === id)).toMatchObject({ email: 'mo@example.com', name: 'Mo Manager', role: 'manager' });
  });

  it('refuses a taken email with CONFLICT', async () => {
    const caller = callerFor(ws, admin);
    const input = { name: 'Mo', email: 'mo@example.com', password: TEST_PASSWORD, role: 'marketer' as const };
    await caller.users.create(input);
    const error = await rejection(() => caller.users.create({ ...input, email: 'MO@example.com' }));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('mo@example.com');
  });

  // Double-clicking Create in Settings sends the same user twice; the second must be told, not crash.
  it('refuses the second of two simultaneous creations of one email with CONFLICT', async () => {
    const caller = callerFor(ws, admin);
    const input = { name: 'Mo', email: 'mo@example.com', password: TEST_PASSWORD, role: 'marketer' as const };
    const results = await Promise.allSettled([caller.users.create(input), caller.users.create(input)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses an invalid email with BAD_REQUEST', async () => {
    const error = await rejection(() =>
      callerFor(ws, admin).users.create({ name: 'Mo', email: 'not-an-email', password: TEST_PASSWORD, role: 'marketer' }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(ws.db.select().from(user).all()).toHaveLength(1);
  });

  it('refuses to demote the last admin', async () => {
    const error = await rejection(() => callerFor(ws, admin).users.setRole({ userId: admin.id, role: 'marketer' }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(roleInDb(admin.id)).toBe('admin');
  });

  it('demotes an admin when another admin remains', async () => {
    const second = await makeUser(ws, 'admin');
    await callerFor(ws, admin).users.setRole({ userId: second.id, role: 'marketer' });
    expect(roleInDb(second.id)).toBe('marketer');
  });

  it('refuses to remove your own account, even when another admin remains', async () => {
    await makeUser(ws, 'admin');
    const error = await rejection(() => callerFor(ws, admin).users.remove({ userId: admin.id }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/your own account/);
    expect(roleInDb(admin.id)).toBe('admin');
  });

  it('removes another user, who can no longer sign in', async () => {
    const marketer = await makeUser(ws, 'marketer');
    await callerFor(ws, admin).users.remove({ userId: marketer.id });
    expect(roleInDb(marketer.id)).toBeUndefined();
    await expect(
      ws.auth.api.signInEmail({ body: { email: marketer.email, password: TEST_PASSWORD } }),
    ).rejects.toThrow();
  });

  it('sets a new password that replaces the old one and signs the user out everywhere', async () => {
    const marketer = await makeUser(ws, 'marketer');
    await ws.auth.api.signInEmail({ body: { email: marketer.email, password: TEST_PASSWORD } });
    expect(sessionsOf(marketer.id)).toBe(1);

    await callerFor(ws, admin).users.setPassword({ userId: marketer.id, password: 'a brand new secret' });

    expect(sessionsOf(marketer.id)).toBe(0);
    await expect(
      ws.auth.api.signInEmail({ body: { email: marketer.email, password: TEST_PASSWORD } }),
    ).rejects.toThrow();
    await expect(
      ws.auth.api.signInEmail({ body: { email: marketer.email, password: 'a brand new secret' } }),
    ).resolves.toBeTruthy();
  });
});

describe('lifecycle matrix', () => {
  it('shows a signed-in marketer the five moments and three personas', async () => {
    const marketer = await makeUser(ws, 'marketer');
    const matrix = await callerFor(ws, marketer).lifecycle.matrix();
    expect(matrix.moments.map((m) => m.key)).toEqual([
      'opt_in',
      'first_communication',
      'first_purchase',
      'reactivation',
      'advocacy',
    ]);
    expect(matrix.personas.map((p) => p.key)).toEqual(['bargain_hunter', 'researcher', 'loyalist']);
    expect(matrix.journeys).toEqual([]);
  });
});
