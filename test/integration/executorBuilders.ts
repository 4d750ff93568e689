// Builders for executor tests: contacts, events and live journeys written straight into a fresh database.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Clock } from '../../server/clock.ts';
import type { Db } from '../../server/db/client.ts';
import { contacts, enrollments, events, journeys, journeyVersions, messages, stepLog } from '../../server/db/schema.ts';
import { createJourney } from '../../server/journeys/service.ts';
import { migrateEnrollments } from '../../server/executor/migrate.ts';
import { checkGraph } from '../../shared/journey/validate.ts';
import type { GraphEdge, GraphNode, JourneyGraph, JourneySettings } from '../../shared/journey/graph.ts';

export function addContact(
  db: Db,
  fields: { email?: string; phase?: 'prospect' | 'subscriber' | 'customer' | 'loyal' | 'lapsed'; personaKey?: string | null; traits?: Record<string, unknown>; timezone?: string | null; subscription?: 'none' | 'pending' | 'subscribed' } = {},
): string {
  const id = randomUUID();
  db.insert(contacts)
    .values({
      id,
      email: fields.email ?? `${id.slice(0, 8)}@example.com`,
      phase: fields.phase ?? 'prospect',
      personaKey: fields.personaKey ?? null,
      traits: fields.traits ?? {},
      timezone: fields.timezone ?? null,
      subscription: fields.subscription ?? 'subscribed',
    })
    .run();
  return id;
}

export function addEvent(db: Db, contactId: string, name: string, properties: Record<string, unknown>, at: Date | string): number {
  const time = new Date(at);
  const row = db.insert(events).values({ contactId, name, properties, timestamp: time, receivedAt: time }).returning({ id: events.id }).get();
  return row.id;
}

type Node = Omit<GraphNode, 'config'> & { config?: Record<string, unknown> };

/** A graph from nodes and "from:output>to" edge strings. */
export function graph(nodes: Node[], edges: string[], settings: Partial<JourneySettings> = {}): JourneyGraph {
  return {
    nodes: nodes.map((n) => ({ ...n, config: n.config ?? {} })),
    edges: edges.map((e): GraphEdge => {
      const [from, rest] = e.split(':') as [string, string];
      const [output, to] = rest.split('>') as [string, string];
      return { from, output, to };
    }),
    settings: { reentry: 'once', goal: null, exitEvents: [], ...settings },
  };
}

export const email = (id: string, templateId = id) => ({ id, kind: 'email' as const, config: { templateId } });
export const waitDays = (id: string, amount: number) => ({ id, kind: 'wait' as const, config: { mode: 'duration', duration: { amount, unit: 'days' } } });
export const exit = (id = 'x') => ({ id, kind: 'exit' as const });
export const onEvent = (event: string, extra: Record<string, unknown> = {}) => ({ id: 't', kind: 'trigger' as const, config: { on: 'event', event, filters: [], ...extra } });

/**
 * A live journey with its graph as version 1, written as publishing writes it. It skips the template
 * reference check (executor tests look at queued rows, not at rendered mail) but not the graph check.
 */
export function liveJourney(db: Db, clock: Clock, g: JourneyGraph, personaKey: string | null = null): string {
  const { id } = createJourney(db, clock, { moment: 'first_purchase', personaKey, name: `J ${randomUUID().slice(0, 4)}`, graph: g });
  publishVersion(db, clock, id, g, 1);
  return id;
}

export function publishVersion(db: Db, clock: Clock, journeyId: string, g: JourneyGraph, version: number, migration: 'stay' | 'same_node' | 'exit' = 'stay'): void {
  const checked = checkGraph(g, { templateIds: ANY, personaKeys: ANY, phaseKeys: ANY });
  if (!checked.ok) throw new Error(`test graph is invalid: ${checked.issues.map((i) => `${i.nodeId}: ${i.message}`).join('; ')}`);
  db.transaction((tx) => {
    tx.insert(journeyVersions).values({ journeyId, version, graph: g, layout: {}, migration, publishedAt: clock.now(), publishedBy: 'test' }).run();
    migrateEnrollments(db.$client, journeyId, version, g, migration, clock.now().getTime());
    tx.update(journeys).set({ currentVersion: version, status: 'live', draftGraph: g }).where(eq(journeys.id, journeyId)).run();
  });
}

const ANY = { has: () => true } as unknown as ReadonlySet<string>;

export function enrollmentsOf(db: Db, journeyId: string) {
  return db.select().from(enrollments).where(eq(enrollments.journeyId, journeyId)).all();
}

export function messagesOf(db: Db, contactId: string) {
  return db.select().from(messages).where(eq(messages.contactId, contactId)).all();
}

export function pathOf(db: Db, enrollmentId: string): string[] {
  return db
    .select()
    .from(stepLog)
    .where(eq(stepLog.enrollmentId, enrollmentId))
    .orderBy(stepLog.id)
    .all()
    .flatMap((s) => s.steps.map(([nodeId, outcome]) => `${nodeId}:${outcome.split(' ')[0]}`));
}
