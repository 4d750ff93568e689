// A manager's decisions: stop an experiment (its figures freeze), or ship a variant (a new journey version whose split
// sends everyone down that path). Each is recorded in the experiment's history with who decided and on what figures.
import { and, eq } from 'drizzle-orm';
import type { ExperimentDesign } from '../../shared/experiments/design.ts';
import type { JourneyGraph } from '../../shared/journey/graph.ts';
import type { ExperimentSettings } from '../../shared/journey/nodes/split.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { journeys, journeyVersions } from '../db/schema.ts';
import { insertVersion } from '../journeys/service.ts';
import { experimentReportOf, getExperimentRow } from './report.ts';
import { historyEntry, type Actor } from './sync.ts';

export class ExperimentActionError extends Error {
  constructor(
    readonly code: 'BAD_REQUEST' | 'CONFLICT',
    message: string,
  ) {
    super(message);
  }
}

export function stopExperiment(db: Db, clock: Clock, input: { id: string; actor: Actor; note?: string }): { status: 'stopped' } {
  const now = clock.now().getTime();
  return db.$client.transaction(() => {
    const row = getExperimentRow(db.$client, input.id);
    if (row.status !== 'running') throw new ExperimentActionError('CONFLICT', `This experiment is already ${row.status}.`);
    const figures = experimentReportOf(db.$client, input.id, now);
    db.$client.prepare(`UPDATE experiments SET status = 'stopped', ended_at = ? WHERE id = ?`).run(now, input.id);
    historyEntry(db.$client, {
      experimentId: input.id,
      at: now,
      action: 'stopped',
      actor: input.actor,
      note: input.note?.trim() || 'Stopped: the figures are frozen; the split keeps dividing contacts by its weights until a variant is shipped.',
      figures,
    });
    return { status: 'stopped' as const };
  })();
}

/** Sets the split so that every new arrival takes `arm`: its weight 100, the others 0. Null when the node is not a split. */
function shippedGraph(graph: JourneyGraph, nodeId: string, arm: string): JourneyGraph | null {
  const node = graph.nodes.find((n) => n.id === nodeId && n.kind === 'split');
  if (!node) return null;
  const variants = Array.isArray(node.config.variants) ? (node.config.variants as { key: string; weight: number }[]) : [];
  if (!variants.some((v) => v.key === arm)) return null;
  return {
    ...graph,
    nodes: graph.nodes.map((n) =>
      n === node ? { ...n, config: { ...n.config, variants: variants.map((v) => ({ ...v, weight: v.key === arm ? 100 : 0 })) } } : n,
    ),
  };
}

export function shipVariant(db: Db, clock: Clock, input: { id: string; arm: string; actor: Actor; note?: string }): { version: number } {
  const now = clock.now();
  return db.transaction((tx) => {
    const row = getExperimentRow(db.$client, input.id);
    if (row.kind === 'holdout') {
      throw new ExperimentActionError('BAD_REQUEST', 'A journey holdout has no variant to ship; to stop holding contacts out, turn the holdout off in the journey settings and publish.');
    }
    if (row.status === 'shipped') throw new ExperimentActionError('CONFLICT', `This experiment already shipped ${row.shippedArm}.`);
    const journey = tx.select().from(journeys).where(eq(journeys.id, row.journeyId)).get();
    if (!journey || journey.currentVersion === null || (journey.status !== 'live' && journey.status !== 'paused')) {
      throw new ExperimentActionError('BAD_REQUEST', `"${row.journeyName}" is ${journey?.status ?? 'gone'}; only a live or paused journey can ship a variant.`);
    }
    const other = db.$client
      .prepare(`SELECT id FROM experiments WHERE journey_id = ? AND node_id = ? AND status = 'running' AND id <> ?`)
      .get(row.journeyId, row.nodeId, row.id);
    if (other) throw new ExperimentActionError('CONFLICT', 'A newer experiment runs on this split now; ship from that one.');
    const current = tx
      .select()
      .from(journeyVersions)
      .where(and(eq(journeyVersions.journeyId, journey.id), eq(journeyVersions.version, journey.currentVersion)))
      .get()!;
    const arms = (JSON.parse(row.design) as ExperimentDesign).arms;
    const chosen = arms.find((a) => a.key === input.arm);
    if (!chosen) throw new ExperimentActionError('BAD_REQUEST', `The experiment has no variant "${input.arm}"; its variants are ${arms.map((a) => a.key).join(', ')}.`);
    const graph = shippedGraph(current.graph, row.nodeId, input.arm);
    if (!graph) throw new ExperimentActionError('BAD_REQUEST', `Version ${journey.currentVersion} has no split "${row.nodeId}" with the variant "${input.arm}".`);

    const figures = experimentReportOf(db.$client, input.id, now.getTime());
    // Shipped first, so the new version's sync finds no running experiment here (and a one-armed split starts none).
    // A stopped experiment keeps the day it stopped: its figures stay those of then.
    db.$client.prepare(`UPDATE experiments SET status = 'shipped', shipped_arm = ?, ended_at = coalesce(ended_at, ?) WHERE id = ?`).run(input.arm, now.getTime(), input.id);
    // same_node: contacts waiting before the split move to the new version and take the shipped variant; those past it
    // keep their branch (the interpreter keeps an assigned variant).
    // Only runs on the current version move (its graph differs from the new one in these weights alone); runs still on
    // older versions stay where they are rather than exit at a node the current version no longer has.
    const version = insertVersion(db, tx as unknown as Db, journey, graph, current.layout, 'same_node', input.actor.name, now, { onlyFromCurrent: true });
    // The draft gets the same weights, so the next publish from the editor does not undo the decision.
    const draft = shippedGraph(journey.draftGraph, row.nodeId, input.arm);
    if (draft) tx.update(journeys).set({ draftGraph: draft, revision: journey.revision + 1 }).where(eq(journeys.id, journey.id)).run();
    historyEntry(db.$client, {
      experimentId: input.id,
      at: now.getTime(),
      action: 'shipped',
      actor: input.actor,
      arm: input.arm,
      version,
      note: input.note?.trim() || `Shipped ${chosen.name} in version ${version}: everyone who reaches the split from now on takes it; contacts already past it keep their branch.`,
      figures,
    });
    return { version };
  });
}

