// The side-panel form of every node kind.
import type { ComponentType } from 'react';
import type { NodeKind } from '../../../shared/journey/kinds.ts';
import { ConditionForm } from './ConditionForm.tsx';
import { EmailForm } from './EmailForm.tsx';
import { ExitForm } from './ExitForm.tsx';
import { NotifyForm } from './NotifyForm.tsx';
import { SetPhaseForm } from './SetPhaseForm.tsx';
import { SplitForm } from './SplitForm.tsx';
import { TriggerForm } from './TriggerForm.tsx';
import { UpdateContactForm } from './UpdateContactForm.tsx';
import type { ConfigFormProps } from './useConfigForm.ts';
import { WaitForEventForm } from './WaitForEventForm.tsx';
import { WaitForm } from './WaitForm.tsx';
import { WebhookForm } from './WebhookForm.tsx';

export const CONFIG_FORMS: Record<NodeKind, ComponentType<ConfigFormProps>> = {
  trigger: TriggerForm,
  email: EmailForm,
  wait: WaitForm,
  wait_for_event: WaitForEventForm,
  condition: ConditionForm,
  split: SplitForm,
  set_phase: SetPhaseForm,
  update_contact: UpdateContactForm,
  notify: NotifyForm,
  webhook: WebhookForm,
  exit: ExitForm,
};
