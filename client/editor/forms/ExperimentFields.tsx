// The Experiment section of a split's side panel: hypothesis, primary metric, minimum effect and guardrails, the
// running experiment's figures, and — for a manager, whose editor is otherwise read-only — their own save button.
import { Alert, Anchor, Button, Checkbox, Fieldset, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFlask } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { useController, useFormContext } from 'react-hook-form';
import { Link } from 'react-router';
import { GUARDRAILS } from '../../../shared/journey/nodes/split.ts';
import { errorMessage, useTRPC } from '../../api/trpc.ts';
import { useEditor } from '../EditorContext.tsx';
import { publishesOnConfigure, useExperimentFor, useJourneyExperiments } from '../experiments/ExperimentsContext.tsx';
import { contactsText, experimentPath, experimentStatusText, startsNewExperiment } from '../experiments/experiments.ts';
import {
  defaultMetricWording,
  experimentSettingsOf,
  GUARDRAIL_CHOICE_LABELS,
  METRIC_CHOICE_LABELS,
  metricChoiceOf,
  metricForChoice,
  metricNeeds,
  metricWording,
  orderedGuardrails,
  withExperimentDefaults,
  type MetricChoice,
} from '../experiments/settings.ts';
import { CLOSED_DROPDOWN, NumberField, TextareaField, TextField } from './fields.tsx';

const CHOICES: MetricChoice[] = ['default', 'goal', 'event', 'clicked', 'revenue'];

function MetricField({ nodeId }: { nodeId: string }) {
  const { control } = useFormContext();
  const { field, fieldState } = useController({ name: 'experiment.metric', control });
  const settings = useEditor((s) => s.settings);
  // The validator's word when the metric is the goal and the journey has none (experiment_needs_goal).
  const needsGoal = useEditor((s) => s.issuesByNode.get(nodeId)?.find((i) => i.code === 'experiment_needs_goal')?.message);
  const choice = metricChoiceOf(field.value);
  const hasGoal = !!settings.goal;
  const data = CHOICES.map((c) => ({
    value: c,
    label: c === 'goal' && !hasGoal ? `${METRIC_CHOICE_LABELS.goal} (the journey has no goal)` : METRIC_CHOICE_LABELS[c],
    disabled: c === 'goal' && !hasGoal && choice !== 'goal',
  }));
  // What "Default" and "the journey goal" measure here; the other kinds say it in their own fields.
  const description = choice === 'default' ? defaultMetricWording(settings) : choice === 'goal' && hasGoal ? metricWording({ kind: 'goal' }, settings) : undefined;
  const needs = metricNeeds(choice);
  const ownError = (fieldState.error as { message?: string } | undefined)?.message;
  return (
    <>
      <Select
        label="Primary metric"
        description={description}
        data={data}
        allowDeselect={false}
        value={choice}
        onChange={(v) => field.onChange(metricForChoice((v ?? 'default') as MetricChoice, field.value))}
        onBlur={field.onBlur}
        ref={field.ref}
        error={needsGoal ?? ownError}
        comboboxProps={CLOSED_DROPDOWN}
      />
      {(needs.event || needs.days) && (
        <Group gap="xs" align="flex-start" wrap="nowrap">
          {needs.event && (
            <div style={{ flex: 1 }}>
              <TextField name="experiment.metric.event" label={choice === 'revenue' ? 'Revenue event' : 'Event'} placeholder="e.g. order_completed" />
            </div>
          )}
          <div style={{ width: needs.event ? 110 : '100%' }}>
            <NumberField name="experiment.metric.withinDays" label="Within" suffix=" days" min={1} max={365} />
          </div>
        </Group>
      )}
      {choice === 'revenue' && (
        <Text size="xs" c="dimmed">
          Sums the event's <Text span ff="monospace" size="xs">revenue</Text> property per contact.
        </Text>
      )}
    </>
  );
}

