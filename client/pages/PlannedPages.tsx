// Sections whose features arrive in later releases: each says so plainly and shows what is coming.
import { IconFlask, IconInbox, IconMail } from '@tabler/icons-react';
import { PageHeader } from '../ui/PageHeader.tsx';
import { PlannedFeature } from '../ui/PlannedFeature.tsx';

const NOT_YET = 'This part of Kairos is not available in this version yet.';

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
