// Peeking every day: the fixed-horizon p-value calls winners on noise, the always-valid one does not, and still finds
// a real lift. Seeded simulation of whole experiments, daily looks over 30 days.
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../shared/demo/random.ts';
import { HOLDOUT_MINIMUM_EFFECT } from '../../shared/experiments/design.ts';
import {
  experimentReport,
  confidenceRadius,
  initialSequentialState,
  mixingVariance,
  mixtureP,
  proportionDifference,
  sequentialStep,
  sequentialTest,
  twoProportionZTest,
  type ProportionCounts,
} from '../../shared/stats/index.ts';

const DAYS = 30;
const BASELINE = 0.05;
const MINIMUM_EFFECT = 0.2;
const TAU2 = mixingVariance(BASELINE, MINIMUM_EFFECT);

/** Binomial(n, p) draw by geometric skips between successes: exact, and ~n·p uniform draws instead of n. */
function binomial(rng: Rng, n: number, p: number): number {
  const logQ = Math.log(1 - p);
  let k = 0;
  let i = Math.floor(Math.log(1 - rng.next()) / logQ);
  while (i < n) {
    k++;
    i += 1 + Math.floor(Math.log(1 - rng.next()) / logQ);
  }
  return k;
}

interface Outcome {
  fixedStopped: boolean;
  sequentialStopped: boolean;
}

/** One experiment peeked at daily: does a "p < 0.05" ever show up on the fixed and on the sequential p-value? */
function runExperiment(seed: number, perArmPerDay: number, variantRate: number): Outcome {
  const rng = createRng('stats-sequential-sim', seed);
  const control: ProportionCounts = { n: 0, conversions: 0 };
  const variant: ProportionCounts = { n: 0, conversions: 0 };
  let state = initialSequentialState;
  let fixedStopped = false;
  for (let day = 0; day < DAYS; day++) {
    control.n += perArmPerDay;
    control.conversions += binomial(rng, perArmPerDay, BASELINE);
    variant.n += perArmPerDay;
    variant.conversions += binomial(rng, perArmPerDay, variantRate);
    const pFixed = twoProportionZTest(variant, control);
    if (pFixed !== null && pFixed < 0.05) fixedStopped = true;
    state = sequentialStep(state, proportionDifference(variant, control), TAU2);
  }
  return { fixedStopped, sequentialStopped: state.pSequential < 0.05 };
}

function simulate(runs: number, perArmPerDay: number, variantRate: number) {
  let fixed = 0;
  let sequential = 0;
  for (let r = 0; r < runs; r++) {
    const o = runExperiment(r, perArmPerDay, variantRate);
    if (o.fixedStopped) fixed++;
    if (o.sequentialStopped) sequential++;
  }
  return { fixed: fixed / runs, sequential: sequential / runs };
}

describe('always-valid p-value under daily peeking', () => {
  it('A/A: stopping at the first fixed p < 0.05 calls far more than 5% winners; the sequential p stays at or below 5%', () => {
    const aa = simulate(2000, 500, BASELINE);
    console.log(`A/A over ${DAYS} daily looks, 2,000 runs: false positives fixed ${(aa.fixed * 100).toFixed(1)}%, sequential ${(aa.sequential * 100).toFixed(1)}%`);
    expect(aa.fixed).toBeGreaterThan(0.15);
    expect(aa.sequential).toBeLessThanOrEqual(0.05);
  });

  it('a true 20% lift (5% → 6%) is detected by the sequential test in most runs', () => {
    const ab = simulate(1000, 600, BASELINE * 1.2);
    console.log(`A/B +20% at 600 contacts per arm per day over ${DAYS} days, 1,000 runs: sequential power ${(ab.sequential * 100).toFixed(1)}%`);
    expect(ab.sequential).toBeGreaterThan(0.8);
  });
});

