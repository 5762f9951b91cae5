/**
 * What staff and the parties' integration see of a mediation: the whole state, with the
 * committees as unit ids and each party's phone shown in full only to whoever may need to call.
 */
import type { MediationState } from '../../domain/mediation-model';
import { maskPhone } from '../phone';

export function mediationView(state: MediationState, options: { revealContact: boolean }) {
  const { ladder, partyIntegrationId: _integration, locale: _locale, stageSeq: _stageSeq, parties, ...rest } = state;
  return {
    ...rest,
    units: ladder.map((rung) => rung.unitId),
    parties: parties.map((party) => ({ ...party, ...(party.phone && !options.revealContact ? { phone: maskPhone(party.phone) } : {}) })),
  };
}
