import { AppError, notFound } from '../../platform/errors.ts';
import { audit, inTx, type ActorCtx, type RegisterDeps } from '../buildings/use-case.ts';
import { postingActor } from './accounting.service.ts';
import * as repo from './closing.repo.ts';
import { planClosing } from './closing.domain.ts';
import * as fyRepo from './fiscal-years.repo.ts';
import { postEntry } from './posting.ts';
import type { PostedEntry } from './posting.types.ts';

/**
 * Year-end closing (rules doc §5.2 E9a/E9b): the décompte of provisions against actual ordinary
 * charges per owner, posted as two OD entries on the last day of the year, then the year is closed
 * and refuses any further entry. One transaction: all of it, or nothing.
 */
export async function closeFiscalYear(deps: RegisterDeps, ctx: ActorCtx, buildingId: string, fiscalYearId: string) {
  return inTx(deps, async (tx) => {
    const org = ctx.organizationId;
    const fy = await fyRepo.findFiscalYear(tx, org, buildingId, fiscalYearId, 'update');
    if (!fy) throw notFound('fiscal_year', fiscalYearId);
    if (fy.status === 'closed') throw new AppError('fiscal_year.already_closed', `The fiscal year ${fy.label} is already closed`, { id: fy.id });
    const today = deps.clock.today();
    if (today <= fy.endDate) {
      throw new AppError('fiscal_year.not_ended', `The fiscal year ${fy.label} ends on ${fy.endDate}: it can be closed from the next day`,
        { id: fy.id, endDate: fy.endDate });
    }
    const earlier = await repo.earlierOpenYears(tx, org, buildingId, fy);
    if (earlier.length > 0) {
      throw new AppError('fiscal_year.previous_open', `Close the earlier fiscal years first: ${earlier.join(', ')}`, { labels: earlier });
    }
    const unbalanced = await repo.unbalancedEntries(tx, org, fy.id);
    if (unbalanced.length > 0) {
      throw new AppError('fiscal_year.unbalanced', `Entries do not balance: ${unbalanced.join(', ')}`, { entries: unbalanced });
    }
    const plan = planClosing(await repo.provisionsByOwner(tx, org, buildingId, fy.id), await repo.ordinaryChargesByOwner(tx, org, buildingId, fy));
    const actor = postingActor(deps, ctx);
    const post = async (part: 'provisions' | 'charges', description: string, lines: typeof plan.provisionsLines): Promise<PostedEntry | null> =>
      lines.length === 0 ? null : postEntry(tx, {
        organizationId: org, buildingId, journal: 'OD', date: fy.endDate, description,
        source: { type: 'year_end_closing', id: `${fy.id}:${part}`, reference: `Décompte ${fy.label}` }, lines,
      }, actor);
    const provisionsEntry = await post('provisions', `Décompte ${fy.label} : annulation des provisions appelées`, plan.provisionsLines);
    const chargesEntry = await post('charges', `Décompte ${fy.label} : imputation des charges réelles`, plan.chargesLines);
    await fyRepo.closeFiscalYear(tx, org, fy.id, ctx.actorUserId, actor.at);
    await audit(tx, ctx, actor.at, 'fiscal_year.closed', { type: 'fiscal_year', id: fy.id }, {
      buildingId, label: fy.label, owners: plan.owners.length, ...plan.totals,
      provisionsEntryId: provisionsEntry?.entryId ?? null, chargesEntryId: chargesEntry?.entryId ?? null,
    });
    const names = await repo.personNames(tx, org, plan.owners.map((o) => o.personId));
    const owners = plan.owners
      .map((o) => ({ ...o, name: names.get(o.personId)?.name ?? '', sortName: names.get(o.personId)?.sortName ?? '' }))
      .sort((a, b) => (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : a.personId < b.personId ? -1 : 1))
      .map(({ sortName: _, ...o }) => o);
    return {
      fiscalYear: (await fyRepo.findFiscalYear(tx, org, buildingId, fy.id))!,
      provisionsEntry: provisionsEntry && { id: provisionsEntry.entryId, number: provisionsEntry.number },
      chargesEntry: chargesEntry && { id: chargesEntry.entryId, number: chargesEntry.number },
      owners, totals: plan.totals,
    };
  });
}
