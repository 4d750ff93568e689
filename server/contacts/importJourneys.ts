// The live journeys that the events written after a given event id would start, and for how many contacts: read inside
// an import's transaction, so the figure is what the executor enrols from those events at its next tick.
import { checkGraph } from '../../shared/journey/validate.ts';
import { compileGraph } from '../../shared/journey/interpret.ts';
import { contactsEntering, summariseEntries, type EntryJourney, type JourneyEntries, type StoredEvent } from '../../shared/journey/entries.ts';
import type { JourneyGraph } from '../../shared/journey/graph.ts';
import type { Db } from '../db/client.ts';

const ANY = { has: () => true } as unknown as ReadonlySet<string>;

interface LiveRow {
  id: string;
  name: string;
  personaKey: string | null;
  personaName: string | null;
  graph: string;
}

/** The id of the newest event: what an import notes before it writes. */
export function lastEventId(db: Db): number {
  return (db.$client.prepare(`SELECT coalesce(max(id), 0) AS id FROM events`).get() as { id: number }).id;
}

/** Which live journeys the (not quiet) events after `afterEventId` start, per journey the contacts they enrol. */
export function journeysEnteredSince(db: Db, afterEventId: number): JourneyEntries {
  const c = db.$client;
  const rows = c
    .prepare(`SELECT j.id, j.name, j.persona_key AS personaKey, p.name AS personaName, v.graph
      FROM journeys j JOIN journey_versions v ON v.journey_id = j.id AND v.version = j.current_version
      LEFT JOIN personas p ON p.key = j.persona_key WHERE j.status = 'live'`)
    .all() as LiveRow[];
  const journeys: EntryJourney[] = [];
  const about = new Map<string, { name: string; personaKey: string | null; personaName: string | null }>();
  for (const r of rows) {
    // As the executor reads a published version: it was valid at publish, parsing applies the defaults.
    const checked = checkGraph(JSON.parse(r.graph) as JourneyGraph, { templateIds: ANY, personaKeys: ANY, phaseKeys: ANY });
    if (!checked.ok) continue;
    const graph = compileGraph(checked.graph);
    journeys.push({ id: r.id, personaKey: r.personaKey, trigger: graph.trigger.config, settings: graph.settings });
    about.set(r.id, { name: r.name, personaKey: r.personaKey, personaName: r.personaName });
  }
  if (journeys.length === 0) return { contacts: 0, journeys: [] };
  const events = (
    c.prepare(`SELECT id, contact_id AS contactId, name, properties, timestamp FROM events WHERE id > ? AND quiet = 0 ORDER BY id`).all(afterEventId) as (Omit<StoredEvent, 'properties'> & { properties: string })[]
  ).map((e) => ({ ...e, properties: JSON.parse(e.properties) as Record<string, unknown> }));
  const persona = c.prepare(`SELECT persona_key AS personaKey FROM contacts WHERE id = ?`);
  const hasRun = c.prepare(`SELECT 1 FROM enrollments WHERE journey_id = ? AND contact_id = ? AND entry_key = ? LIMIT 1`);
  const hasOpen = c.prepare(`SELECT 1 FROM enrollments WHERE journey_id = ? AND contact_id = ? AND status IN ('active', 'waiting') LIMIT 1`);
  const entered = contactsEntering(journeys, events, {
    personaOf: (id) => (persona.get(id) as { personaKey: string | null } | undefined)?.personaKey,
    hasRun: (j, contact, key) => hasRun.get(j, contact, key) !== undefined,
    hasOpenRun: (j, contact) => hasOpen.get(j, contact) !== undefined,
  });
  return summariseEntries(entered, about);
}
