// The journey in words beside the canvas: each step, what it does and where each output leads, as nested lists a screen
// reader can walk; a step's name takes the focus to it on the canvas. Kept in step with the store.
import { Badge, CloseButton, Group, Text, Title, UnstyledButton } from '@mantine/core';
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { emailConfigSchema } from '../../shared/journey/nodes/email.ts';
import type { NodeKind } from '../../shared/journey/kinds.ts';
import { kindDefinition } from '../../shared/journey/kinds.ts';
import { useEditor, useReferences } from './EditorContext.tsx';
import { useEditorUi } from './EditorUi.tsx';
import { nodeSummary } from './kindMeta.ts';
import { journeyOutline, type OutlineNode, type OutlineStep } from './outline.ts';
import classes from './outline.module.css';
import panels from './panels.module.css';

/** The steps' structure only (kind, name, config), so moving a step does not rebuild the outline. */
function useOutlineNodes(): OutlineNode[] {
  const flat = useEditor(useShallow((s) => s.nodes.flatMap((n) => [n.id, n.type, n.data] as const)));
  return useMemo(() => {
    const nodes: OutlineNode[] = [];
    for (let i = 0; i < flat.length; i += 3) nodes.push({ id: flat[i] as string, type: flat[i + 1] as NodeKind, data: flat[i + 2] as OutlineNode['data'] });
    return nodes;
  }, [flat]);
}

function StepItem({ step, selectedId }: { step: OutlineStep; selectedId: string | null }) {
  const ui = useEditorUi();
  const problems = useEditor((s) => s.issuesByNode.get(step.id)?.length ?? 0);
  const kindLabel = kindDefinition(step.kind).label;
  return (
    <li className={classes.step} aria-current={step.id === selectedId ? 'step' : undefined}>
      <Group gap={6} wrap="nowrap" align="baseline">
        {step.title !== kindLabel && (
          <Text span size="xs" c="dimmed" tt="uppercase" fw={600}>
            {kindLabel}
          </Text>
        )}
        <UnstyledButton className={classes.stepName} onClick={() => ui.focusStep(step.id)}>
          {step.title}
        </UnstyledButton>
        {problems > 0 && (
          <Badge size="xs" color="red" variant="light">
            {problems === 1 ? '1 problem' : `${problems} problems`}
          </Badge>
        )}
      </Group>
      <Text size="xs" className={classes.description}>
        {step.description}
      </Text>
      {step.outputs.length > 0 && (
        <ul className={classes.outputs} aria-label={`Where ${step.title} leads`}>
          {step.outputs.map((o) => (
            <li key={o.key}>
              <Text span size="xs">
                {o.label} →{' '}
              </Text>
              {o.target ? (
                <UnstyledButton className={classes.link} onClick={() => ui.focusStep(o.target!.id)}>
                  {o.target.title}
                </UnstyledButton>
              ) : (
                <Text span size="xs" fs="italic" className={classes.loose}>
                  not connected
                </Text>
              )}
              {o.branch.length > 0 && <StepList steps={o.branch} selectedId={selectedId} />}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function StepList({ steps, selectedId, label }: { steps: OutlineStep[]; selectedId: string | null; label?: string }) {
  return (
    <ol className={classes.list} aria-label={label}>
      {steps.map((s) => (
        <StepItem key={s.id} step={s} selectedId={selectedId} />
      ))}
    </ol>
  );
}

export function JourneyOutline() {
  const ui = useEditorUi();
  const { templates } = useReferences();
  const nodes = useOutlineNodes();
  const edges = useEditor((s) => s.edges);
  const selectedId = useEditor((s) => {
    const picked = s.nodes.filter((n) => n.selected);
    return picked.length === 1 ? picked[0]!.id : null;
  });
  const outline = useMemo(() => {
    // An email says its template's name, as its card on the canvas does.
    const summary = (n: OutlineNode) => {
      if (n.type !== 'email') return nodeSummary(n.type, n.data.config);
      const parsed = emailConfigSchema.safeParse(n.data.config);
      if (!parsed.success) return null;
      const name = templates.find((t) => t.id === parsed.data.templateId)?.name ?? parsed.data.templateId;
      return `template “${name}”${parsed.data.subjectOverride ? `, subject “${parsed.data.subjectOverride}”` : ''}`;
    };
    return journeyOutline(nodes, edges, { summary });
  }, [edges, nodes, templates]);

  return (
    <section className={classes.root} aria-labelledby="journey-outline-title" data-journey-outline>
      <Group justify="space-between" wrap="nowrap" px="sm" py={6} className={panels.sectionHeader}>
        <Title order={2} size="h5" id="journey-outline-title">
          Outline
        </Title>
        <CloseButton size="sm" onClick={ui.toggleOutline} aria-label="Close the outline" />
      </Group>
      <div className={panels.scroll}>
        <div className={classes.body}>
          {nodes.length === 0 ? (
            <Text size="sm" c="dimmed">
              No steps yet. Press A to go to the palette and add a trigger.
            </Text>
          ) : (
            <>
              {outline.paths.map((path, i) => (
                <StepList key={path[0]!.id} steps={path} selectedId={selectedId} label={outline.paths.length > 1 ? `From trigger ${i + 1}` : 'From the trigger'} />
              ))}
              {outline.unreachable.length > 0 && (
                <>
                  <Title order={3} size="h6" mt="md" mb={4}>
                    Not reached from the trigger
                  </Title>
                  {outline.unreachable.map((path) => (
                    <StepList key={path[0]!.id} steps={path} selectedId={selectedId} />
                  ))}
                </>
              )}
            </>
          )}
        </div>
      </div>
    </section>
  );
}
