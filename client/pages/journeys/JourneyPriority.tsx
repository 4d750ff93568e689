// A journey's priority on the Journeys list: which journey's email takes a contact's last frequency-cap slot when two
// compete. Marketers change it in place (journeys.setPriority); managers read it.
import { Select, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { JOURNEY_PRIORITIES, priorityLabel } from '../../../shared/journey/priority.ts';
import { errorMessage, useTRPC } from '../../api/trpc.ts';
import { CLOSED_DROPDOWN } from '../../editor/forms/fields.tsx';

const OPTIONS = JOURNEY_PRIORITIES.map((p) => ({ value: String(p), label: priorityLabel(p) }));

/** What priority decides, for the column's header and the select's hint. */
export const PRIORITY_HINT = "When two marketing emails compete for a contact's last slot under the frequency cap, the higher-priority journey's goes and the other waits.";

export function JourneyPriority({ journey }: { journey: { id: string; name: string; priority: number } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const role = useQuery(trpc.users.me.queryOptions()).data?.role;
  const setPriority = useMutation(
    trpc.journeys.setPriority.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.journeys.list.pathFilter()),
      onError: (error) => notifications.show({ color: 'red', title: 'Priority not changed', message: errorMessage(error) }),
    }),
  );
  // Managers run experiments; journeys' settings are the marketers' (as in the editor).
  if (role !== 'admin' && role !== 'marketer') {
    return <Text size="sm">{priorityLabel(journey.priority)}</Text>;
  }
  const value = setPriority.isPending && setPriority.variables ? setPriority.variables.priority : journey.priority;
  return (
    <Tooltip label={PRIORITY_HINT} multiline w={280} openDelay={500}>
      <Select
        aria-label={`Priority of ${journey.name}`}
        size="xs"
        w={150}
        data={OPTIONS}
        value={String(value)}
        allowDeselect={false}
        onChange={(v) => v && Number(v) !== journey.priority && setPriority.mutate({ id: journey.id, priority: Number(v) })}
        comboboxProps={CLOSED_DROPDOWN}
      />
    </Tooltip>
  );
}