function GuardrailsField() {
  const { control } = useFormContext();
  const { field, fieldState } = useController({ name: 'experiment.guardrails', control });
  return (
    <Checkbox.Group
      label="Guardrails"
      description="A variant that reliably raises one of these is flagged, whatever it does to the metric."
      value={(field.value as string[] | undefined) ?? []}
      onChange={(values) => field.onChange(orderedGuardrails(values))}
      error={fieldState.error?.message}
    >
      <Stack gap={6} mt={6}>
        {GUARDRAILS.map((g) => (
          <Checkbox key={g} value={g} label={GUARDRAIL_CHOICE_LABELS[g]} />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}

/** The experiment this split runs now (or ran last): status, contacts, verdict, and the way to its page. */
function ExperimentNow({ nodeId }: { nodeId: string }) {
  const experiment = useExperimentFor(nodeId);
  if (!experiment) return null;
  return (
    <Paper withBorder p="xs" radius="sm" data-testid="split-experiment">
      <Stack gap={4}>
        <Text size="xs" fw={600} c={experiment.status === 'running' ? 'blue.8' : 'dimmed'}>
          {experimentStatusText(experiment)}
        </Text>
        <Text size="xs">
          <Text span size="xs" c="dimmed">
            Contacts so far:{' '}
          </Text>
          {contactsText(experiment.contacts)}
        </Text>
        <Text size="xs" c="dimmed">
          Measures: {experiment.metricLabel}
        </Text>
        <Text size="sm">{experiment.verdict.text}</Text>
        <Anchor component={Link} to={experimentPath(experiment.id)} size="sm">
          Open experiment
        </Anchor>
      </Stack>
    </Paper>
  );
}

/** A manager's own save: experiments.configure writes the settings into the draft, and publishes them when live. */
function SaveExperimentSettings({ nodeId }: { nodeId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { journeyId, status } = useJourneyExperiments();
  const { watch, trigger } = useFormContext();
  const journeySettings = useEditor((s) => s.settings);
  const running = useExperimentFor(nodeId);
  const configure = useMutation(trpc.experiments.configure.mutationOptions());
  // What the server's draft holds (the page's query of the journey), not what the form opened with: unsaved edits
  // stay in the editor's store when the panel closes, and must still read as unsaved when it opens again.
  const journey = useQuery({ ...trpc.journeys.get.queryOptions({ id: journeyId }), refetchOnWindowFocus: false });
  const serverConfig = journey.data?.graph.nodes.find((n) => n.id === nodeId)?.config;
  const saved = serverConfig ? experimentSettingsOf(withExperimentDefaults(serverConfig).experiment) : null;
  const result = experimentSettingsOf(watch('experiment'));
  const changed = !result.ok || !saved?.ok || JSON.stringify(result.settings) !== JSON.stringify(saved.settings);
  const restarts = changed && running?.status === 'running' && publishesOnConfigure(status) && result.ok && startsNewExperiment(running, result.settings, journeySettings);
  const hintId = useId();

  async function save() {
    if (!result.ok) {
      await trigger('experiment');
      return;
    }
    try {
      const { version } = await configure.mutateAsync({ journeyId, nodeId, settings: result.settings });
      // Awaited: the button reads as saved once the draft it compares with has them.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.journeys.get.queryKey({ id: journeyId }) }),
        queryClient.invalidateQueries(trpc.journeys.versions.pathFilter()),
        queryClient.invalidateQueries(trpc.experiments.list.pathFilter()),
      ]);
      notifications.show({
        color: 'teal',
        title: version === null ? 'Experiment settings saved' : `Version ${version} published`,
        message: version === null ? 'They are in the draft and take effect when the journey is published.' : 'Only the experiment settings changed.',
      });
    } catch (error) {
      notifications.show({ color: 'red', title: 'The experiment settings were not saved', message: errorMessage(error) });
    }
  }

  return (
    <Stack gap={4}>
      {restarts && (
        <Alert color="yellow" variant="light" p="xs">
          <Text size="xs">Saving starts a new experiment: the running one ends with the figures it has.</Text>
        </Alert>
      )}
      <Button size="xs" onClick={() => void save()} loading={configure.isPending || journey.isFetching} disabled={!changed} aria-describedby={hintId} style={{ alignSelf: 'flex-start' }}>
        Save experiment settings
      </Button>
      <Text size="xs" c="dimmed" id={hintId}>
        {publishesOnConfigure(status)
          ? 'Publishes a new version with only these settings changed.'
          : 'Saves them into the draft; they take effect when the journey is published.'}
      </Text>
    </Stack>
  );
}

export function ExperimentFields({ nodeId }: { nodeId: string }) {
  const { editing, status } = useJourneyExperiments();
  const titleId = useId();
  return (
    <Stack gap="sm" component="section" aria-labelledby={titleId} mt="xs">
      <Group gap={6}>
        <IconFlask size={16} color="var(--mantine-color-dimmed)" aria-hidden />
        <Title order={3} size="h6" id={titleId}>
          Experiment
        </Title>
      </Group>
      <ExperimentNow nodeId={nodeId} />
      <Fieldset variant="unstyled" disabled={editing === 'view'}>
        <Stack gap="sm">
          <TextareaField
            name="experiment.hypothesis"
            label="Hypothesis"
            placeholder="e.g. A personal note from the founder makes more subscribers buy within 30 days."
          />
          <MetricField nodeId={nodeId} />
          <NumberField
            name="experiment.minimumEffect"
            label="Minimum effect of interest"
            description="The smallest relative lift worth detecting; it sets how many contacts the test needs."
            suffix="% lift"
            min={1}
            max={500}
          />
          <GuardrailsField />
          <Text size="xs" c="dimmed">
            Changing the metric, the minimum effect or the guardrails of a running experiment starts a new one; the hypothesis can change
            freely.
            {editing === 'draft' && publishesOnConfigure(status) ? ' Changes here take effect when the journey is published.' : ''}
          </Text>
          {editing === 'configure' && <SaveExperimentSettings nodeId={nodeId} />}
        </Stack>
      </Fieldset>
    </Stack>
  );
}
