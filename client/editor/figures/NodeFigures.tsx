// The figures strip on a node card of a journey that has run: entered, waiting here now, passed on.
import { memo } from 'react';
import { useNodeFigures } from './FiguresContext.tsx';
import classes from './figures.module.css';
import { compactCount } from './traffic.ts';

const CELLS = [
  { key: 'entered', label: 'entered', spoken: 'entered' },
  { key: 'waiting', label: 'waiting', spoken: 'waiting here now' },
  { key: 'passed', label: 'passed', spoken: 'passed on' },
] as const;

export const NodeFigures = memo(function NodeFigures({ id }: { id: string }) {
  const figures = useNodeFigures(id);
  if (!figures) return null;
  const held = figures.held;
  const spoken = CELLS.map((c) => `${figures[c.key]} ${c.spoken}`).join(', ') + (held > 0 ? `, ${held} ${held === 1 ? 'email' : 'emails'} held by quiet hours or the frequency cap` : '');
  return (
    <div className={classes.strip} data-testid={`figures-${id}`} role="group" aria-label={`Contacts: ${spoken}`} title={`Contacts: ${spoken}`}>
      {CELLS.map((c) => (
        <div key={c.key} className={classes.figure} data-kind={c.key} aria-hidden>
          <span className={classes.value} data-zero={figures[c.key] === 0 || undefined}>
            {compactCount(figures[c.key])}
          </span>{' '}
          {c.label}
        </div>
      ))}
      {held > 0 && (
        <div className={classes.held} aria-hidden>
          {compactCount(held)} held
        </div>
      )}
    </div>
  );
});
