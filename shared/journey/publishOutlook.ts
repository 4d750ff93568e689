// What publishing a journey will do, in words, for the publish dialog: who enters and when, and when the first email
// goes out. Pure: the server adds the figures (contacts in flight, other live journeys in the same cell).
import type { JourneyGraph } from './graph.ts';
import { kindDefinition, type NodeKind } from './kinds.ts';
import type { TriggerConfig } from './nodes/trigger.ts';

export interface PublishOutlook {
  /** Who enters, and that nobody already past the trigger does. */
  entry: string;
  /** When the first email on the main path goes out, or null when the journey sends none before its first branch ends. */
  firstEmail: string | null;
}

function entrySentence(trigger: TriggerConfig, reentry: string): string {
  const again = reentry === 'every_time' ? ' each time' : reentry === 'after_exit' ? ' (again after they leave)' : ' once';
  switch (trigger.on) {
    case 'event':
      return `Contacts enter${again} when they do “${trigger.event}” from now on; what they did before publishing does not count.`;
    case 'phase_entered':
      return `Contacts enter${again} when they move into the ${trigger.phase} phase from now on; contacts already there do not enter.`;
    case 'persona_entered':
      return `Contacts enter${again} when they become ${trigger.persona} from now on; contacts who already are do not enter.`;
    case 'subscription_confirmed':
      return `Contacts enter${again} when they confirm their subscription from now on; those who confirmed before do not enter.`;
    case 'date_anniversary':
      return `Contacts enter each year on their ${trigger.trait}, from the next one on.`;
    case 'manual':
      return 'Nobody enters until you add contacts by hand or through the API.';
    default:
      return trigger satisfies never;
  }
}

/**
 * Walks the main path from the trigger (the first output of each step) to the first email, gathering the waits on
 * the way; a branch before it means the email goes to some contacts only.
 */
function firstEmailSentence(graph: JourneyGraph, templateNames: Record<string, string>): string | null {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const trigger = graph.nodes.find((n) => n.kind === 'trigger');
  const waits: string[] = [];
  let branched = false;
  const seen = new Set<string>();
  let at = trigger;
  while (at && !seen.has(at.id)) {
    seen.add(at.id);
    if (at.kind === 'email') {
      const templateId = String((at.config as { templateId?: unknown }).templateId ?? '');
      const name = templateNames[templateId] ?? templateId;
      const when = waits.length === 0 ? 'as soon as a contact enters' : `after: ${waits.join(', then ')}`;
      return `The first email, “${name}”, goes out ${when}${branched ? ', to the contacts whose path leads there' : ''} — within quiet hours and the frequency cap.`;
    }
    const kind = at.kind as NodeKind;
    if (kind === 'wait' || kind === 'wait_for_event') waits.push(kindDefinition(kind).summary(at.config as never));
    if (kind === 'condition' || kind === 'split') branched = true;
    const next = graph.edges.find((e) => e.from === at!.id);
    at = next ? byId.get(next.to) : undefined;
  }
  return null;
}

export function publishOutlook(graph: JourneyGraph, templateNames: Record<string, string>): PublishOutlook {
  const trigger = graph.nodes.find((n) => n.kind === 'trigger');
  return {
    entry: trigger ? entrySentence(trigger.config as TriggerConfig, graph.settings.reentry) : 'This journey has no trigger: nobody enters.',
    firstEmail: firstEmailSentence(graph, templateNames),
  };
}
