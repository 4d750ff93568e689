// How a step of a contact's run reads on the contact page: the step log's outcome in words. Pure.
import type { NodeKind } from '../../../shared/journey/kinds.ts';

const when = (iso: string, format: (ms: number) => string) => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : format(ms);
};

/** "Email queued", "Took “yes”", "Waiting until 4 Nov, 10:00", "Failed: …" — for one step log entry. */
export function describeOutcome(outcome: string, kind: NodeKind | null, format: (ms: number) => string): string {
  if (outcome === 'completed') return 'Completed the journey';
  if (outcome === 'waited') return 'Wait over';
  if (outcome === 'no wait needed') return 'No wait needed';
  if (outcome === 'matched') return 'The awaited event arrived';
  if (outcome === 'timeout') return 'Timed out waiting';
  if (outcome.startsWith('failed')) return `Failed: ${outcome.replace(/^failed:\s*/, '')}`;
  if (outcome === 'exited: goal reached') return 'Left on reaching the goal';
  if (outcome.startsWith('exited')) return `Left the journey (${outcome.replace(/^exited:\s*/, '')})`;
  if (outcome.startsWith('moved')) return `Moved ${outcome.slice('moved'.length).trim()}`;
  const awaiting = /^waiting for (.+) until (\S+)$/.exec(outcome);
  if (awaiting) return `Waiting for ${awaiting[1]} until ${when(awaiting[2]!, format)}`;
  const waiting = /^waiting until (\S+)$/.exec(outcome);
  if (waiting) return `Waiting until ${when(waiting[1]!, format)}`;
  if (outcome === 'next') {
    switch (kind) {
      case 'trigger':
        return 'Entered';
      case 'email':
        return 'Email queued';
      case 'notify':
        return 'Team notified';
      case 'webhook':
        return 'Webhook called';
      case 'set_phase':
        return 'Phase set';
      case 'update_contact':
        return 'Traits updated';
      default:
        return 'Passed';
    }
  }
  return `Took “${outcome}”`;
}

export const RUN_STATUS: Record<string, { label: string; color: string }> = {
  active: { label: 'Active', color: 'blue' },
  waiting: { label: 'Waiting', color: 'yellow' },
  completed: { label: 'Completed', color: 'teal' },
  exited: { label: 'Exited', color: 'orange' },
  failed: { label: 'Failed', color: 'red' },
};
