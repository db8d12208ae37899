// From a reward explanation (core/economy/explain.ts, steps of BUNDLE_FORMAT.md §10.2) to the two
// waterfalls the account page draws. Weight and payout are different units (weight points vs
// ATR), so they are two panels rather than one axis that would mix them:
//   weight: engagement signals → + content published → + streak bonus → = reward weight
//   payout: pro-rata pool share → − cap → = reward
// The values are the explanation's own intermediate values; nothing is recomputed here except the
// running sums, which are checked against the explanation's totals (a mismatch is an error, so
// the chart can never silently disagree with the breakdown).

import { parseAmount } from '../core/amount';
import type { WaterfallStep } from './waterfall';
import { prettyFormula } from './amount-scale';

export interface ExplanationStep {
  id: string;
  label: string;
  value: string;
  formula: string;
}

export interface RewardWaterfalls {
  weight: WaterfallStep[];
  payout: WaterfallStep[];
  capped: boolean;
}

function stepMap(steps: readonly ExplanationStep[]): (id: string) => { step: ExplanationStep; amount: bigint } {
  const byId = new Map(steps.map((s) => [s.id, s]));
  return (id) => {
    const step = byId.get(id);
    if (!step) throw new RangeError(`the explanation has no step "${id}"`);
    return { step: { ...step, formula: prettyFormula(step.formula) }, amount: parseAmount(step.value) };
  };
}

export function rewardWaterfalls(steps: readonly ExplanationStep[]): RewardWaterfalls {
  const get = stepMap(steps);
  const signals = get('signal-base');
  const pubs = get('publication-base');
  const base = get('base');
  const bonus = get('streak-bonus');
  const weight = get('weight');
  const share = get('pool-share');
  const cap = get('cap');
  const final = get('final');
  if (signals.amount + pubs.amount !== base.amount) throw new RangeError('explanation: signals + publications ≠ base');
  if (base.amount + bonus.amount !== weight.amount) throw new RangeError('explanation: base + streak bonus ≠ weight');
  if (final.amount > share.amount) throw new RangeError('explanation: the reward exceeds the pool share');
  const capped = final.amount < share.amount;
  return {
    weight: [
      { label: signals.step.label, value: signals.amount, detail: signals.step.formula },
      { label: pubs.step.label, value: base.amount, detail: pubs.step.formula },
      { label: bonus.step.label, value: weight.amount, detail: bonus.step.formula },
      { label: weight.step.label, value: weight.amount, total: true, detail: weight.step.formula }
    ],
    payout: [
      { label: share.step.label, value: share.amount, detail: share.step.formula },
      { label: capped ? `Cap (${cap.step.value.replace(/\.?0+$/, '')})` : 'Cap not reached', value: final.amount, detail: cap.step.formula },
      { label: final.step.label, value: final.amount, total: true, detail: final.step.formula }
    ],
    capped
  };
}
