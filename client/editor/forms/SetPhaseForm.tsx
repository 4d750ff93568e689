// Side-panel form of a set-phase step: the lifecycle phase the contact moves to.
import { setPhaseConfigSchema } from '../../../shared/journey/nodes/setPhase.ts';
import { useReferences } from '../EditorContext.tsx';
import { ConfigFormFrame } from './ConfigFormFrame.tsx';
import { CheckboxField, SelectField } from './fields.tsx';
import { useConfigForm, type ConfigFormProps } from './useConfigForm.ts';

export function SetPhaseForm(props: ConfigFormProps) {
  const { form } = useConfigForm(setPhaseConfigSchema, props);
  const { phases } = useReferences();
  return (
    <ConfigFormFrame form={form}>
      <SelectField name="phase" label="Move the contact to" data={phases.map((p) => ({ value: p.key, label: p.label }))} />
      <CheckboxField
        name="onlyForward"
        label="Only move forward"
        description="A contact already further along (say, a customer reaching “→ Subscriber”) keeps their phase. Moves into and out of Lapsed always happen."
      />
    </ConfigFormFrame>
  );
}