function withSettings(graph: JourneyGraph, nodeId: string, settings: ExperimentSettings): JourneyGraph | null {
  const node = graph.nodes.find((n) => n.id === nodeId && n.kind === 'split');
  if (!node) return null;
  return { ...graph, nodes: graph.nodes.map((n) => (n === node ? { ...n, config: { ...n.config, experiment: settings } } : n)) };
}

/**
 * A manager sets what a split's experiment measures. The draft gets the settings; when the split is live, a new
 * version is published that differs from the running one in these settings only (no unpublished draft edits go live
 * with it). A changed metric, minimum effect or set of guardrails starts a new experiment (sync.ts); a hypothesis does not.
 */
export function configureExperiment(
  db: Db,
  clock: Clock,
  input: { journeyId: string; nodeId: string; settings: ExperimentSettings; actor: Actor },
): { revision: number; version: number | null } {
  const now = clock.now();
  return db.transaction((tx) => {
    const journey = tx.select().from(journeys).where(eq(journeys.id, input.journeyId)).get();
    if (!journey) throw new ExperimentActionError('BAD_REQUEST', `There is no journey "${input.journeyId}".`);
    if (journey.status === 'archived') throw new ExperimentActionError('BAD_REQUEST', `"${journey.name}" is archived.`);
    if (input.settings.metric?.kind === 'goal' && !journey.draftGraph.settings?.goal) {
      throw new ExperimentActionError('BAD_REQUEST', 'metric: the journey has no goal to measure; set one in the journey settings or choose another metric.');
    }
    const draft = withSettings(journey.draftGraph, input.nodeId, input.settings);
    const current =
      journey.currentVersion === null || (journey.status !== 'live' && journey.status !== 'paused')
        ? null
        : tx.select().from(journeyVersions).where(and(eq(journeyVersions.journeyId, journey.id), eq(journeyVersions.version, journey.currentVersion))).get() ?? null;
    const live = current ? withSettings(current.graph, input.nodeId, input.settings) : null;
    if (!draft && !live) throw new ExperimentActionError('BAD_REQUEST', `"${journey.name}" has no split "${input.nodeId}".`);
    if (live && input.settings.metric?.kind === 'goal' && !current!.graph.settings?.goal) {
      throw new ExperimentActionError('BAD_REQUEST', 'metric: the live version has no goal to measure; choose another metric.');
    }
    const revision = draft ? journey.revision + 1 : journey.revision;
    if (draft) tx.update(journeys).set({ draftGraph: draft, revision, updatedAt: now }).where(eq(journeys.id, journey.id)).run();
    const changed = live && JSON.stringify(live) !== JSON.stringify(current!.graph);
    const version = changed ? insertVersion(db, tx as unknown as Db, { ...journey, draftGraph: draft ?? journey.draftGraph, revision }, live, current!.layout, 'same_node', input.actor.name, now, { onlyFromCurrent: true }) : null;
    return { revision, version };
  });
}
