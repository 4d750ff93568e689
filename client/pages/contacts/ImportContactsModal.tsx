// Importing a CSV file: upload (with progress), map columns, choose all-or-nothing or valid rows only, choose whether
// the contacts enter live journeys (off by default; when on, how many would enter which journey is shown before the
// import is confirmed), follow the import's progress, and read every refused row by line number.
import { Alert, Badge, Button, Checkbox, FileInput, Group, Loader, Modal, Paper, Progress, Radio, ScrollArea, Select, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconFileTypeCsv, IconRoute, IconUpload } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { IMPORT_FIELD_LABELS, IMPORT_FIELDS, type ColumnTarget, type ImportMode } from '../../../shared/contacts/csv.ts';
import { describeEntries } from '../../../shared/journey/entries.ts';
import { errorMessage, useTRPC } from '../../api/trpc.ts';

interface Upload {
  id: string;
  fileName: string;
  fileBytes: number;
  columns: string[];
  sample: string[][];
  suggested: ColumnTarget[];
}

/** Sends the file as the request body, reporting upload progress (fetch cannot). */
function uploadFile(file: File, onProgress: (fraction: number) => void): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/contacts/imports');
    xhr.setRequestHeader('Content-Type', 'text/csv');
    xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name));
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: { message?: string } & Partial<Upload> = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON: the status says enough */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as Upload);
      else reject(new Error(body.message ?? `The upload failed (HTTP ${xhr.status}).`));
    };
    xhr.onerror = () => reject(new Error('The upload failed: the server could not be reached.'));
    xhr.send(file);
  });
}

function snake(column: string): string {
  return column.trim().replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase() || 'column';
}

