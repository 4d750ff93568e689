// The contact page's referrals (contacts.referrals): their referral link to copy, who referred them, and whom they
// referred, each with when the referral counted (their confirmation) and their subscription now.
import { ActionIcon, Anchor, Card, Code, CopyButton, Group, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTRPC } from '../../api/trpc.ts';
import { ErrorState, LoadingState } from '../../ui/QueryState.tsx';
import { formatDateTime, SubscriptionBadge } from '../contacts/contactUi.tsx';

function ContactLink({ id, name, email }: { id: string; name: string | null; email: string }) {
  return (
    <Anchor component={Link} to={`/contacts/${encodeURIComponent(id)}`} size="sm">
      {name ?? email}
    </Anchor>
  );
}

function ReferralLink({ url }: { url: string | null }) {
  if (!url) {
    return (
      <Text size="sm" c="dimmed">
        Referral links are made by the server process that sends email; it is not running here.
      </Text>
    );
  }
  return (
    <Group gap="xs" wrap="nowrap" align="center" role="group" aria-label="Referral link">
      <Code style={{ wordBreak: 'break-all', flex: 1 }}>{url}</Code>
      <CopyButton value={url} timeout={2000}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy referral link'} withArrow>
            <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label="Copy referral link">
              {copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

export function ContactReferrals({ contactId }: { contactId: string }) {
  const trpc = useTRPC();
  const referrals = useQuery(trpc.contacts.referrals.queryOptions({ id: contactId }));
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="referrals-title">
      <Title order={2} size="h5" mb="sm" id="referrals-title">
        Referrals
      </Title>
      {referrals.isPending ? (
        <LoadingState label="Loading referrals" />
      ) : referrals.isError ? (
        <ErrorState error={referrals.error} onRetry={() => referrals.refetch()} />
      ) : (
        <Stack gap="md">
          <Stack gap={4}>
            <Text size="sm" c="dimmed">
              Referral link ({'{{ contact.referral_url }}'} in templates)
            </Text>
            <ReferralLink url={referrals.data.url} />
          </Stack>
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <Text size="sm" c="dimmed">
              Referred by
            </Text>
            {referrals.data.referredBy ? (
              <div style={{ textAlign: 'right' }}>
                <ContactLink {...referrals.data.referredBy} />
                <Text size="xs" c="dimmed">
                  confirmed {formatDateTime(referrals.data.referredBy.at)}
                </Text>
              </div>
            ) : (
              <Text size="sm">Nobody</Text>
            )}
          </Group>
          <Stack gap={4}>
            <Text size="sm" c="dimmed">
              {referrals.data.referredCount === 0 ? 'Referred' : `Referred (${referrals.data.referredCount})`}
            </Text>
            {referrals.data.referred.length === 0 ? (
              <Text size="sm">No one yet: people who subscribe through this link and confirm show here.</Text>
            ) : (
              <Table verticalSpacing={6} aria-label="Referred contacts">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Contact</Table.Th>
                    <Table.Th>Confirmed</Table.Th>
                    <Table.Th>Subscription</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {referrals.data.referred.map((r) => (
                    <Table.Tr key={r.id}>
                      <Table.Td>
                        <ContactLink {...r} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs">{formatDateTime(r.at)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <SubscriptionBadge status={r.subscription} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            {referrals.data.referredCount > referrals.data.referred.length && (
              <Text size="xs" c="dimmed">
                The newest {referrals.data.referred.length} of {referrals.data.referredCount}.
              </Text>
            )}
          </Stack>
        </Stack>
      )}
    </Card>
  );
}
