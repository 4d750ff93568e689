// Sections whose features arrive in later releases: each says so plainly and shows what is coming.
import { Anchor, Badge, Group } from '@mantine/core';
import { IconFlask, IconInbox, IconMail, IconRoute, IconUsers } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { useTRPC } from '../api/trpc.ts';
import { PageHeader } from '../ui/PageHeader.tsx';
import { PlannedFeature } from '../ui/PlannedFeature.tsx';

const NOT_YET = 'This part of Kairos is not available in this version yet.';

export function JourneysPage() {
  return (
    <>
      <PageHeader title="Journeys" description="Every journey of the workspace, by moment, persona and status." />
      <PlannedFeature
        icon={IconRoute}
        title="The journey editor is coming"
        planned={[
          'Draw journeys on a canvas: triggers, emails, waits, conditions and splits',
          'Validation that points at each problem before you publish',
          'Versions, publish, pause and resume',
        ]}
      >
        {NOT_YET} Meanwhile the Lifecycle page shows where each journey will go.
      </PlannedFeature>
    </>
  );
}

export function NewJourneyPage() {
  const trpc = useTRPC();
  const [params] = useSearchParams();
  const matrix = useQuery(trpc.lifecycle.matrix.queryOptions());
  const moment = matrix.data?.moments.find((m) => m.key === params.get('moment'));
  const personaKey = params.get('persona');
  const persona = personaKey === 'all' ? 'All personas' : matrix.data?.personas.find((p) => p.key === personaKey)?.name;
  return (
    <>
      <PageHeader
        title="New journey"
        description={
          <Group gap="xs" component="span">
            {moment && <Badge variant="light">{moment.label}</Badge>}
            {persona && <Badge variant="light" color="gray">{persona}</Badge>}
          </Group>
        }
      />
      <PlannedFeature
        icon={IconRoute}
        title="The journey editor is coming"
        planned={['A starter journey for this moment, scoped to this persona', 'Drag, connect and configure nodes']}
      >
        {NOT_YET}{' '}
        <Anchor component={Link} to="/">
          Back to the lifecycle matrix
        </Anchor>
      </PlannedFeature>
    </>
  );
}

export function TemplatesPage() {
  return (
    <>
      <PageHeader title="Templates" description="The emails your journeys send, written in MJML with Liquid." />
      <PlannedFeature
        icon={IconMail}
        title="Email templates are coming"
        planned={['Starter templates for the five moments', 'Live preview at desktop and mobile width', 'Test sends']}
      >
        {NOT_YET}
      </PlannedFeature>
    </>
  );
}

export function ContactsPage() {
  return (
    <>
      <PageHeader title="Contacts" description="The people your journeys reach, with their persona, phase and consent." />
      <PlannedFeature
        icon={IconUsers}
        title="Contacts are coming"
        planned={['Search and filters by persona, phase and subscription', 'CSV import', 'A timeline per contact']}
      >
        {NOT_YET} No contacts exist until you import them or your shop sends events.
      </PlannedFeature>
    </>
  );
}

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

export function InboxPage() {
  return (
    <>
      <PageHeader title="Inbox" description="Every email Kairos sends in development, captured here instead of delivered." />
      <PlannedFeature
        icon={IconInbox}
        title="The development inbox is coming"
        planned={['Captured emails by recipient', 'Rendered HTML, text and headers']}
      >
        {NOT_YET}
      </PlannedFeature>
    </>
  );
}
