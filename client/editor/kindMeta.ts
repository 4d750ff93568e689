// How each node kind looks in the editor: icon, colour and palette group. A new kind does not compile until it is here.
import type { MantineColor } from '@mantine/core';
import {
  IconArrowsSplit,
  IconBellRinging,
  IconBolt,
  IconClock,
  IconClockPause,
  IconDoorExit,
  IconGitBranch,
  IconMail,
  IconStairsUp,
  IconUserEdit,
  IconWebhook,
  type Icon,
} from '@tabler/icons-react';
import { kindDefinition, type NodeKind } from '../../shared/journey/kinds.ts';

export type PaletteGroup = 'Start' | 'Messages' | 'Timing' | 'Logic' | 'Contact' | 'End';

export interface KindMeta {
  icon: Icon;
  color: MantineColor;
  group: PaletteGroup;
}

export const KIND_META: Record<NodeKind, KindMeta> = {
  trigger: { icon: IconBolt, color: 'indigo', group: 'Start' },
  email: { icon: IconMail, color: 'blue', group: 'Messages' },
  notify: { icon: IconBellRinging, color: 'cyan', group: 'Messages' },
  wait: { icon: IconClock, color: 'yellow', group: 'Timing' },
  wait_for_event: { icon: IconClockPause, color: 'orange', group: 'Timing' },
  condition: { icon: IconGitBranch, color: 'violet', group: 'Logic' },
  split: { icon: IconArrowsSplit, color: 'grape', group: 'Logic' },
  set_phase: { icon: IconStairsUp, color: 'teal', group: 'Contact' },
  update_contact: { icon: IconUserEdit, color: 'green', group: 'Contact' },
  webhook: { icon: IconWebhook, color: 'pink', group: 'Contact' },
  exit: { icon: IconDoorExit, color: 'gray', group: 'End' },
};

export const PALETTE_GROUPS: readonly PaletteGroup[] = ['Start', 'Messages', 'Timing', 'Logic', 'Contact', 'End'];

/** The key setting of a node in a few words, or null while its config is incomplete. */
export function nodeSummary(kind: NodeKind, config: Record<string, unknown>): string | null {
  const def = kindDefinition(kind);
  const parsed = def.configSchema.safeParse(config);
  return parsed.success ? def.summary(parsed.data as never) : null;
}

/** The drag-and-drop payload type for a node kind dragged from the palette. */
export const PALETTE_MIME = 'application/x-kairos-node-kind';
