// Sections whose features arrive in later releases: each says so plainly and shows what is coming.
import { IconFlask } from '@tabler/icons-react';
import { PageHeader } from '../ui/PageHeader.tsx';
import { PlannedFeature } from '../ui/PlannedFeature.tsx';

const NOT_YET = 'This part of Kairos is not available in this version yet.';

export function ExperimentsPage() {
  return (
    <>
      <PageHeader title="Experiments" description="A/B tests from the split nodes of your journeys." />
      <PlannedFeature
        icon={IconFlask}
        title="Experiments are coming"
        planned={['Per-variant conversion with intervals', 'Lift against the control', 'Declare a winner']}
      >
        {NOT_YET}
      </PlannedFeature>
    </>
  );
}

