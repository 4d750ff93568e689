// Emails the delivery loop is holding (quiet hours, the frequency cap), with why and until when; admins can send one
// now. Shown on the Inbox and on a contact's page, so no email waits silently.
import { Alert, Anchor, Button, Group, List, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconClockPause } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage, useTRPC } from '../../api/trpc.ts';

/** Held emails shown before "Show all": the Inbox stays readable when a whole night's mail waits. */
const FIRST = 3;

export function HeldEmails({ contactId = null }: { contactId?: string | null }) {
  const trpc = useTRPC();
  const [expanded, setExpanded] = useState(false);
  const queryClient = useQueryClient();
  const held = useQuery({ ...trpc.inbox.held.queryOptions({ contactId }), refetchInterval: 15_000 });
  const me = useQuery(trpc.users.me.queryOptions());
  const sendNow = useMutation(
    trpc.inbox.sendHeldNow.mutationOptions({
      onSuccess: async ({ outcome }) => {
        await queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
        notifications.show({ message: outcome === 'sent' ? 'Sent.' : `Released: ${outcome}.` });
      },
      onError: (error) => notifications.show({ color: 'red', title: 'Not sent', message: errorMessage(error) }),
    }),
  );
  if (!held.data || held.data.total === 0) return null;
  const { total, items } = held.data;
  const title = `${total} ${total === 1 ? 'email' : 'emails'} held`;
  return (
    <Alert icon={<IconClockPause aria-hidden />} color="yellow" variant="light" mb="md" title={title}>
      <List size="sm" spacing={4}>
        {(expanded ? items : items.slice(0, FIRST)).map((h) => (
          <List.Item key={h.messageId}>
            <Group gap="xs" wrap="wrap">
              <Text size="sm" span>
                {h.templateName ?? h.templateId}
                {contactId === null && <> to <Anchor component={Link} to={`/contacts/${h.contactId}`} size="sm" underline="always">{h.email}</Anchor></>}
                {h.journeyName && <> ({h.journeyName})</>}: {h.description}
              </Text>
              {me.data?.role === 'admin' && (
                <Button size="compact-xs" variant="default" loading={sendNow.isPending && sendNow.variables?.messageId === h.messageId} onClick={() => sendNow.mutate({ messageId: h.messageId })}>
                  Send now
                </Button>
              )}
            </Group>
          </List.Item>
        ))}
      </List>
      {!expanded && items.length > FIRST && (
        <Button size="compact-xs" variant="subtle" mt={4} onClick={() => setExpanded(true)}>
          Show all {total.toLocaleString()}
        </Button>
      )}
      {expanded && total > items.length && <Text size="xs" mt={4}>…and {total - items.length} more, released soonest first.</Text>}
    </Alert>
  );
}
