// One simulated email rendered on demand: the template's current version through templates.preview, shown in a
// sandboxed iframe (no scripts, no access to the app). Nothing is sent.
import { Alert, Group, Loader, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { errorMessage, useTRPC } from '../../api/trpc.ts';
import classes from './simulator.module.css';

export interface EmailPreviewProps {
  templateId: string;
  subjectOverride?: string;
  /** A stored contact whose data fills the template. */
  contactId: string | null;
  /** Or a described one; the sample contact with neither. */
  contact: { email: string; traits: Record<string, unknown>; phase: string; personaKey: string | null; timezone: string | null } | null;
  /** The entering event's properties, for templates that show the order or the cart. */
  event: Record<string, unknown>;
  title: string;
}

export function EmailPreview({ templateId, subjectOverride, contactId, contact, event, title }: EmailPreviewProps) {
  const trpc = useTRPC();
  const template = useQuery(trpc.templates.get.queryOptions({ id: templateId }));
  const { mutate, data, error, isError, isPending } = useMutation(trpc.templates.preview.mutationOptions());

  useEffect(() => {
    if (!template.data) return;
    const { content } = template.data;
    mutate({
      content: { subject: subjectOverride || content.subject, preheader: content.preheader, body: content.body, text: content.text },
      layout: template.data.template.layout,
      contactId,
      contact,
      event,
    });
    // One render per template version; the contact and the event are the run's own and do not change under it.
  }, [template.data, subjectOverride, contactId, mutate]);

  if (template.isError || isError) {
    return (
      <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} title="Could not render this email">
        {errorMessage(template.error ?? error)}
      </Alert>
    );
  }
  if (template.isPending || isPending || !data) {
    return (
      <Group gap="xs" c="dimmed" py="xs">
        <Loader size="xs" aria-hidden />
        <Text size="xs">Rendering the email…</Text>
      </Group>
    );
  }
  if (!data.ok) {
    return (
      <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} title="The template has problems">
        <Stack gap={2}>
          {data.issues.map((issue, i) => (
            <Text key={i} size="xs">
              {issue.line ? `Line ${issue.line}: ` : ''}
              {issue.message}
            </Text>
          ))}
        </Stack>
      </Alert>
    );
  }
  // Links in the email open in a new tab instead of navigating the frame.
  const html = data.html.includes('<head>') ? data.html.replace('<head>', '<head><base target="_blank">') : `<base target="_blank">${data.html}`;
  return (
    <Stack gap={6}>
      <Text size="xs" c="dimmed">
        Version {template.data.template.currentVersion} of “{template.data.template.name}”, with {contactId ? 'the picked contact’s' : contact ? 'the described contact’s' : 'a sample contact’s'} data.
      </Text>
      <Text size="sm">
        <Text span fw={600}>
          Subject:{' '}
        </Text>
        {data.subject}
      </Text>
      <div className={classes.frameBox}>
        <iframe className={classes.frame} title={`${title}: rendered email`} srcDoc={html} sandbox="allow-popups allow-popups-to-escape-sandbox" />
      </div>
    </Stack>
  );
}
