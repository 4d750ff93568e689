// The journey holdout's result beside the journey's figures: converted with the journey vs held out, and the verdict.
import { Anchor, Group, Popover, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconScale } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTRPC } from '../../api/trpc.ts';
import { useHoldoutExperiment } from '../experiments/ExperimentsContext.tsx';
import { experimentPath, experimentStatusText, holdoutEffect, type HoldoutEffect, type JourneyExperiment } from '../experiments/experiments.ts';
import { FIGURES_REFRESH_MS } from './FiguresContext.tsx';

interface HoldoutResult {
  experiment: JourneyExperiment;
  /** Null while either group is empty, or until the report has loaded. */
  effect: HoldoutEffect | null;
}

/** The journey holdout's experiment and its effect, or null when the journey never held anyone out. */
export function useHoldoutResult(): HoldoutResult | null {
  const trpc = useTRPC();
  const experiment = useHoldoutExperiment();
  // The list carries contacts per arm but not conversions: the rates come from the experiment's report.
  const details = useQuery({
    ...trpc.experiments.get.queryOptions({ id: experiment?.id ?? '' }),
    enabled: !!experiment,
    refetchInterval: experiment?.status === 'running' ? FIGURES_REFRESH_MS : false,
    refetchIntervalInBackground: false,
    staleTime: FIGURES_REFRESH_MS / 2,
  });
  if (!experiment) return null;
  return { experiment, effect: details.data ? holdoutEffect(details.data.report) : null };
}

/** The sentence, the verdict and the way to the experiment's page. */
export function HoldoutEffectDetails({ result }: { result: HoldoutResult }) {
  const { experiment, effect } = result;
  return (
    <Stack gap={4} data-testid="holdout-effect">
      <Text size="sm" fw={600}>
        Incremental effect
      </Text>
      {effect && <Text size="sm">{effect.text}</Text>}
      <Text size="sm" c="dimmed">
        {experiment.verdict.text}
      </Text>
      <Text size="xs" c="dimmed">
        {experimentStatusText(experiment)} · {experiment.metricLabel}
      </Text>
      <Anchor component={Link} to={experimentPath(experiment.id)} size="sm">
        Open experiment
      </Anchor>
    </Stack>
  );
}

/** In the header, beside enrolled and converted: the two rates, with the whole result one click away. */
export function HoldoutSummary() {
  const result = useHoldoutResult();
  if (!result) return null;
  const { effect } = result;
  return (
    <Popover position="bottom-start" width={320} shadow="md" withArrow>
      <Popover.Target>
        <UnstyledButton aria-label={`Journey holdout: ${effect?.text ?? result.experiment.verdict.text}`} data-testid="holdout-summary" style={{ whiteSpace: 'nowrap' }}>
          <Stack gap={0}>
            <Group gap={4} wrap="nowrap">
              <IconScale size={12} color="var(--mantine-color-blue-7)" aria-hidden />
              <Text size="xs" lh={1.3}>
                <Text span inherit fw={650}>
                  {effect?.treated ?? '–'}
                </Text>{' '}
                <Text span inherit c="dimmed">
                  with the journey
                </Text>
              </Text>
            </Group>
            <Text size="xs" lh={1.3} pl={16}>
              <Text span inherit fw={650}>
                {effect?.held ?? '–'}
              </Text>{' '}
              <Text span inherit c="dimmed">
                held out
              </Text>
            </Text>
          </Stack>
        </UnstyledButton>
      </Popover.Target>
      <Popover.Dropdown>
        <HoldoutEffectDetails result={result} />
      </Popover.Dropdown>
    </Popover>
  );
}
