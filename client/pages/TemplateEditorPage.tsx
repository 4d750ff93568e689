// /templates/:id and /templates/partials/:key — code editor with live preview, versions, test send; layouts and partials.
import { Alert, Anchor, Badge, Button, Grid, Group, Menu, Modal, Select, Stack, Tabs, Text, Textarea, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconChevronDown, IconDeviceFloppy, IconHistory, IconSend } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useBlocker, useNavigate, useParams } from 'react-router';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../server/api/router.ts';
import type { TemplateIssue } from '../../shared/mail/settings.ts';
import { errorMessage, useTRPC } from '../api/trpc.ts';
import { PageHeader } from '../ui/PageHeader.tsx';
import { ErrorState, LoadingState } from '../ui/QueryState.tsx';
import { CodeEditor, type CodeEditorHandle } from './templates/CodeEditor.tsx';
import { PreviewPane, type PreviewState } from './templates/PreviewPane.tsx';

type PreviewInput = inferRouterInputs<AppRouter>['templates']['preview'];

interface Draft {
  name: string;
  description: string;
  layout: string | null;
  subject: string;
  preheader: string;
  body: string;
  text: string;
  /** The preview data as typed (JSON). */
  event: string;
}

const sameDraft = (a: Draft, b: Draft) => (Object.keys(a) as (keyof Draft)[]).every((k) => a[k] === b[k]);

