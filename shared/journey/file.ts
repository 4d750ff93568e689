// The journey file: what export writes and import reads, validated by the same schemas as the API.
import { z } from 'zod';
import { momentKeySchema } from '../lifecycle/moments.ts';
import { graphLayoutSchema, journeyGraphSchema } from './graph.ts';

export const JOURNEY_FILE_FORMAT = 1;

export const journeyNameSchema = z.string().trim().min(1, 'Give the journey a name.').max(120, 'The name is too long (120 characters at most).');

export const journeyFileSchema = z.object({
  kairos: z.literal('journey', { error: 'This is not a Kairos journey file (expected "kairos": "journey").' }),
  format: z.literal(JOURNEY_FILE_FORMAT, { error: `Unsupported journey file format; this Kairos reads format ${JOURNEY_FILE_FORMAT}.` }),
  name: journeyNameSchema,
  moment: momentKeySchema,
  /** A persona key, or null for all personas. */
  persona: z.string().trim().min(1).nullable(),
  graph: journeyGraphSchema,
  layout: graphLayoutSchema.default({}),
});
export type JourneyFile = z.infer<typeof journeyFileSchema>;

/** "graph.nodes[3].kind: Unknown node kind …" — one line per problem, for the CLI and the UI. */
export function describeZodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.reduce<string>(
      (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
      '',
    );
    return where ? `${where}: ${issue.message}` : issue.message;
  });
}
