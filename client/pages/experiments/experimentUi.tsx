// Small pieces both experiment pages show the same way: an experiment's status and its verdict's kind as badges.
import { Badge } from '@mantine/core';
import type { VerdictKind } from '../../../shared/stats/verdict.ts';
import { STATUS_STYLE, VERDICT_STYLE, type ExperimentStatus } from './experimentData.ts';

export function ExperimentStatusBadge({ status, size = 'sm' }: { status: ExperimentStatus; size?: 'xs' | 'sm' | 'md' }) {
  const s = STATUS_STYLE[status];
  return (
    <Badge component="span" size={size} variant="light" color={s.color}>
      {s.label}
    </Badge>
  );
}

export function VerdictBadge({ kind }: { kind: VerdictKind }) {
  const v = VERDICT_STYLE[kind];
  return (
    <Badge component="span" size="sm" variant="light" color={v.color} style={{ flexShrink: 0 }}>
      {v.label}
    </Badge>
  );
}
