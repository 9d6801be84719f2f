import { AppError } from '../../platform/errors.ts';

/**
 * The written procedure (C. civ. art. 3.87 §11): a decision within the assembly's powers taken in
 * writing, only with the agreement of ALL owners; never for a decision that needs an authentic
 * (notarial) act. One refusal ends it; a missing answer keeps it open; closing it without every
 * owner's agreement means no decision (R18).
 */

export type WrittenStatus = 'open' | 'adopted' | 'rejected';

export function checkWrittenProcedure(p: { needsAuthenticAct: boolean }): void {
  if (p.needsAuthenticAct) {
    throw new AppError('written_procedure.authentic_act_required',
      'A decision that needs an authentic (notarial) act cannot be taken by written procedure (C. civ. art. 3.87 §11)', { field: 'needsAuthenticAct' });
  }
}

export function writtenOutcome(owners: readonly string[], answers: ReadonlyMap<string, boolean>, closing = false): WrittenStatus {
  if (owners.some((o) => answers.get(o) === false)) return 'rejected';
  if (owners.length > 0 && owners.every((o) => answers.get(o) === true)) return 'adopted';
  return closing ? 'rejected' : 'open';
}
