// The journeys API as the editor and scripts use it, on a fresh SQLite file.
import { TRPCError } from '@trpc/server';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { journeyVersions } from '../../server/db/schema.ts';
import type { JourneyGraph } from '../../shared/journey/graph.ts';
import { callerFor, freshWorkspace, kairos, makeUser, tempDir, testConfig, type FreshWorkspace } from './helpers.ts';
import { openWorkspace } from '../../server/workspace.ts';
import { eq } from 'drizzle-orm';

let fresh: FreshWorkspace;
beforeEach(() => {
  fresh = freshWorkspace();
});
afterEach(() => fresh.cleanup());

async function marketer() {
  const clock = fixedClock('2026-11-23T10:00:00Z');
  return { api: callerFor(fresh.ws, await makeUser(fresh.ws, 'marketer'), clock), clock };
}

async function refusal(call: Promise<unknown>): Promise<TRPCError> {
  const error = await call.then(
    () => {
      throw new Error('expected the call to be refused');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

/** A small valid journey: trigger → wait 1 day → set phase engaged → exit. */
function validGraph(): JourneyGraph {
  return {
    nodes: [
      { id: 't', kind: 'trigger', config: { on: 'subscription_confirmed' } },
      { id: 'w', kind: 'wait', config: { mode: 'duration', duration: { amount: 1, unit: 'days' } } },
      { id: 'p', kind: 'set_phase', config: { phase: 'engaged' } },
      { id: 'x', kind: 'exit', config: {} },
    ],
    edges: [
      { from: 't', output: 'next', to: 'w' },
      { from: 'w', output: 'next', to: 'p' },
      { from: 'p', output: 'next', to: 'x' },
    ],
    settings: { reentry: 'once', goal: null, exitEvents: [] },
  };
}

describe('journeys', () => {
  it("creates a draft from the moment's starter graph, scoped to its persona", async () => {
    const { api } = await marketer();
    const { id } = await api.journeys.create({ moment: 'opt_in', personaKey: 'researcher', name: 'Opt-in · Researcher' });
    const journey = await api.journeys.get({ id });
    expect(journey).toMatchObject({ name: 'Opt-in · Researcher', moment: 'opt_in', personaKey: 'researcher', status: 'draft', revision: 1, currentVersion: null });
    expect(journey.graph.nodes.map((n) => n.kind)).toEqual(['trigger', 'set_phase', 'email', 'wait', 'condition', 'set_phase', 'email', 'exit']);
    expect(Object.keys(journey.layout).sort()).toEqual(journey.graph.nodes.map((n) => n.id).sort());
    // It shows up in its cell of the matrix.
    const matrix = await api.lifecycle.matrix();
    expect(matrix.journeys).toEqual([expect.objectContaining({ id, moment: 'opt_in', personaKey: 'researcher', status: 'draft' })]);
  });

  it('refuses a persona that does not exist', async () => {
    const { api } = await marketer();
    const error = await refusal(api.journeys.create({ moment: 'opt_in', personaKey: 'ghost', name: 'X' }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('ghost');
  });

  it('lists with filters by moment, persona and status', async () => {
    const { api } = await marketer();
    const a = await api.journeys.create({ moment: 'opt_in', personaKey: null, name: 'A' });
    const b = await api.journeys.create({ moment: 'advocacy', personaKey: 'loyalist', name: 'B' });
    await api.journeys.saveDraft({ id: b.id, revision: 1, graph: validGraph(), layout: {} });
    await api.journeys.publish({ id: b.id });
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
    expect(ids(await api.journeys.list({ moment: 'opt_in' }))).toEqual([a.id]);
    expect(ids(await api.journeys.list({ personaKey: null }))).toEqual([a.id]);
    expect(ids(await api.journeys.list({ personaKey: 'loyalist' }))).toEqual([b.id]);
    expect(ids(await api.journeys.list({ status: 'live' }))).toEqual([b.id]);
    expect(ids(await api.journeys.list())).toEqual([a.id, b.id].sort());
  });

  it('refuses a stale save and keeps the newer work', async () => {
    const { api } = await marketer();
    const { id } = await api.journeys.create({ moment: 'opt_in', personaKey: null, name: 'Opt-in' });
    const newer = validGraph();
    // Two editors opened revision 1; the first saves.
    expect(await api.journeys.saveDraft({ id, revision: 1, graph: newer, layout: { t: { x: 1, y: 2 } } })).toEqual({ revision: 2 });
    // The second, still on revision 1, is refused with a message that says what to do.
    const error = await refusal(api.journeys.saveDraft({ id, revision: 1, graph: { ...newer, nodes: [] }, layout: {} }));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/changed elsewhere.*not saved.*reload/i);
    const stored = await api.journeys.get({ id });
    expect(stored.revision).toBe(2);
    expect(stored.graph).toEqual(newer);
    expect(stored.layout).toEqual({ t: { x: 1, y: 2 } });
  });

  it('refuses a malformed graph at the door, naming the field', async () => {
    const { api } = await marketer();
    const { id } = await api.journeys.create({ moment: 'opt_in', personaKey: null, name: 'Opt-in' });
    const bad = { ...validGraph(), nodes: [{ id: 't', kind: 'teleport', config: {} }] } as unknown as JourneyGraph;
    const error = await refusal(api.journeys.saveDraft({ id, revision: 1, graph: bad, layout: {} }));
    expect(error.code).toBe('BAD_REQUEST');
    expect((await api.journeys.get({ id })).revision).toBe(1);
  });

  it('refuses to publish an invalid graph with every problem and its node', async () => {
    const { api } = await marketer();
    const { id } = await api.journeys.create({ moment: 'opt_in', personaKey: null, name: 'Opt-in' });
    const graph = validGraph();
    graph.nodes.push({ id: 'mail', kind: 'email', config: {} });
    graph.edges[1] = { from: 'w', output: 'next', to: 'mail' };
    await api.journeys.saveDraft({ id, revision: 1, graph, layout: {} });
    const error = await refusal(api.journeys.publish({ id }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('problems to fix before it can be published');
    const cause = error.cause as unknown as { validationIssues: { nodeId: string | null; code: string }[] };
    expect(cause.validationIssues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ nodeId: 'mail', code: 'invalid_config' }),
        expect.objectContaining({ nodeId: 'mail', code: 'output_not_connected' }),
        expect.objectContaining({ nodeId: 'p', code: 'unreachable' }),
      ]),
    );
    const journey = await api.journeys.get({ id });
    expect(journey).toMatchObject({ status: 'draft', currentVersion: null });
    expect(await api.journeys.versions({ id })).toEqual([]);
  });

  it('publishes immutable versions: later draft edits and restores never change them', async () => {
    const { api, clock } = await marketer();
    const { id } = await api.journeys.create({ moment: 'opt_in', personaKey: null, name: 'Opt-in' });
    const v1 = validGraph();
    await api.journeys.saveDraft({ id, revision: 1, graph: v1, layout: {} });
    expect(await api.journeys.publish({ id, revision: 2 })).toEqual({ version: 1 });
    expect((await api.journeys.get({ id })).status).toBe('live');

    // Edit the draft of a live journey: waits 3 days now.
    const v2 = validGraph();
    v2.nodes[1]!.config = { mode: 'duration', duration: { amount: 3, unit: 'days' } };
    clock.advance(60_000);
    await api.journeys.saveDraft({ id, revision: 2, graph: v2, layout: {} });
    const stored = () => fresh.ws.db.select().from(journeyVersions).where(eq(journeyVersions.journeyId, id)).all();
    expect(stored()).toHaveLength(1);
    expect(stored()[0]!.graph).toEqual(v1);

    expect(await api.journeys.publish({ id, migration: 'same_node' })).toEqual({ version: 2 });
    const versions = await api.journeys.versions({ id });
    expect(versions.map((v) => [v.version, v.migration])).toEqual([[2, 'same_node'], [1, 'stay']]);
    expect(versions[1]!.publishedAt).toEqual(new Date('2026-11-23T10:00:00Z'));

    // Restoring version 1 copies it into the draft; version 2 stays as published.
    const { revision } = await api.journeys.restoreVersion({ id, version: 1, revision: 3 });
    expect(revision).toBe(4);
    expect((await api.journeys.get({ id })).graph).toEqual(v1);
    expect(stored().find((v) => v.version === 2)!.graph).toEqual(v2);
    expect((await api.journeys.get({ id })).currentVersion).toBe(2);
  });

  it('pauses, resumes and archives, refusing transitions that make no sense', async () => {
    const { api } = await marketer();
    const { id } = await api.journeys.create({ moment: 'opt_in', personaKey: null, name: 'Opt-in' });
    expect((await refusal(api.journeys.pause({ id }))).message).toContain('Only a live journey can be paused');
    await api.journeys.saveDraft({ id, revision: 1, graph: validGraph(), layout: {} });
    await api.journeys.publish({ id });
    expect(await api.journeys.pause({ id })).toEqual({ status: 'paused' });
    // Publishing a paused journey does not start it.
    await api.journeys.publish({ id });
    expect((await api.journeys.get({ id })).status).toBe('paused');
    expect(await api.journeys.resume({ id })).toEqual({ status: 'live' });
    expect(await api.journeys.archive({ id })).toEqual({ status: 'archived' });
    const error = await refusal(api.journeys.saveDraft({ id, revision: 2, graph: validGraph(), layout: {} }));
    expect(error.message).toContain('archived');
  });

  it('duplicates a journey to another persona as a new draft', async () => {
    const { api } = await marketer();
    const { id } = await api.journeys.create({ moment: 'first_communication', personaKey: 'researcher', name: 'Nurture' });
    const copy = await api.journeys.duplicate({ id, personaKey: 'loyalist' });
    const journey = await api.journeys.get({ id: copy.id });
    expect(journey).toMatchObject({ name: 'Nurture (copy)', personaKey: 'loyalist', status: 'draft', revision: 1 });
    expect(journey.graph).toEqual((await api.journeys.get({ id })).graph);
  });

  it('lets a manager pause but not edit; a marketer cannot read what does not exist', async () => {
    const { api } = await marketer();
    const manager = callerFor(fresh.ws, await makeUser(fresh.ws, 'manager'));
    const { id } = await api.journeys.create({ moment: 'opt_in', personaKey: null, name: 'Opt-in' });
    await api.journeys.saveDraft({ id, revision: 1, graph: validGraph(), layout: {} });
    await api.journeys.publish({ id });
    expect(await manager.journeys.pause({ id })).toEqual({ status: 'paused' });
    expect((await refusal(manager.journeys.saveDraft({ id, revision: 2, graph: validGraph(), layout: {} }))).code).toBe('FORBIDDEN');
    expect((await refusal(api.journeys.get({ id: 'nope' }))).code).toBe('NOT_FOUND');
  });

  it('imports an exported file as a new journey; a bad file is refused naming each problem', async () => {
    const { api } = await marketer();
    const { id } = await api.journeys.create({ moment: 'reactivation', personaKey: 'bargain_hunter', name: 'Win-back' });
    const file = await api.journeys.exportFile({ id });
    const imported = await api.journeys.importFile({ file });
    expect(imported.version).toBeNull();
    const copy = await api.journeys.get({ id: imported.id });
    const original = await api.journeys.get({ id });
    expect(copy).toMatchObject({ name: 'Win-back', moment: 'reactivation', personaKey: 'bargain_hunter', graph: original.graph, layout: original.layout });

    const error = await refusal(api.journeys.importFile({ file: { ...file, moment: 'someday', graph: { nodes: 'x', edges: [] } } }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('moment: Unknown moment');
    expect(error.message).toContain('graph.nodes:');
    // Publishing an invalid import refuses the whole import: nothing half-done stays.
    const before = (await api.journeys.list()).length;
    const invalid = { ...file, graph: { ...file.graph, nodes: file.graph.nodes.map((n) => (n.kind === 'email' ? { ...n, config: {} } : n)) } };
    await refusal(api.journeys.importFile({ file: invalid, publish: true }));
    expect(await api.journeys.list()).toHaveLength(before);
  });
});

describe('journeys on the command line', () => {
  // About ten CLI processes in a row, each a second or two on a busy 2-core machine.
  it('creates, publishes (refused while invalid), exports and re-imports', { timeout: 120_000 }, async () => {
    const { dir, cleanup } = tempDir('kairos-cli-journeys-');
    try {
      const created = await kairos(['journeys', 'create', '--moment', 'opt_in', '--persona', 'all', '--name', 'Opt-in'], dir);
      expect(created.code).toBe(0);
      const id = created.stdout.trim().split('\n').at(-1)!;

      // The starter opt-in, with the starter templates, publishes as it is.
      const published = await kairos(['journeys', 'publish', id], dir);
      expect(published.stderr).toBe('');
      expect(published.stdout).toContain('Published version 1');

      // The draft the CLI made is the full starter graph, as the API sees it.
      const ws = openWorkspace(testConfig(dir));
      const journey = await callerFor(ws, await makeUser(ws, 'marketer')).journeys.get({ id });
      ws.close();
      expect(journey.graph.nodes).toHaveLength(8);

      const exported = await kairos(['journeys', 'export', id], dir);
      expect(exported.code).toBe(0);
      const file = JSON.parse(exported.stdout);
      expect(file).toMatchObject({ kairos: 'journey', format: 1, name: 'Opt-in', moment: 'opt_in', persona: null });
      file.graph = validGraph();
      file.name = 'Opt-in (fixed)';
      const filePath = path.join(dir, 'journey.json');
      writeFileSync(filePath, JSON.stringify(file));

      const imported = await kairos(['journeys', 'import', filePath, '--publish'], dir);
      expect(imported.stderr).toBe('');
      expect(imported.code).toBe(0);
      const newId = imported.stdout.trim().split('\n').at(-1)!;
      expect(newId).not.toBe(id);

      const listed = await kairos(['journeys', 'list'], dir);
      expect(listed.stdout).toContain(`${newId}\tlive\tv1\topt_in\tall\tOpt-in (fixed)`);
      expect(listed.stdout).toContain(`${id}\tlive\tv1\topt_in\tall\tOpt-in`);

      const reexported = JSON.parse((await kairos(['journeys', 'export', newId], dir)).stdout);
      expect(reexported.graph).toEqual(validGraph());

      // A file whose email has no template imports as a draft, but --publish refuses it, naming the node.
      file.graph = { ...validGraph(), nodes: [...validGraph().nodes, { id: 'mail', kind: 'email', config: {} }] };
      writeFileSync(filePath, JSON.stringify(file));
      const refused = await kairos(['journeys', 'import', filePath, '--publish'], dir);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('node mail: Choose an email template.');
      expect(refused.stderr).toContain('node mail: Connect the "next" output');

      writeFileSync(filePath, '{"kairos":"journey","format":1,"name":"Bad","moment":"opt_in","persona":"ghost","graph":{"nodes":[{"id":"a b","kind":"wait"}],"edges":[]}}');
      const bad = await kairos(['journeys', 'import', filePath], dir);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('graph.nodes[0].id: Node ids use letters');
      const ghost = await kairos(['journeys', 'import', path.join(dir, 'missing.json')], dir);
      expect(ghost.code).toBe(1);
      expect(ghost.stderr).toContain('Cannot read');
    } finally {
      cleanup();
    }
  });
});
