// The validation list beside the canvas and its count in the header: a click on a problem selects and centres its step.
import { Badge, Button, Group, Stack, Text, ThemeIcon, Tooltip, UnstyledButton } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { kindDefinition } from '../../shared/journey/kinds.ts';
import type { ValidationIssue } from '../../shared/journey/validate.ts';
import { useEditor } from './EditorContext.tsx';
import { KIND_META } from './kindMeta.ts';
import classes from './panels.module.css';
import { useRevealNode } from './useRevealNode.ts';

/** "Welcome" or "Email" for the node an issue points at; primitive strings keep the selector cheap. */
function useNodeTitles(ids: string[]): Map<string, { title: string; kind: string }> {
  const entries = useEditor(
    useShallow((s) =>
      ids.map((id) => {
        const node = s.nodes.find((n) => n.id === id);
        return node ? `${node.type}\u0000${node.data.name || kindDefinition(node.type).label}` : '';
      }),
    ),
  );
  return useMemo(
    () =>
      new Map(
        ids.flatMap((id, i) => {
          const [kind, title] = (entries[i] ?? '').split('\u0000');
          return kind && title ? [[id, { kind, title }]] : [];
        }),
      ),
    [entries, ids],
  );
}

function IssueRow({ issue, title, kind, onPick }: { issue: ValidationIssue; title?: string; kind?: string; onPick: () => void }) {
  const meta = kind ? KIND_META[kind as keyof typeof KIND_META] : undefined;
  const Icon = meta?.icon ?? IconAlertTriangle;
  return (
    <UnstyledButton className={classes.issue} onClick={onPick} aria-label={`${title ?? 'Journey'}: ${issue.message}`}>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <ThemeIcon size="sm" variant="light" color={meta?.color ?? 'red'} aria-hidden mt={2}>
          <Icon size={13} />
        </ThemeIcon>
        <div style={{ minWidth: 0 }}>
          <Text size="xs" fw={600} truncate>
            {title ?? 'Journey'}
          </Text>
          {/* A space between title and message: the visible text reads "Email Choose…", which the name contains. */}{' '}
          <Text size="xs" c="dark.4">
            {issue.message}
          </Text>
        </div>
      </Group>
    </UnstyledButton>
  );
}

/** The live problems of the store, or a given list (a refused publish); `onPicked` runs after a click. */
export function ValidationList({ issues: shown, onPicked }: { issues?: ValidationIssue[]; onPicked?: () => void }) {
  const live = useEditor((s) => s.issues);
  const issues = shown ?? live;
  const reveal = useRevealNode();
  const ids = useMemo(() => [...new Set(issues.flatMap((i) => (i.nodeId ? [i.nodeId] : [])))], [issues]);
  const titles = useNodeTitles(ids);

  return (
    <Stack gap={0} mah="100%" mih={0} style={{ flex: 1 }} component="section" aria-label="Problems">
      <Group justify="space-between" px="sm" py="xs" className={classes.sectionHeader}>
        <Text size="sm" fw={600}>
          Problems
        </Text>
        <Badge size="sm" color={issues.length === 0 ? 'teal' : 'red'} variant="light">
          {issues.length}
        </Badge>
      </Group>
      {issues.length === 0 ? (
        <Group gap="xs" p="sm" wrap="nowrap">
          <ThemeIcon color="teal" variant="light" size="sm" aria-hidden>
            <IconCircleCheck size={14} />
          </ThemeIcon>
          <Text size="sm" c="dimmed">
            No problems: this journey can be published.
          </Text>
        </Group>
      ) : (
        <div className={classes.scroll}>
          <Stack gap={2} p={4}>
            {issues.map((issue, i) => {
              const t = issue.nodeId ? titles.get(issue.nodeId) : undefined;
              return (
                <IssueRow
                  key={`${issue.nodeId}-${issue.code}-${i}`}
                  issue={issue}
                  title={t?.title}
                  kind={t?.kind}
                  onPick={() => {
                    reveal(issue.nodeId);
                    onPicked?.();
                  }}
                />
              );
            })}
          </Stack>
        </div>
      )}
    </Stack>
  );
}

/** The header's count of live problems; each click shows the next one on the canvas, so a marketer can walk through them. */
export function ProblemsButton() {
  const issues = useEditor((s) => s.issues);
  const reveal = useRevealNode();
  const next = useRef(0);
  if (issues.length === 0) {
    return (
      <Group gap={4} c="teal" wrap="nowrap">
        <IconCircleCheck size={16} aria-hidden />
        <Text size="xs">No problems</Text>
      </Group>
    );
  }
  const showNext = () => {
    const issue = issues[next.current % issues.length]!;
    next.current += 1;
    reveal(issue.nodeId);
  };
  return (
    <Tooltip label="Show the next problem on the canvas">
      <Button size="xs" variant="light" color="red" leftSection={<IconAlertTriangle size={16} aria-hidden />} onClick={showNext}>
        {issues.length === 1 ? '1 problem' : `${issues.length} problems`}
      </Button>
    </Tooltip>
  );
}
