// What every node kind declares: its config schema, outputs, defaults, summary and references.
import type { z } from 'zod';

export interface NodeOutput {
  key: string;
  label: string;
}

export interface NodeReferences {
  templates?: string[];
  personas?: string[];
  phases?: string[];
}

export interface NodeKindDefinition<Schema extends z.ZodType = z.ZodType> {
  label: string;
  description: string;
  configSchema: Schema;
  /** The config a new node starts with; it may still need the marketer's input (e.g. a template). */
  defaultConfig(): z.input<Schema>;
  /**
   * Named outputs. Takes the config as stored in a draft, which may be incomplete, so it must not
   * assume the schema holds (a split with a half-typed variant still has handles).
   */
  outputs(config: Record<string, unknown>): NodeOutput[];
  /** The key setting in a few words, for the canvas and listings ("wait 3 days"). */
  summary(config: z.output<Schema>): string;
  references?(config: z.output<Schema>): NodeReferences;
}

export const NEXT: NodeOutput[] = [{ key: 'next', label: 'next' }];

/** Keeps each kind's literal schema type while checking it against the common shape. */
export function defineKind<Schema extends z.ZodType>(def: NodeKindDefinition<Schema>): NodeKindDefinition<Schema> {
  return def;
}