function targetOptions(column: string, current: ColumnTarget) {
  const trait = `trait:${snake(column)}`;
  const traits = [...new Set([trait, ...(current.startsWith('trait:') ? [current] : [])])];
  return [
    { group: 'Contact', items: IMPORT_FIELDS.map((f) => ({ value: f, label: IMPORT_FIELD_LABELS[f] })) },
    { group: 'Trait', items: traits.map((t) => ({ value: t, label: `Trait “${t.slice(6)}”` })) },
    { group: 'Skip', items: [{ value: 'ignore', label: 'Do not import' }] },
  ];
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function ChooseFile({ onUploaded }: { onUploaded: (u: Upload) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function upload() {
    if (!file) return;
    setError(null);
    setProgress(0);
    try {
      onUploaded(await uploadFile(file, setProgress));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setProgress(null);
    }
  }
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        A CSV file with a header line. You choose what each column becomes next; nothing is imported before you confirm.
        Contacts are subscribed only where a consent column says yes.
      </Text>
      {error && (
        <Alert color="red" variant="light" role="alert" icon={<IconAlertTriangle aria-hidden />}>
          {error}
        </Alert>
      )}
      <FileInput
        label="CSV file"
        placeholder="Choose a file"
        accept=".csv,text/csv"
        leftSection={<IconFileTypeCsv size={16} aria-hidden />}
        value={file}
        onChange={setFile}
        clearable
      />
      {progress !== null && (
        <Stack gap={4}>
          <Progress value={progress * 100} animated aria-label="Upload progress" />
          <Text size="xs" c="dimmed">
            Uploading {file ? formatBytes(file.size) : ''}… {Math.round(progress * 100)}%
          </Text>
        </Stack>
      )}
      <Group justify="flex-end">
        <Button leftSection={<IconUpload size={16} aria-hidden />} disabled={!file} loading={progress !== null} onClick={upload}>
          Upload and map columns
        </Button>
      </Group>
    </Stack>
  );
}

function MapColumns({ upload, onStarted }: { upload: Upload; onStarted: (id: string, startJourneys: boolean) => void }) {
  const trpc = useTRPC();
  const [mapping, setMapping] = useState<ColumnTarget[]>(upload.suggested);
  const [mode, setMode] = useState<ImportMode>('all_or_nothing');
  const [startJourneys, setStartJourneys] = useState(false);
  const start = useMutation(trpc.contacts.imports.start.mutationOptions());
  const hasEmail = mapping.includes('email');
  // A dry run on the server, again whenever the mapping or the mode changes while journeys are to be started.
  const preview = useMutation(trpc.contacts.imports.preview.mutationOptions());
  const previewKey = JSON.stringify([mapping, mode]);
  const { mutate: runPreview, reset: resetPreview } = preview;
  useEffect(() => {
    if (startJourneys && hasEmail) runPreview({ id: upload.id, mapping, mode });
    else resetPreview();
  }, [startJourneys, hasEmail, mapping, mode, upload.id, runPreview, resetPreview]);
  const previewed = preview.isSuccess && preview.variables && JSON.stringify([preview.variables.mapping, preview.variables.mode]) === previewKey ? preview.data : null;
  return (
    <Stack gap="md">
      <Text size="sm">
        <b>{upload.fileName}</b> ({formatBytes(upload.fileBytes)}): {upload.columns.length} columns. Choose what each becomes.
      </Text>
      {start.error && (
        <Alert color="red" variant="light" role="alert">
          {errorMessage(start.error)}
        </Alert>
      )}
      <Paper withBorder radius="md">
        <ScrollArea.Autosize mah={320}>
          <Table verticalSpacing="xs" aria-label="Column mapping">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Column</Table.Th>
                <Table.Th>First values</Table.Th>
                <Table.Th w={230}>Import as</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {upload.columns.map((column, i) => (
                <Table.Tr key={`${column}-${i}`}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {column}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed" lineClamp={2}>
                      {upload.sample.map((row) => row[i] ?? '').filter(Boolean).slice(0, 3).join(' · ') || '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={`Import column ${column} as`}
                      size="xs"
                      data={targetOptions(column, mapping[i]!)}
                      value={mapping[i]}
                      allowDeselect={false}
                      onChange={(v) => v && setMapping((m) => m.map((t, j) => (j === i ? (v as ColumnTarget) : t)))}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      </Paper>
      {!hasEmail && (
        <Alert color="yellow" variant="light">
          Choose the column that holds the email address.
        </Alert>
      )}
      <Radio.Group label="If some rows have problems" value={mode} onChange={(v) => setMode(v as ImportMode)}>
        <Stack gap={6} mt={6}>
          <Radio value="all_or_nothing" label="Import nothing, and list the problems (all or nothing)" />
          <Radio value="valid_rows" label="Import the valid rows and list the others" />
        </Stack>
      </Radio.Group>
      <Stack gap={6}>
        <Checkbox
          label="Let the imported contacts enter live journeys"
          description="Off: consent, phases and personas are recorded, and no journey starts for these contacts (no email goes out)."
          checked={startJourneys}
          onChange={(e) => setStartJourneys(e.currentTarget.checked)}
        />
        {startJourneys && (
          <Alert color={previewed && previewed.journeys.contacts > 0 ? 'blue' : 'gray'} variant="light" icon={<IconRoute aria-hidden />} aria-live="polite" data-testid="journey-preview">
            {!hasEmail ? (
              <Text size="sm">Choose the email column to count who would enter which journey.</Text>
            ) : preview.isError ? (
              <Text size="sm" c="red">
                {errorMessage(preview.error)}
              </Text>
            ) : !previewed ? (
              <Group gap="xs">
                <Loader size="xs" />
                <Text size="sm">Counting who would enter which journey…</Text>
              </Group>
            ) : previewed.refused ? (
              <Text size="sm">
                {previewed.errorCount.toLocaleString()} rows have problems, so nothing would be imported and no journey would start.
              </Text>
            ) : (
              <Text size="sm">{describeEntries(previewed.journeys, 'would')}</Text>
            )}
          </Alert>
        )}
      </Stack>
      <Group justify="flex-end">
        <Button
          disabled={!hasEmail || (startJourneys && !previewed)}
          loading={start.isPending}
          onClick={() => start.mutate({ id: upload.id, mapping, mode, startJourneys }, { onSuccess: () => onStarted(upload.id, startJourneys) })}
        >
          {startJourneys ? 'Import and start journeys' : 'Import contacts'}
        </Button>
      </Group>
    </Stack>
  );
}

function ImportProgress({ id, startJourneys, onDone, onAnother }: { id: string; startJourneys: boolean; onDone: () => void; onAnother: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const job = useQuery(
    trpc.contacts.imports.get.queryOptions(
      { id },
      {
        refetchInterval: (q) => {
          const status = q.state.data?.status;
          return status === 'validating' || status === 'writing' || status === 'uploaded' ? 500 : false;
        },
      },
    ),
  );
  const data = job.data;
  if (!data) return <Progress value={0} animated aria-label="Import progress" />;
  const finished = data.status === 'done' || data.status === 'refused' || data.status === 'failed';
  const fraction = data.status === 'writing' ? 0.95 : finished ? 1 : 0.9 * (data.bytesRead / Math.max(1, data.fileBytes));
  const close = () => {
    if (data.status === 'done') void queryClient.invalidateQueries({ queryKey: trpc.contacts.pathKey() });
    onDone();
  };
  return (
    <Stack gap="md">
      {!finished && (
        <Stack gap={4}>
          <Progress value={fraction * 100} animated striped aria-label="Import progress" />
          <Text size="sm" c="dimmed" aria-live="polite">
            {data.status === 'writing'
              ? `Saving ${data.rowsRead.toLocaleString()} rows…`
              : `Checking rows… ${data.rowsRead.toLocaleString()} read${data.errorCount ? `, ${data.errorCount.toLocaleString()} with problems` : ''}`}
          </Text>
        </Stack>
      )}
      {data.status === 'done' && (
        <Alert color="teal" variant="light" icon={<IconCircleCheck aria-hidden />} title="Import finished">
          Imported {data.rowsWritten.toLocaleString()} contacts: {data.created.toLocaleString()} new, {data.updated.toLocaleString()} updated
          {data.errorCount ? `; ${data.errorCount.toLocaleString()} rows skipped.` : '.'}
          {data.message && <Text size="sm" mt={4}>{data.message}</Text>}
          <Text size="sm" mt={4}>
            {startJourneys ? 'They enter live journeys at the executor’s next tick.' : 'No journey starts for them: this was a quiet import.'}
          </Text>
        </Alert>
      )}
      {(data.status === 'refused' || data.status === 'failed') && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} title={data.status === 'refused' ? 'Nothing was imported' : 'The import failed'}>
          {data.message}
        </Alert>
      )}
      {data.errors.length > 0 && (
        <Stack gap={6}>
          <Group gap="xs">
            <Text size="sm" fw={500}>
              Rows with problems
            </Text>
            <Badge color="red" variant="light">
              {data.errorCount.toLocaleString()}
            </Badge>
          </Group>
          <Paper withBorder radius="md">
            <ScrollArea.Autosize mah={260}>
              <Table verticalSpacing={6} aria-label="Rows with problems">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={70}>Line</Table.Th>
                    <Table.Th w={140}>Column</Table.Th>
                    <Table.Th>Problem</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.errors.map((e, i) => (
                    <Table.Tr key={`${e.line}-${i}`}>
                      <Table.Td>{e.line}</Table.Td>
                      <Table.Td>{e.column ?? '—'}</Table.Td>
                      <Table.Td>{e.message}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea.Autosize>
          </Paper>
          {data.errorCount > data.errors.length && (
            <Text size="xs" c="dimmed">
              The first {data.errors.length} of {data.errorCount.toLocaleString()} are listed.
            </Text>
          )}
        </Stack>
      )}
      {finished && (
        <Group justify="flex-end">
          <Button variant="default" onClick={onAnother}>
            Import another file
          </Button>
          <Button onClick={close}>Done</Button>
        </Group>
      )}
    </Stack>
  );
}

export function ImportContactsModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [upload, setUpload] = useState<Upload | null>(null);
  const [importId, setImportId] = useState<string | null>(null);
  const [startedJourneys, setStartedJourneys] = useState(false);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const reset = () => {
    setUpload(null);
    setImportId(null);
  };
  const close = () => {
    if (importId) void queryClient.invalidateQueries({ queryKey: trpc.contacts.pathKey() });
    reset();
    onClose();
  };
  const title = importId ? 'Importing contacts' : upload ? 'Map columns' : 'Import contacts from CSV';
  return (
    <Modal opened={opened} onClose={close} title={title} size="xl">
      {importId ? (
        <ImportProgress id={importId} startJourneys={startedJourneys} onDone={close} onAnother={reset} />
      ) : upload ? (
        <MapColumns
          upload={upload}
          onStarted={(id, startJourneys) => {
            setStartedJourneys(startJourneys);
            setImportId(id);
          }}
        />
      ) : (
        <ChooseFile onUploaded={setUpload} />
      )}
    </Modal>
  );
}
