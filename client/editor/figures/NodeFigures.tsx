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
  const spoken = CELLS.map((c) => `${figures[c.key]} ${c.spoken}`).join(', ');
  const heldSpoken = `${held} ${held === 1 ? 'email' : 'emails'} held now by quiet hours or the frequency cap (see the Inbox)`;
  return (
    <>
      <div className={classes.strip} data-testid={`figures-${id}`} role="group" aria-label={`Contacts: ${spoken}`} title={`Contacts: ${spoken}`}>
        {CELLS.map((c) => (
          <div key={c.key} className={classes.figure} data-kind={c.key} aria-hidden>
            <span className={classes.value} data-zero={figures[c.key] === 0 || undefined}>
              {compactCount(figures[c.key])}
            </span>{' '}
            {c.label}
          </div>
        ))}
      </div>
      {/* Its own line, so a hold is never silent: read out on its own, and shown where the email step is. */}
      {held > 0 && (
        <div className={classes.held} data-testid={`held-${id}`} title={heldSpoken}>
          <span className={classes.visuallyHidden}>{heldSpoken}</span>
          <span aria-hidden>{compactCount(held)} {held === 1 ? 'email' : 'emails'} held</span>
        </div>
      )}
    </>
  );
});
