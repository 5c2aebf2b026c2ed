import type { MailingUse } from '../../../../shared/contract/mailings';
import type { Profile } from '../../../../shared/contract/profiles';
import type { NewSendState } from './draft-model';
import type { NewSendStepId } from './handoff';

/** Everything a step of a new send needs from the screen. */
export interface StepProps {
  readonly draft: NewSendState;
  readonly update: (patch: Partial<NewSendState>) => void;
  readonly profile: Profile | undefined;
  readonly mailing: MailingUse | undefined;
  readonly goTo: (step: NewSendStepId) => void;
}
