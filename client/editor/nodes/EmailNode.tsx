// The canvas node of an email step: shows the template by name, and the subject override if any.
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { emailConfigSchema } from '../../../shared/journey/nodes/email.ts';
import { useReferences } from '../EditorContext.tsx';
import type { JourneyNode } from '../types.ts';
import { NodeCard } from './NodeCard.tsx';

export const EmailNode = memo(function EmailNode({ id, data, selected }: NodeProps<JourneyNode>) {
  const { templates } = useReferences();
  const parsed = emailConfigSchema.safeParse(data.config);
  let summary: string | null = null;
  if (parsed.success) {
    const template = templates.find((t) => t.id === parsed.data.templateId)?.name ?? parsed.data.templateId;
    summary = parsed.data.subjectOverride ? `${template} · “${parsed.data.subjectOverride}”` : template;
  }
  return <NodeCard id={id} kind="email" data={data} selected={selected} summary={summary} />;
});
