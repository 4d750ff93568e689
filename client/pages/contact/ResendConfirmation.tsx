// A pending contact's "Resend confirmation": the double opt-in email again, at most once per ten minutes.
import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconMailForward } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage, useTRPC } from '../../api/trpc.ts';

export function ResendConfirmation({ contactId }: { contactId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const resend = useMutation(
    trpc.contacts.resendConfirmation.mutationOptions({
      onSuccess: async ({ outcome }) => {
        await queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
        notifications.show({ color: 'teal', message: outcome === 'sent' ? 'Confirmation email sent again.' : 'Confirmation email queued; it goes out shortly.' });
      },
      onError: (error) => notifications.show({ color: 'red', title: 'Not sent', message: errorMessage(error) }),
    }),
  );
  return (
    <Button size="compact-xs" variant="default" mt={4} leftSection={<IconMailForward size={14} aria-hidden />} loading={resend.isPending} onClick={() => resend.mutate({ id: contactId })}>
      Resend confirmation
    </Button>
  );
}
