// Journey priority: which journey's marketing email takes a contact's last frequency-cap slot when two compete.
import { z } from 'zod';

export const JOURNEY_PRIORITIES = [1, 2, 3, 4, 5] as const;
export type JourneyPriority = (typeof JOURNEY_PRIORITIES)[number];

/** A journey without a say: the column's default. */
export const DEFAULT_JOURNEY_PRIORITY: JourneyPriority = 3;

export const journeyPrioritySchema = z
  .number({ error: 'Choose a priority from 1 (low) to 5 (urgent).' })
  .int('Choose a priority from 1 (low) to 5 (urgent).')
  .min(1, 'Choose a priority from 1 (low) to 5 (urgent).')
  .max(5, 'Choose a priority from 1 (low) to 5 (urgent).');

export const PRIORITY_LABELS: Record<JourneyPriority, string> = { 1: 'Low', 2: 'Below normal', 3: 'Normal', 4: 'High', 5: 'Urgent' };

/** "5 · Urgent"; a stored value outside 1..5 (never written by Kairos) reads as itself. */
export function priorityLabel(priority: number): string {
  const label = PRIORITY_LABELS[priority as JourneyPriority];
  return label ? `${priority} · ${label}` : String(priority);
}