function parseEvent(text: string): { value: Record<string, unknown> } | { error: string } {
  if (text.trim() === '') return { value: {} };
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: 'must be a JSON object, such as { "order_id": "1001" }' };
    return { value: value as Record<string, unknown> };
  } catch (error) {
    return { error: `is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Previews the content as it is typed: debounced, and keeping the last good preview while there are problems. */
function useLivePreview(input: PreviewInput | null) {
  const trpc = useTRPC();
  const [debounced] = useDebouncedValue(input, 400);
  const key = JSON.stringify(debounced);
  const preview = useMutation(trpc.templates.preview.mutationOptions());
  const [shown, setShown] = useState<PreviewState | null>(null);
  const [issues, setIssues] = useState<TemplateIssue[]>([]);
  const latest = useRef(0);
  useEffect(() => {
    if (!debounced) return;
    const call = ++latest.current;
    preview.mutateAsync(debounced).then(
      (result) => {
        if (call !== latest.current) return;
        if (result.ok) {
          setShown({ subject: result.subject, html: result.html, text: result.text });
          setIssues([]);
        } else setIssues(result.issues);
      },
      (error: unknown) => call === latest.current && setIssues([{ field: 'body', line: null, column: null, message: errorMessage(error) }]),
    );
    // The key stands for the debounced input.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return { preview: shown, issues, pending: preview.isPending || key !== JSON.stringify(input) };
}

function TestSendModal({ opened, onClose, send }: { opened: boolean; onClose(): void; send(to: string): Promise<{ mode: 'development' | 'smtp' }> }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const me = useQuery(trpc.users.me.queryOptions());
  const [to, setTo] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  useEffect(() => {
    if (opened && me.data && to === '') setTo(me.data.email);
    // Only when the modal opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, me.data]);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setSending(true);
    setError(null);
    try {
      const result = await send(to);
      notifications.show({
        color: 'teal',
        title: 'Test email sent',
        // Notifications render outside the router: a Link would have no router to use, the captured navigate does.
        message: result.mode === 'development' ? <>Sent to {to}. <Anchor component="button" size="sm" underline="always" onClick={() => navigate('/inbox')}>Open the Inbox</Anchor></> : `Sent to ${to}.`,
      });
      onClose();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSending(false);
    }
  }
  return (
    <Modal opened={opened} onClose={onClose} title="Send a test email">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            The content as it is in the editor now, saved or not, with the preview contact's data. The subject starts with [Test] and its links change nothing.
          </Text>
          {error && <Alert color="red" variant="light" role="alert" style={{ whiteSpace: 'pre-line' }}>{error}</Alert>}
          <TextInput label="Send to" type="email" required value={to} onChange={(e) => setTo(e.currentTarget.value)} data-autofocus />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={sending} leftSection={<IconSend size={16} aria-hidden />}>Send test</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Asks before leaving with unsaved changes: inside the app through the router, and on reload or close through the browser. */
function UnsavedChangesGuard({ dirty }: { dirty: boolean }) {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  return (
    <Modal opened={blocker.state === 'blocked'} onClose={() => blocker.reset?.()} title="Leave without saving?">
      <Stack gap="sm">
        <Text size="sm">Your changes are not saved. If you leave, they are lost.</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => blocker.reset?.()}>Stay</Button>
          <Button color="red" onClick={() => blocker.proceed?.()}>Leave and discard</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function NotFound({ what, error, onRetry }: { what: string; error: unknown; onRetry(): void }) {
  const notFound = error instanceof TRPCClientError && error.data?.code === 'NOT_FOUND';
  return (
    <>
      <PageHeader title={notFound ? `${what} not found` : what} />
      <Stack gap="sm" maw={640}>
        <ErrorState error={error} onRetry={notFound ? undefined : onRetry} />
        <Anchor component={Link} to="/templates" size="sm">Back to all templates</Anchor>
      </Stack>
    </>
  );
}

export function TemplateEditorPage() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const loaded = useQuery({ ...trpc.templates.get.queryOptions({ id }), refetchOnWindowFocus: false });
  if (loaded.isPending) return <LoadingState label="Opening the template" />;
  if (loaded.isError) return <NotFound what="Template" error={loaded.error} onRetry={() => loaded.refetch()} />;
  return <TemplateEditor key={`${id}@${loaded.data.template.currentVersion}`} data={loaded.data} />;
}

type Loaded = inferRouterOutputs<AppRouter>['templates']['get'];

function TemplateEditor({ data }: { data: Loaded }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const saved: Draft = useMemo(
    () => ({
      name: data.template.name,
      description: data.template.description,
      layout: data.template.layout,
      subject: data.content.subject,
      preheader: data.content.preheader,
      body: data.content.body,
      text: data.content.text,
      event: JSON.stringify(data.template.previewEvent, null, 2),
    }),
    [data],
  );
  const [draft, setDraft] = useState<Draft>(saved);
  const [contactId, setContactId] = useState<string | null>(null);
  const [tab, setTab] = useState<string | null>('email');
  const [testing, setTesting] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const bodyEditor = useRef<CodeEditorHandle | null>(null);
  const textEditor = useRef<CodeEditorHandle | null>(null);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const dirty = !sameDraft(draft, saved);
  const event = parseEvent(draft.event);
  const eventValue = 'value' in event ? event.value : {};

  const content = { subject: draft.subject, preheader: draft.preheader, body: draft.body, text: draft.text };
  const live = useLivePreview({ content, layout: draft.layout, event: eventValue, contactId });
  const issuesOf = (field: TemplateIssue['field']) => live.issues.filter((i) => i.field === field);

  const save = useMutation(trpc.templates.save.mutationOptions());
  async function onSave() {
    setSaveError(null);
    if ('error' in event) {
      setSaveError(`Preview data ${event.error}`);
      return;
    }
    try {
      const result = await save.mutateAsync({
        id: data.template.id,
        baseVersion: data.template.currentVersion,
        meta: { name: draft.name, description: draft.description, layout: draft.layout, previewEvent: eventValue },
        content,
      });
      notifications.show({ color: 'teal', message: `Saved as version ${result.version}.` });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.templates.get.queryKey({ id: data.template.id }) }),
        queryClient.invalidateQueries({ queryKey: trpc.templates.list.queryKey() }),
      ]);
    } catch (error) {
      setSaveError(errorMessage(error));
    }
  }

  async function loadVersion(version: number) {
    const old = await queryClient.fetchQuery(trpc.templates.get.queryOptions({ id: data.template.id, version }));
    setDraft((d) => ({ ...d, subject: old.content.subject, preheader: old.content.preheader, body: old.content.body, text: old.content.text }));
    notifications.show({ message: `Version ${version} is in the editor; save to make it the current version.` });
  }

  const testSend = useMutation(trpc.templates.testSend.mutationOptions());
  const jumpTo = (issue: TemplateIssue) => {
    if (issue.line === null) return;
    if (issue.field === 'body') {
      setTab('email');
      setTimeout(() => bodyEditor.current?.goToLine(issue.line!), 0);
    } else if (issue.field === 'text') {
      setTab('text');
      setTimeout(() => textEditor.current?.goToLine(issue.line!), 0);
    }
  };

  return (
    <>
      <PageHeader
        title={draft.name || data.template.name}
        description={
          <Group gap="xs" component="span">
            <Badge variant="light" color="gray" ff="monospace" tt="none">{data.template.id}</Badge>
            <Badge variant="light">version {data.template.currentVersion}</Badge>
            {dirty && <Badge variant="light" color="orange">Unsaved changes</Badge>}
          </Group>
        }
        actions={
          <Group gap="xs" wrap="nowrap">
            <Menu position="bottom-end">
              <Menu.Target>
                <Button variant="default" leftSection={<IconHistory size={16} aria-hidden />} rightSection={<IconChevronDown size={14} aria-hidden />}>
                  Versions
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>Load into the editor</Menu.Label>
                {data.versions.map((v) => (
                  <Menu.Item key={v.version} onClick={() => void loadVersion(v.version)}>
                    <Text size="sm">Version {v.version}{v.version === data.template.currentVersion ? ' (current)' : ''}</Text>
                    <Text size="xs" c="dimmed">
                      {new Date(v.createdAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}{v.createdBy ? ` · ${v.createdBy}` : ''}
                    </Text>
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
            <Button variant="default" leftSection={<IconSend size={16} aria-hidden />} onClick={() => setTesting(true)}>
              Test send
            </Button>
            <Button leftSection={<IconDeviceFloppy size={16} aria-hidden />} onClick={() => void onSave()} loading={save.isPending} disabled={!dirty}>
              Save
            </Button>
          </Group>
        }
      />
      {saveError && (
        <Alert color="red" variant="light" title="Not saved" mb="md" role="alert" withCloseButton onClose={() => setSaveError(null)} style={{ whiteSpace: 'pre-line' }}>
          {saveError}
        </Alert>
      )}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Tabs value={tab} onChange={setTab} keepMounted>
            <Tabs.List mb="md">
              <Tabs.Tab value="email">Email</Tabs.Tab>
              <Tabs.Tab value="text">Text part</Tabs.Tab>
              <Tabs.Tab value="data">Preview data</Tabs.Tab>
              <Tabs.Tab value="settings">Settings</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="email">
              <Stack gap="sm">
                <TextInput label="Subject" value={draft.subject} onChange={(e) => set('subject', e.currentTarget.value)} error={issuesOf('subject')[0]?.message} />
                <TextInput
                  label="Preheader"
                  description="The line inboxes show after the subject."
                  value={draft.preheader}
                  onChange={(e) => set('preheader', e.currentTarget.value)}
                  error={issuesOf('preheader')[0]?.message}
                />
                <div>
                  <Text size="sm" fw={500} mb={4} id="body-label">
                    Body <Text span size="xs" c="dimmed">MJML with Liquid{draft.layout ? `, inside the ${draft.layout} layout` : ''}</Text>
                  </Text>
                  <CodeEditor label="Body (MJML with Liquid)" value={draft.body} onChange={(v) => set('body', v)} handleRef={bodyEditor} height="calc(100vh - 430px)" problems={issuesOf('body').flatMap((i) => (i.line ? [{ line: i.line, message: i.message }] : []))} />
                </div>
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="text">
              <Stack gap="xs">
                <Text size="sm" c="dimmed">
                  Leave empty to generate the text part from the HTML (recommended). Written text is Liquid too.
                </Text>
                <CodeEditor label="Text part" value={draft.text} onChange={(v) => set('text', v)} handleRef={textEditor} height="calc(100vh - 300px)" problems={issuesOf('text').flatMap((i) => (i.line ? [{ line: i.line, message: i.message }] : []))} />
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="data">
              <Textarea
                label="Entering event (JSON)"
                description="What the preview and test sends use as {{ event }}: the properties of the event that starts the journey, such as an order."
                autosize
                minRows={12}
                ff="monospace"
                value={draft.event}
                onChange={(e) => set('event', e.currentTarget.value)}
                error={'error' in event ? `Preview data ${event.error}` : undefined}
                styles={{ input: { fontFamily: 'ui-monospace, Menlo, Consolas, monospace', fontSize: 13 } }}
              />
            </Tabs.Panel>
            <Tabs.Panel value="settings">
              <Stack gap="sm" maw={520}>
                <TextInput label="Name" required value={draft.name} onChange={(e) => set('name', e.currentTarget.value)} error={draft.name.trim() === '' ? 'Name must not be empty' : undefined} />
                <Textarea label="Description" autosize minRows={2} value={draft.description} onChange={(e) => set('description', e.currentTarget.value)} />
                <Select
                  label="Layout"
                  description="Marketing emails use a layout with the unsubscribe footer; without one, the body is a whole <mjml> document."
                  data={[...data.layouts.map((l) => ({ value: l.key, label: l.name })), { value: '', label: 'None (whole document)' }]}
                  value={draft.layout ?? ''}
                  allowDeselect={false}
                  onChange={(v) => set('layout', v ? v : null)}
                />
              </Stack>
            </Tabs.Panel>
          </Tabs>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <PreviewPane preview={live.preview} issues={live.issues} pending={live.pending} contactId={contactId} onContactChange={setContactId} onIssueClick={jumpTo} />
        </Grid.Col>
      </Grid>
      <UnsavedChangesGuard dirty={dirty && !save.isPending} />
      <TestSendModal
        opened={testing}
        onClose={() => setTesting(false)}
        send={(to) => testSend.mutateAsync({ content, layout: draft.layout, event: eventValue, contactId, to })}
      />
    </>
  );
}

export function PartialEditorPage() {
  const { key = '' } = useParams();
  const trpc = useTRPC();
  const list = useQuery({ ...trpc.templates.list.queryOptions(), refetchOnWindowFocus: false });
  if (list.isPending) return <LoadingState label="Opening the partial" />;
  if (list.isError) return <NotFound what="Partial" error={list.error} onRetry={() => list.refetch()} />;
  const partial = list.data.partials.find((p) => p.key === key);
  if (!partial) return <NotFound what="Partial" error={new Error(`There is no layout or partial "${key}".`)} onRetry={() => list.refetch()} />;
  return <PartialEditor key={`${partial.key}@${partial.revision}`} partial={partial} templates={list.data.templates} />;
}

function PartialEditor({
  partial,
  templates,
}: {
  partial: { key: string; kind: string; name: string; description: string; source: string; revision: number };
  templates: { id: string; name: string; layout: string | null }[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [source, setSource] = useState(partial.source);
  const [contactId, setContactId] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const usable = templates.filter((t) => (partial.kind === 'layout' ? t.layout === partial.key : t.layout !== null));
  const [templateId, setTemplateId] = useState<string | null>(usable.find((t) => t.id === 'welcome')?.id ?? usable[0]?.id ?? null);
  const sample = useQuery({ ...trpc.templates.get.queryOptions({ id: templateId ?? '' }), enabled: templateId !== null });
  const live = useLivePreview(
    sample.data
      ? { content: sample.data.content, layout: sample.data.template.layout, event: sample.data.template.previewEvent, contactId, partialOverride: { key: partial.key, source } }
      : null,
  );
  const save = useMutation(trpc.templates.savePartial.mutationOptions());
  const dirty = source !== partial.source;

  async function onSave() {
    setSaveError(null);
    try {
      await save.mutateAsync({ key: partial.key, revision: partial.revision, source });
      notifications.show({ color: 'teal', message: `${partial.name} saved; every template using it sends the new version.` });
      await queryClient.invalidateQueries({ queryKey: trpc.templates.list.queryKey() });
    } catch (error) {
      setSaveError(errorMessage(error));
    }
  }
  return (
    <>
      <PageHeader
        title={partial.name}
        description={
          <Group gap="xs" component="span">
            <Badge variant="light" color="gray">{partial.kind}</Badge>
            <Badge variant="light" color="gray" ff="monospace" tt="none">{partial.key}</Badge>
            {dirty && <Badge variant="light" color="orange">Unsaved changes</Badge>}
          </Group>
        }
        actions={
          <Button leftSection={<IconDeviceFloppy size={16} aria-hidden />} onClick={() => void onSave()} loading={save.isPending} disabled={!dirty}>
            Save
          </Button>
        }
      />
      {saveError && (
        <Alert color="red" variant="light" title="Not saved" mb="md" role="alert" withCloseButton onClose={() => setSaveError(null)} style={{ whiteSpace: 'pre-line' }}>
          {saveError}
        </Alert>
      )}
      <UnsavedChangesGuard dirty={dirty && !save.isPending} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Stack gap="xs">
            <Text size="sm" c="dimmed">{partial.description}</Text>
            <CodeEditor label={`${partial.name} (MJML with Liquid)`} value={source} onChange={setSource} height="calc(100vh - 260px)" problems={[]} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Stack gap="sm">
            <Select
              label="Preview in template"
              data={usable.map((t) => ({ value: t.id, label: t.name }))}
              value={templateId}
              onChange={setTemplateId}
              allowDeselect={false}
              searchable
              w={300}
              nothingFoundMessage="No template uses it"
            />
            <PreviewPane preview={live.preview} issues={live.issues} pending={live.pending} contactId={contactId} onContactChange={setContactId} />
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}
