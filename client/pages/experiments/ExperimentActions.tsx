// A manager's decisions on one experiment: stop it (its figures freeze) or ship a variant (a new journey version whose
// split sends everyone down it). Each asks first, saying what will happen and what the figures say now.
import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlayerStop, IconRocket } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { errorMessage, useTRPC } from '../../api/trpc.ts';
import { backedByTheFigures, shipConsequence, VERDICT_STYLE, type ExperimentDetails } from './experimentData.ts';

export const DECIDERS_ONLY = 'Only managers and admins decide experiments.';

type Decision = { kind: 'stop' } | { kind: 'ship'; arm: string; armName: string };

interface ActionsProps {
  details: ExperimentDetails;
  /** The journey's published version and status now (the ship dialog names the version it publishes). */
  journey: { currentVersion: number | null; status: string } | undefined;
  canDecide: boolean;
}

function DecisionDialog({ decision, details, journey, onClose }: { decision: Decision; details: ExperimentDetails; journey: ActionsProps['journey']; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const { experiment, report } = details;
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.experiments.pathFilter()),
      queryClient.invalidateQueries(trpc.journeys.pathFilter()),
      queryClient.invalidateQueries(trpc.lifecycle.pathFilter()),
    ]);
  const ship = useMutation(
    trpc.experiments.ship.mutationOptions({
      onSuccess: async ({ version }) => {
        notifications.show({
          color: 'teal',
          title: `Shipped ${decision.kind === 'ship' ? decision.armName : ''}`,
          message: `Version ${version} of ${experiment.journeyName} is live: everyone who reaches the split from now on gets it.`,
        });
        onClose();
        await refresh();
      },
    }),
  );
  const stop = useMutation(
    trpc.experiments.stop.mutationOptions({
      onSuccess: async () => {
        notifications.show({ color: 'teal', title: 'Experiment stopped', message: `The figures of ${experiment.name} are frozen as of now.` });
        onClose();
        await refresh();
      },
    }),
  );
  const pending = ship.isPending || stop.isPending;
  const error = ship.error ?? stop.error;
  const trimmed = note.trim() || undefined;

  const title = decision.kind === 'ship' ? `Ship ${decision.armName}?` : 'Stop this experiment?';
  return (
    <Modal opened onClose={onClose} title={title} size="lg">
      <Stack gap="md">
        {decision.kind === 'ship' ? (
          <Text size="sm">{shipConsequence(experiment.journeyName, journey?.currentVersion ?? null, decision.armName)}</Text>
        ) : (
          <Text size="sm">
            The experiment's figures freeze as of now and it stops counting. The split keeps dividing contacts by its weights until you ship a
            variant, which you can still do afterwards.
          </Text>
        )}
        <Alert variant="light" color={VERDICT_STYLE[report.verdict.kind].color} title="What the figures say now">
          <Stack gap={6}>
            <Text size="sm">{report.verdict.text}</Text>
            {decision.kind === 'ship' && !backedByTheFigures(report, decision.arm) && (
              <Text size="sm" fw={600}>
                The figures do not show {decision.armName} reliably better yet: shipping it now is a judgement call, not a result.
              </Text>
            )}
          </Stack>
        </Alert>
        <Textarea
          label="Note for the history (optional)"
          description="Why you decided, for whoever reads this experiment later."
          autosize
          minRows={2}
          maxLength={500}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
        />
        {error && (
          <Text size="sm" c="red" role="alert">
            {errorMessage(error)}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          {decision.kind === 'ship' ? (
            <Button
              leftSection={<IconRocket size={16} aria-hidden />}
              loading={ship.isPending}
              onClick={() => ship.mutate({ id: experiment.id, arm: decision.arm, note: trimmed })}
            >
              Ship {decision.armName}
            </Button>
          ) : (
            <Button color="red" leftSection={<IconPlayerStop size={16} aria-hidden />} loading={stop.isPending} onClick={() => stop.mutate({ id: experiment.id, note: trimmed })}>
              Stop experiment
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}

/** Why a decision is not open now; null when it is. */
function blockedReason(details: ExperimentDetails, journey: ActionsProps['journey'], canDecide: boolean): { stop: string | null; ship: string | null } {
  const { experiment } = details;
  if (!canDecide) return { stop: DECIDERS_ONLY, ship: DECIDERS_ONLY };
  const shipped = experiment.status === 'shipped' ? 'This experiment has shipped a variant already.' : null;
  const journeyOff =
    journey && journey.status !== 'live' && journey.status !== 'paused' ? `The journey is ${journey.status}; only a live or paused journey can ship a variant.` : null;
  return {
    stop: experiment.status === 'running' ? null : `This experiment is ${experiment.status} already.`,
    ship: shipped ?? journeyOff,
  };
}

/** What a manager can decide now, with the reason when a decision is closed; what was decided once it has shipped. */
export function ExperimentActions({ details, journey, canDecide }: ActionsProps) {
  const [decision, setDecision] = useState<Decision | null>(null);
  const reasonId = useId();
  const { experiment, history } = details;
  const holdout = experiment.kind === 'holdout';
  const blocked = blockedReason(details, journey, canDecide);
  const showStop = experiment.status === 'running';
  const showShip = !holdout && experiment.status !== 'shipped';

  if (experiment.status === 'shipped') {
    const shipped = history.findLast((h) => h.action === 'shipped');
    const name = experiment.arms.find((a) => a.key === experiment.shippedArm)?.name ?? experiment.shippedArm;
    return (
      <Text size="sm">
        {name} was shipped{shipped?.version != null ? ` in version ${shipped.version}` : ''}
        {shipped ? ` by ${shipped.userName ?? 'Kairos'}` : ''}: everyone who reaches the split now gets it.
      </Text>
    );
  }
  // Stop is shown only while running, when only the role can close it; ship can also be closed by the journey's status.
  const reason = !canDecide ? DECIDERS_ONLY : showShip ? blocked.ship : null;
  return (
    <Stack gap="xs">
      <Text size="sm">
        {holdout
          ? 'A journey holdout has no variant to ship. Stop it to freeze its figures; to stop holding contacts out, turn the holdout off in the journey settings and publish.'
          : 'Shipping a variant publishes a new version of the journey in which everyone who reaches the split gets that variant; contacts already past it keep their branch. Stopping freezes the figures without changing the journey.'}
      </Text>
      {(showShip || showStop) && (
        <Group gap="xs">
          {showShip &&
            experiment.arms.map((arm) => (
              <Button
                key={arm.key}
                variant={arm.key === experiment.controlKey ? 'default' : 'filled'}
                leftSection={<IconRocket size={16} aria-hidden />}
                disabled={blocked.ship !== null}
                aria-describedby={blocked.ship ? reasonId : undefined}
                onClick={() => setDecision({ kind: 'ship', arm: arm.key, armName: arm.name })}
              >
                Ship {arm.name}
              </Button>
            ))}
          {showStop && (
            <Button
              variant="default"
              leftSection={<IconPlayerStop size={16} aria-hidden />}
              disabled={blocked.stop !== null}
              aria-describedby={blocked.stop ? reasonId : undefined}
              onClick={() => setDecision({ kind: 'stop' })}
            >
              Stop experiment
            </Button>
          )}
        </Group>
      )}
      {reason && (
        <Text size="sm" c="dimmed" id={reasonId}>
          {reason}
        </Text>
      )}
      {!showStop && experiment.status === 'stopped' && (
        <Text size="sm" c="dimmed">
          Stopped: the figures are frozen as of {new Date(experiment.endedAt ?? Date.now()).toLocaleDateString()}.
        </Text>
      )}
      {decision && <DecisionDialog decision={decision} details={details} journey={journey} onClose={() => setDecision(null)} />}
    </Stack>
  );
}
