// The journey graph as stored and exchanged: nodes with a kind and config, edges from a named output.
import { z } from 'zod';
import { eventNameSchema, propertyFilterSchema } from './common.ts';
import { nodeKindSchema, type NodeConfig, type NodeKind } from './kinds.ts';

export const nodeIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'Node ids use letters, digits, _ or - (at most 64).');

/**
 * A node as a draft holds it: the config may still be incomplete (an email without a template).
 * The validator checks each config against its kind's schema; publishing needs all of them to pass.
 */
export const graphNodeSchema = z.object({
  id: nodeIdSchema,
  kind: nodeKindSchema,
  /** Optional marketer-given name shown on the canvas ("Welcome email"). */
  name: z.string().trim().max(80).optional(),
  config: z.record(z.string(), z.unknown()).default({}),
});
export type GraphNode = z.infer<typeof graphNodeSchema>;

export const graphEdgeSchema = z.object({
  from: nodeIdSchema,
  output: z.string().min(1).max(64),
  to: nodeIdSchema,
});
export type GraphEdge = z.infer<typeof graphEdgeSchema>;

export const REENTRY_POLICIES = ['once', 'after_exit', 'every_time'] as const;

export const journeySettingsSchema = z.object({
  /** once: never again; after_exit: again once the previous run ended; every_time: runs side by side. */
  reentry: z.enum(REENTRY_POLICIES).default('once'),
  goal: z
    .object({
      event: eventNameSchema,
      filters: z.array(propertyFilterSchema).default([]),
      windowDays: z.number().int().positive('The conversion window must be at least one day.').max(365),
      exitOnGoal: z.boolean().default(false),
    })
    .nullable()
    .default(null),
  /** Events that take a contact out of the journey wherever they are. */
  exitEvents: z.array(eventNameSchema).default([]),
  /**
   * A share of entering contacts held out: enrolled, counted and followed for the goal, but sent nothing, so the
   * journey's incremental effect on its goal can be measured (see shared/experiments).
   */
  holdout: z
    .object({
      percent: z
        .number({ error: 'Enter the share to hold out, in percent.' })
        .int('Use a whole percentage.')
        .min(1, 'Hold out at least 1%.')
        .max(50, 'Hold out at most 50%.'),
    })
    .nullish(),
});
export type JourneySettings = z.infer<typeof journeySettingsSchema>;

export const DEFAULT_SETTINGS: JourneySettings = { reentry: 'once', goal: null, exitEvents: [] };

export const MAX_NODES = 2000;

export const journeyGraphSchema = z.object({
  nodes: z.array(graphNodeSchema).max(MAX_NODES, `A journey can have at most ${MAX_NODES} nodes.`),
  edges: z.array(graphEdgeSchema).max(MAX_NODES * 10),
  settings: journeySettingsSchema.default(DEFAULT_SETTINGS),
});
export type JourneyGraph = z.infer<typeof journeyGraphSchema>;

/** Canvas positions, kept beside the graph: the executor never reads them. */
export const graphLayoutSchema = z.record(z.string(), z.object({ x: z.number(), y: z.number() }));
export type GraphLayout = z.infer<typeof graphLayoutSchema>;

/** A node whose config passed its kind's schema: what the interpreter runs. */
export type ValidNode = { [K in NodeKind]: { id: string; kind: K; name?: string; config: NodeConfig<K> } }[NodeKind];

export interface ValidGraph {
  nodes: ValidNode[];
  edges: GraphEdge[];
  settings: JourneySettings;
}