describe('mixture SPRT pieces', () => {
  it('the p-value is the running minimum over looks: a later look with less evidence does not raise it', () => {
    const strong = { estimate: 0.04, variance: 0.0001 };
    const none = { estimate: 0, variance: 0.00005 };
    expect(mixtureP(none, TAU2)).toBe(1);
    const s = sequentialTest([strong, none], TAU2);
    expect(s.pSequential).toBeCloseTo(mixtureP(strong, TAU2), 12);
    expect(s.pSequential).toBeLessThan(0.05);
    expect(s.looks).toBe(2);
  });

  it('1/Λ matches the closed form by hand, and the confidence sequence excludes 0 exactly when p < 0.05', () => {
    // V = 0.0001, τ² = 0.0001, θ̂ = 0.03: Λ = √(1/2)·exp(0.0001·0.0009/(2·0.0001·0.0002)) = 0.707107·9.487736 = 6.708869.
    const look = { estimate: 0.03, variance: 0.0001 };
    expect(mixtureP(look, 0.0001)).toBeCloseTo(1 / 6.708869, 5);
    const r = confidenceRadius(0.0001, 0.0001)!;
    // r = √(0.0001·0.0002/0.0001 · (ln 2 + 2 ln 20)) = √(0.0002 · 6.6846) = 0.036564
    expect(r).toBeCloseTo(0.036564, 5);
    expect(mixtureP(look, 0.0001)).toBeGreaterThan(0.05);
    expect(look.estimate - r).toBeLessThan(0);
    const stronger = { estimate: 0.04, variance: 0.0001 };
    expect(mixtureP(stronger, 0.0001)).toBeLessThan(0.05);
    expect(stronger.estimate - r).toBeGreaterThan(0);
  });

  it('the confidence sequence only narrows (running intersection) and a look without variance adds nothing', () => {
    const s1 = sequentialStep(initialSequentialState, { estimate: 0.01, variance: 0.0004 }, TAU2);
    const s2 = sequentialStep(s1, null, TAU2);
    expect(s2.ci).toEqual(s1.ci);
    expect(s2.pSequential).toBe(s1.pSequential);
    const s3 = sequentialStep(s2, { estimate: 0.012, variance: 0.0001 }, TAU2);
    expect(s3.ci![0]).toBeGreaterThanOrEqual(s1.ci![0]);
    expect(s3.ci![1]).toBeLessThanOrEqual(s1.ci![1]);
    expect(sequentialStep(initialSequentialState, { estimate: 0, variance: 0 }, TAU2)).toEqual({ pSequential: 1, ci: null, looks: 1 });
  });
});

describe('always-valid verdicts with unbalanced arms (a 5% journey holdout)', () => {
  // The whole report path, as the server runs it: daily cumulative looks, τ from the control's latest rate, Holm,
  // the verdict. Early on the small arm often has no conversion at all: its variance must not collapse to 0.
  function holdoutRun(seed: number, heldRate: number, treatedRate: number, entering = 100): string {
    const rng = createRng('stats-holdout-sim', seed);
    const held = { n: 0, conversions: 0 };
    const treated = { n: 0, conversions: 0 };
    const looks: Record<string, ProportionCounts>[] = [];
    for (let day = 0; day < 60; day++) {
      const h = binomial(rng, entering, 0.05);
      held.n += h;
      held.conversions += binomial(rng, h, heldRate);
      treated.n += entering - h;
      treated.conversions += binomial(rng, entering - h, treatedRate);
      looks.push({ holdout: { ...held }, journey: { ...treated } });
    }
    return experimentReport({
      id: `sim-${seed}`,
      journeyId: 'j',
      metric: 'converted',
      metricKind: 'proportion',
      arms: [
        { key: 'holdout', name: 'Held out', weight: 5 },
        { key: 'journey', name: 'In the journey', weight: 95 },
      ],
      controlKey: 'holdout',
      framing: 'holdout',
      // As the server's holdout design (shared/experiments/design.ts).
      minimumEffect: HOLDOUT_MINIMUM_EFFECT,
      seed,
      looks,
    }).verdict.kind;
  }

  it('A/A with a 5/95 split: a "reliable" verdict at most 5% of the time over 60 daily looks', () => {
    const runs = 400;
    const reliable = Array.from({ length: runs }, (_, r) => holdoutRun(r, 0.05, 0.05)).filter((k) => k === 'ship' || k === 'worse').length;
    console.log(`A/A 5/95 holdout, 60 daily looks, ${runs} runs: reliable verdicts ${((reliable / runs) * 100).toFixed(1)}%`);
    expect(reliable / runs).toBeLessThanOrEqual(0.05);
  });

  it('a journey that doubles conversion (5% → 10%) is found to earn its sends in most runs at 400 entries a day', () => {
    const runs = 200;
    const found = Array.from({ length: runs }, (_, r) => holdoutRun(r, 0.05, 0.1, 400)).filter((k) => k === 'ship').length;
    console.log(`5% → 10% with a 5/95 holdout, 400 entries a day, 60 daily looks, ${runs} runs: found ${((found / runs) * 100).toFixed(1)}%`);
    expect(found / runs).toBeGreaterThan(0.5);
  });
});
