// "Connect to…": connects an output of a step to another step without dragging, by the canvas's own connection rules.
// A step without outputs (an exit) is connected the other way: which step's output leads to it.
import { Button, Group, Modal, Radio, ScrollArea, Stack, Text } from '@mantine/core';
import { useEffect, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import { kindDefinition } from '../../shared/journey/kinds.ts';
import { connectionTargets, isValidConnection, outputChoices } from './connection.ts';
import { useEditor, useEditorStoreApi } from './EditorContext.tsx';
import { nodeSummary } from './kindMeta.ts';
import { stepTitle } from './outline.ts';
import type { JourneyNode } from './types.ts';

/** What tells a step apart in the list: its kind when it has a name, its key setting when it has none (two "Set phase"). */
function stepHint(node: JourneyNode): string | null {
  const label = kindDefinition(node.type).label;
  if (node.data.name) return label;
  const summary = nodeSummary(node.type, node.data.config);
  // An exit's summary is its kind's name again.
  return summary && summary.toLowerCase() !== label.toLowerCase() ? summary : null;
}

function hasOutputs(node: JourneyNode): boolean {
  return kindDefinition(node.type).outputs(node.data.config).length > 0;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function ConnectForm({ source, onClose }: { source: JourneyNode; onClose: () => void }) {
  const store = useEditorStoreApi();
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const byId = useMemo(() => new Map(nodes.map((n) => [n.id, n])), [nodes]);
  const outputs = useMemo(() => outputChoices(source, edges), [source, edges]);
  const [output, setOutput] = useState(outputs[0]?.key ?? '');
  const chosenOutput = outputs.find((o) => o.key === output);
  const targets = useMemo(() => (output ? connectionTargets(source.id, output, byId) : []), [byId, output, source.id]);
  const fed = useMemo(() => new Set(edges.map((e) => e.target)), [edges]);
  // The likeliest target: a step nothing leads to yet (just added), then any other than the one it leads to now.
  const suggested = targets.find((t) => !fed.has(t.id) && t.id !== source.id) ?? targets.find((t) => t.id !== chosenOutput?.target) ?? targets[0];
  const [target, setTarget] = useState(suggested?.id ?? '');
  useEffect(() => {
    if (!targets.some((t) => t.id === target)) setTarget(suggested?.id ?? '');
  }, [suggested, target, targets]);

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!output || !target) return;
    store.getState().onConnect({ source: source.id, sourceHandle: output, target });
    onClose();
  };
  // A radio list has no implicit submission: Enter on a choice connects, as the button would.
  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key === 'Enter' && event.target instanceof HTMLInputElement && event.target.type === 'radio') {
      event.preventDefault();
      submit();
    }
  };

  if (outputs.length === 0) return <IncomingForm target={source} onClose={onClose} />;

  return (
    <form onSubmit={submit} onKeyDown={onKeyDown}>
      <Stack gap="md">
        {outputs.length > 1 && (
          <Radio.Group label="From output" value={output} onChange={setOutput}>
            <Stack gap={6} mt={6}>
              {outputs.map((o) => (
                <Radio
                  key={o.key}
                  value={o.key}
                  label={capitalise(o.label)}
                  description={o.target === null ? 'Not connected yet' : `Now leads to ${stepTitle(byId.get(o.target) ?? source)}; the new connection replaces it`}
                />
              ))}
            </Stack>
          </Radio.Group>
        )}
        {targets.length === 0 ? (
          <Text size="sm">No step can follow this output yet: add one from the palette first.</Text>
        ) : (
          <Radio.Group label="To step" value={target} onChange={setTarget}>
            <ScrollArea.Autosize mah={320} type="auto" offsetScrollbars>
              <Stack gap={6} mt={6}>
                {targets.map((t) => (
                  <Radio
                    key={t.id}
                    value={t.id}
                    label={t.id === source.id ? `${stepTitle(t)} (itself: a loop)` : stepTitle(t)}
                    description={[
                      stepHint(t),
                      t.id === chosenOutput?.target ? 'connected now' : fed.has(t.id) ? null : 'nothing leads here yet',
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                    data-autofocus={t.id === target || undefined}
                  />
                ))}
              </Stack>
            </ScrollArea.Autosize>
          </Radio.Group>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={!target}>
            Connect
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Which output leads to a step that has none of its own: free outputs first, then taken ones (the new edge replaces theirs). */
function IncomingForm({ target, onClose }: { target: JourneyNode; onClose: () => void }) {
  const store = useEditorStoreApi();
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const choices = useMemo(() => {
    const byId = new Map(nodes.map((n) => [n.id, n]));
    return nodes
      .flatMap((n) =>
        outputChoices(n, edges)
          .filter((o) => isValidConnection({ source: n.id, sourceHandle: o.key, target: target.id }, byId) && o.target !== target.id)
          .map((o) => ({
            value: `${n.id}\u0000${o.key}`,
            source: n.id,
            output: o.key,
            label: kindDefinition(n.type).outputs(n.data.config).length > 1 ? `${stepTitle(n)} (${o.label})` : stepTitle(n),
            description: [
              stepHint(n),
              o.target === null ? 'not connected yet' : `now leads to ${stepTitle(byId.get(o.target) ?? n)}; the new connection replaces it`,
            ]
              .filter(Boolean)
              .join(' · '),
            free: o.target === null,
          })),
      )
      .sort((a, b) => Number(b.free) - Number(a.free));
  }, [edges, nodes, target.id]);
  const [choice, setChoice] = useState(choices[0]?.value ?? '');
  const picked = choices.find((c) => c.value === choice);
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!picked) return;
    store.getState().onConnect({ source: picked.source, sourceHandle: picked.output, target: target.id });
    onClose();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key === 'Enter' && event.target instanceof HTMLInputElement && event.target.type === 'radio') {
      event.preventDefault();
      submit();
    }
  };
  return (
    <form onSubmit={submit} onKeyDown={onKeyDown}>
      <Stack gap="md">
        <Text size="sm">
          {stepTitle(target)} has no outputs of its own: choose the step that leads to it.
        </Text>
        {choices.length === 0 ? (
          <Text size="sm">No step can lead here yet.</Text>
        ) : (
          <Radio.Group label="From step" value={choice} onChange={setChoice}>
            <ScrollArea.Autosize mah={320} type="auto" offsetScrollbars>
              <Stack gap={6} mt={6}>
                {choices.map((c) => (
                  <Radio key={c.value} value={c.value} label={c.label} description={c.description} data-autofocus={c.value === choice || undefined} />
                ))}
              </Stack>
            </ScrollArea.Autosize>
          </Radio.Group>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={!picked}>
            Connect
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function ConnectDialog({ sourceId, onClose }: { sourceId: string | null; onClose: () => void }) {
  const source = useEditor((s) => (sourceId ? s.nodes.find((n) => n.id === sourceId) : undefined));
  return (
    <Modal opened={!!source} onClose={onClose} title={!source ? 'Connect' : hasOutputs(source) ? `Connect ${stepTitle(source)} to…` : `Connect a step to ${stepTitle(source)}`}>
      {source && <ConnectForm key={source.id} source={source} onClose={onClose} />}
    </Modal>
  );
}
