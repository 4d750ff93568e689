// The live preview beside the editors: a chosen contact's data, desktop or mobile width, HTML or text, and the problems with their lines.
import { Alert, Badge, Box, Group, Loader, Paper, ScrollArea, SegmentedControl, Select, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { TemplateIssue } from '../../../shared/mail/settings.ts';
import { useTRPC } from '../../api/trpc.ts';
import { EmailFrame, type FrameWidth } from './EmailFrame.tsx';

export interface PreviewState {
  subject: string;
  html: string;
  text: string;
}

const FIELD_LABELS: Record<TemplateIssue['field'], string> = {
  subject: 'Subject',
  preheader: 'Preheader',
  body: 'Body',
  text: 'Text part',
  layout: 'Layout',
  partial: 'Partial',
};

export function issueLabel(issue: TemplateIssue): string {
  return `${FIELD_LABELS[issue.field]}${issue.line ? `, line ${issue.line}` : ''}`;
}

/** Picks the contact whose data fills the preview; the sample contact when none is chosen. */
export function ContactPicker({ value, onChange }: { value: string | null; onChange(id: string | null): void }) {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const contacts = useQuery(trpc.templates.previewContacts.queryOptions({ search: debounced }));
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  const options = (contacts.data ?? []).map((c) => ({ value: c.id, label: c.name ? `${c.name} <${c.email}>` : c.email }));
  if (chosen && !options.some((o) => o.value === chosen.value)) options.unshift(chosen);
  return (
    <Select
      label="Preview as"
      placeholder="Alex Sample (sample contact)"
      searchable
      clearable
      nothingFoundMessage={contacts.isPending ? 'Searching…' : 'No contact matches'}
      data={options}
      value={value}
      searchValue={search}
      onSearchChange={setSearch}
      onChange={(id, option) => {
        setChosen(option ?? null);
        onChange(id);
      }}
      w={300}
      size="sm"
    />
  );
}

export function PreviewPane({
  preview,
  issues,
  pending,
  contactId,
  onContactChange,
  onIssueClick,
}: {
  preview: PreviewState | null;
  issues: TemplateIssue[];
  pending: boolean;
  contactId: string | null;
  onContactChange(id: string | null): void;
  onIssueClick?(issue: TemplateIssue): void;
}) {
  const [width, setWidth] = useState<FrameWidth>('desktop');
  const [view, setView] = useState<'html' | 'text'>('html');
  return (
    <Paper withBorder radius="md" p="md" h="100%">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
          <ContactPicker value={contactId} onChange={onContactChange} />
          <Group gap="xs">
            {pending && <Loader size="xs" role="progressbar" aria-label="Updating the preview" />}
            <SegmentedControl size="xs" aria-label="Preview width" value={width} onChange={(v) => setWidth(v as FrameWidth)} data={[{ value: 'desktop', label: 'Desktop' }, { value: 'mobile', label: 'Mobile' }]} />
            <SegmentedControl size="xs" aria-label="Preview part" value={view} onChange={(v) => setView(v as 'html' | 'text')} data={[{ value: 'html', label: 'HTML' }, { value: 'text', label: 'Text' }]} />
          </Group>
        </Group>
        {issues.length > 0 && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} title={issues.length === 1 ? 'One problem in the template' : `${issues.length} problems in the template`} role="alert">
            <Stack gap={4}>
              {issues.map((issue, i) => (
                <UnstyledButton key={i} onClick={() => onIssueClick?.(issue)} disabled={!onIssueClick || issue.line === null} style={{ textAlign: 'left' }}>
                  <Text size="sm">
                    <Text span fw={600}>{issueLabel(issue)}:</Text> {issue.message}
                  </Text>
                </UnstyledButton>
              ))}
            </Stack>
          </Alert>
        )}
        {preview ? (
          <>
            <Box>
              <Text size="xs" c="dimmed">Subject</Text>
              <Text size="sm" fw={600} data-testid="preview-subject">
                {preview.subject}
              </Text>
            </Box>
            {view === 'html' ? (
              <EmailFrame html={preview.html} title="Email preview" width={width} height="calc(100vh - 390px)" />
            ) : (
              <ScrollArea h="calc(100vh - 390px)" mih={360} type="auto">
                <Box component="pre" m={0} p="md" style={{ whiteSpace: 'pre-wrap', fontSize: 13, fontFamily: 'ui-monospace, Menlo, Consolas, monospace', maxWidth: width === 'mobile' ? 375 : undefined }} aria-label="Text part preview">
                  {preview.text}
                </Box>
              </ScrollArea>
            )}
            {issues.length > 0 && (
              <Badge color="gray" variant="light" w="fit-content">
                Showing the last version that rendered
              </Badge>
            )}
          </>
        ) : (
          !pending && issues.length === 0 && <Text size="sm" c="dimmed">The preview appears here.</Text>
        )}
      </Stack>
    </Paper>
  );
}
