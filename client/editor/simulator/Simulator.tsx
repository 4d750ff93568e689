// The simulator in the editor: a drawer beside the canvas that runs the current draft for one contact in virtual
// time (journeys.simulate, the executor's interpreter) and shows the path. Nothing is sent or stored.
import { Alert, Button, Drawer, Group, Loader, Stack, Tabs, Text, Tooltip } from '@mantine/core';
import { zodResolver } from '@hookform/resolvers/zod';
import { IconAlertTriangle, IconFlask, IconPlayerPlay } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useLayoutEffect, useMemo, useState, type ReactNode } from 'react';
import { useParams } from 'react-router';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import type { GraphNode } from '../../../shared/journey/graph.ts';
import type { ValidationIssue } from '../../../shared/journey/validate.ts';
import { errorMessage, useTRPC } from '../../api/trpc.ts';
import { toGraph } from '../convert.ts';
import { useEditorStoreApi } from '../EditorContext.tsx';
import { usePickedContact } from './ContactPicker.tsx';
import { defaultSimulatorValues, entryEventOf, eventNamesOf, simulatorValuesSchema, toSimulateRequest, zoneOf, type SimulatorValues } from './request.ts';
import { IssueList, SimulationResultView, type SimulationRecord } from './SimulationResultView.tsx';
import { SimulatorStoreProvider, useSimulator } from './SimulatorContext.tsx';
import { SimulatorForm } from './SimulatorForm.tsx';
import classes from './simulator.module.css';
import { simulatedPath } from './timeline.ts';

