// The simulated path on a node card: a ring around the card and the position(s) at which the run entered it.
import { memo } from 'react';
import { useSimulatedVisits } from './SimulatorContext.tsx';
import classes from './simulator.module.css';

const MAX_SHOWN = 3;

export const SimulatedMarker = memo(function SimulatedMarker({ id }: { id: string }) {
  const visits = useSimulatedVisits(id);
  if (!visits) return null;
  const shown = visits.length > MAX_SHOWN ? `${visits.slice(0, MAX_SHOWN).join(', ')}…` : visits.join(', ');
  return (
    <>
      <div className={classes.ring} aria-hidden data-testid={`simulated-${id}`} />
      <div className={classes.order} title={`Simulated run: step ${visits.join(', ')}`} aria-label={`On the simulated path, step ${visits.join(', ')}`}>
        {shown}
      </div>
    </>
  );
});