/** Where the editor's body starts: the drawer opens below the editor's header, whose actions stay in reach. */
function useBodyTop(opened: boolean): number {
  const [top, setTop] = useState(0);
  useLayoutEffect(() => {
    if (!opened) return;
    const measure = () => setTop(Math.max(0, Math.round(document.querySelector('[data-journey-canvas]')?.getBoundingClientRect().top ?? 0)));
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [opened]);
  return top;
}

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

type Outcome = { kind: 'run'; record: SimulationRecord } | { kind: 'refused'; issues: ValidationIssue[]; nodes: GraphNode[] };

function SimulatorDrawer({ personaKey }: { personaKey: string | null }) {
  const trpc = useTRPC();
  const store = useEditorStoreApi();
  const opened = useSimulator((s) => s.opened);
  const close = useSimulator((s) => s.close);
  const showPath = useSimulator((s) => s.showPath);
  const [tab, setTab] = useState<string | null>('setup');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const simulate = useMutation(trpc.journeys.simulate.mutationOptions());
  // The journey on screen: a holdout in it holds out the contacts the executor would.
  const { id: journeyId } = useParams();
  const top = useBodyTop(opened);

  // Made once: the form keeps what the marketer typed while the drawer is closed and opened again.
  const [defaults] = useState(() =>
    defaultSimulatorValues({ personaKey, now: Date.now(), timezone: browserZone(), entryEvent: entryEventOf(toGraph(store.getState()).graph) }),
  );
  const form = useForm<SimulatorValues>({ resolver: zodResolver(simulatorValuesSchema), defaultValues: defaults, mode: 'onSubmit' });
  const contactId = useWatch({ control: form.control, name: 'contactId' });
  const source = useWatch({ control: form.control, name: 'source' });
  const picked = usePickedContact(source === 'pick' ? contactId : null);
  const pickedZone = picked.data?.contact.timezone ?? null;
  // The names offered for scripted events follow the draft as it is when the drawer opens.
  const eventNames = useMemo(() => (opened ? eventNamesOf(toGraph(store.getState()).graph) : []), [opened, store]);

  const run = form.handleSubmit(async (values) => {
    const { graph } = toGraph(store.getState());
    const zone = values.source === 'pick' ? zoneOf(pickedZone) : zoneOf(values.timezone);
    const request = { ...toSimulateRequest(values, graph, zone), ...(journeyId ? { journeyId } : {}) };
    setTab('result');
    showPath(null);
    try {
      const result = await simulate.mutateAsync(request);
      if (!result.ok) {
        setOutcome({ kind: 'refused', issues: result.issues, nodes: graph.nodes });
        return;
      }
      setOutcome({
        kind: 'run',
        record: {
          run: result,
          nodes: graph.nodes,
          script: request.events.map((e) => ({ name: e.name, at: Date.parse(e.at), properties: e.properties })),
          zone,
          horizonDays: values.horizonDays,
          contactId: values.source === 'pick' ? values.contactId : null,
          contact: request.contact ?? null,
          subscription: values.source === 'pick' ? (picked.data?.contact.subscription ?? null) : values.subscription,
          hasGoal: graph.settings.goal !== null,
        },
      });
      showPath(simulatedPath(result.steps));
    } catch {
      setOutcome(null);
    }
  }, () => setTab('setup'));

  let result: ReactNode;
  if (simulate.isPending) {
    result = (
      <Group gap="xs" c="dimmed" py="lg" justify="center">
        <Loader size="sm" aria-hidden />
        <Text size="sm">Running the journey in virtual time…</Text>
      </Group>
    );
  } else if (simulate.isError) {
    result = (
      <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} title="The simulation did not run">
        {errorMessage(simulate.error)}
      </Alert>
    );
  } else if (outcome?.kind === 'refused') {
    result = (
      <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} title="The draft cannot run yet">
        <Stack gap="xs">
          <Text size="sm">Fix these problems first; a click on a step shows it on the canvas.</Text>
          <IssueList issues={outcome.issues} nodes={outcome.nodes} />
        </Stack>
      </Alert>
    );
  } else if (outcome?.kind === 'run') {
    result = <SimulationResultView record={outcome.record} />;
  } else {
    result = (
      <Stack align="center" gap="xs" py="xl">
        <IconFlask size={32} stroke={1.4} color="var(--mantine-color-dimmed)" aria-hidden />
        <Text size="sm" c="dimmed" ta="center" maw={300}>
          Describe or pick a contact and run the simulation: the path, every wait and every email appear here.
        </Text>
      </Stack>
    );
  }

  return (
    <Drawer
      opened={opened}
      onClose={close}
      position="right"
      size={520}
      title={
        <Stack gap={0}>
          <Text fw={650}>Simulate a contact</Text>
          <Text size="xs" c="dimmed">
            Runs this draft in virtual time, as the executor would. Nothing is sent or stored.
          </Text>
        </Stack>
      }
      // Beside the canvas, not over it: the path shows on the nodes while the result is read.
      withOverlay={false}
      lockScroll={false}
      trapFocus={false}
      closeOnClickOutside={false}
      shadow="md"
      // A column down to the bottom edge, so the Run button sits there even when the result is short.
      styles={{
        inner: { top },
        content: { display: 'flex', flexDirection: 'column', borderLeft: '1px solid var(--mantine-color-gray-3)' },
        body: { display: 'flex', flex: 1, flexDirection: 'column', paddingBottom: 0 },
      }}
    >
      <FormProvider {...form}>
        <form onSubmit={(e) => void run(e)} aria-label="Simulation" noValidate style={{ display: 'flex', flex: 1, flexDirection: 'column' }}>
          <Tabs value={tab} onChange={setTab} keepMounted={false} style={{ flex: 1 }}>
            <Tabs.List mb="md">
              <Tabs.Tab value="setup">Contact and script</Tabs.Tab>
              <Tabs.Tab value="result">Result</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="setup" pb="md">
              <SimulatorForm eventNames={eventNames} pickedZone={pickedZone} />
            </Tabs.Panel>
            <Tabs.Panel value="result" pb="md">
              {result}
            </Tabs.Panel>
          </Tabs>
          <Group
            justify="space-between"
            py="sm"
            style={{ position: 'sticky', bottom: 0, background: 'var(--mantine-color-body)', borderTop: '1px solid var(--mantine-color-gray-3)' }}
          >
            <Text size="xs" c={Object.keys(form.formState.errors).length > 0 ? 'red' : 'dimmed'}>
              {Object.keys(form.formState.errors).length > 0 ? 'Some fields need attention.' : 'Runs the unsaved draft too.'}
            </Text>
            <Button type="submit" leftSection={<IconPlayerPlay size={16} />} loading={simulate.isPending}>
              Run simulation
            </Button>
          </Group>
        </form>
      </FormProvider>
    </Drawer>
  );
}

/** Provides the simulator to the editor (the canvas reads its path) and mounts its drawer. */
export function Simulator({ personaKey, children }: { personaKey: string | null; children: ReactNode }) {
  return (
    <SimulatorStoreProvider>
      {children}
      <SimulatorDrawer personaKey={personaKey} />
    </SimulatorStoreProvider>
  );
}

/** The header button that opens and closes the simulator. */
export function SimulateButton() {
  const open = useSimulator((s) => s.open);
  const close = useSimulator((s) => s.close);
  const opened = useSimulator((s) => s.opened);
  return (
    <Tooltip label="Simulate a contact through this draft">
      <Button
        variant={opened ? 'light' : 'default'}
        size="xs"
        leftSection={<IconFlask size={16} aria-hidden />}
        onClick={opened ? close : open}
        aria-pressed={opened}
      >
        Simulate
      </Button>
    </Tooltip>
  );
}
