// The experiment's verdict in plain language. Pure. Driven only by the always-valid (sequential) result, the
// guardrails and the sample-ratio check: never by a fixed-horizon p-value or a probability to be best, which are
// wrong when peeked at every day.
//
// Order of precedence: nobody yet → broken assignment (SRM withholds everything) → a variant reliably hurting a
// guardrail → a variant reliably better (the best of them is the one to ship) → a variant reliably worse → not yet.

export type VerdictKind = 'empty' | 'srm' | 'guardrail' | 'ship' | 'worse' | 'inconclusive';

export interface Verdict {
  kind: VerdictKind;
  text: string;
}

export interface VerdictComparison {
  armName: string;
  /** Variant's rate (fraction) or mean revenue; null when not yet estimable. */
  rate: number | null;
  controlRate: number | null;
  /** Holm-adjusted always-valid p-value across the variants. */
  pAdjusted: number | null;
  /** Always-valid 95% confidence sequence for variant − control (absolute). */
  ci: [number, number] | null;
}

export interface VerdictGuardrail {
  armName: string;
  /** What the guardrail counts, as a plural noun: "unsubscribes", "bounces". Higher is worse. */
  label: string;
  rate: number | null;
  controlRate: number | null;
  pSequential: number | null;
}

export interface VerdictInput {
  metricKind: 'proportion' | 'revenue';
  controlName: string;
  /** Contacts in all arms so far. */
  totalContacts: number;
  srmFlagged: boolean;
  comparisons: readonly VerdictComparison[];
  guardrails: readonly VerdictGuardrail[];
  /** Contacts per arm still needed (power.ts); null when it cannot be sized yet. */
  neededPerArm: number | null;
  /** Contacts entering each arm per day lately; null or 0 when unknown. */
  pacePerArmPerDay: number | null;
  /** Minimum effect of interest, relative (0.1 = 10%). */
  minimumEffect: number;
  alpha?: number;
  /** 'holdout': the variant is the journey itself and the control the contacts held out of it; the words say so. */
  framing?: 'split' | 'holdout';
}

const MINUS = '\u2212';

function percent(fraction: number, decimals: number): string {
  const text = `${(Math.abs(fraction) * 100).toFixed(decimals)}%`;
  return fraction < 0 && Number(text.slice(0, -1)) !== 0 ? `${MINUS}${text}` : text;
}

function signedPercent(fraction: number): string {
  const whole = Math.round(fraction * 100);
  return whole > 0 ? `+${whole}%` : whole < 0 ? `${MINUS}${Math.abs(whole)}%` : '0%';
}

/** About-figures read better rounded to two significant digits: 2,373 → "2,400". */
export function roughCount(n: number): string {
  if (n < 100) return String(Math.round(n));
  const magnitude = 10 ** (Math.floor(Math.log10(n)) - 1);
  return (Math.round(n / magnitude) * magnitude).toLocaleString('en-US');
}

/** "Variant B" for a short key-like name, the name itself otherwise. */
function armLabel(name: string): string {
  return name.length <= 3 ? `Variant ${name}` : name;
}

function figure(kind: VerdictInput['metricKind'], value: number): string {
  return kind === 'proportion' ? percent(value, 1) : value.toFixed(2);
}

function effectSentence(input: VerdictInput, c: VerdictComparison): string {
  const holdout = input.framing === 'holdout';
  const verb = input.metricKind === 'proportion' ? (holdout ? 'convert' : 'converts') : holdout ? 'bring' : 'brings';
  const unit = input.metricKind === 'proportion' ? '' : ' per contact';
  const rate = c.rate!;
  const control = c.controlRate!;
  let effect = '';
  if (control > 0) {
    // The relative interval divides the confidence sequence by the control's rate (taken as known): a plain-language
    // reading of the absolute interval, which the report carries exactly.
    const lift = (rate - control) / control;
    const range = c.ci ? `, 95% interval ${signedPercent(c.ci[0] / control)} to ${signedPercent(c.ci[1] / control)}` : '';
    effect = ` (${signedPercent(lift)}${range})`;
  }
  if (holdout) return `Contacts in the journey ${verb} ${figure(input.metricKind, rate)}${unit} vs ${figure(input.metricKind, control)} held out${effect}`;
  return `${armLabel(c.armName)} ${verb} ${figure(input.metricKind, rate)}${unit} vs ${figure(input.metricKind, control)}${effect}`;
}

export function experimentVerdict(input: VerdictInput): Verdict {
  const alpha = input.alpha ?? 0.05;
  if (input.totalContacts <= 0) return { kind: 'empty', text: `No contacts have entered the ${input.framing === 'holdout' ? 'journey' : 'split'} yet.` };
  if (input.srmFlagged) return { kind: 'srm', text: 'Assignment looks broken (sample ratio mismatch) — results withheld.' };

  const harm = input.guardrails.find(
    (g) => g.pSequential !== null && g.pSequential < alpha && g.rate !== null && g.controlRate !== null && g.rate > g.controlRate,
  );
  if (harm) {
    return {
      kind: 'guardrail',
      text: `${harm.armName} hurts a guardrail: ${harm.label} ${percent(harm.rate!, 1)} vs ${percent(harm.controlRate!, 1)}.`,
    };
  }

  // Reliable: the adjusted always-valid p says there is a difference and the confidence sequence says which way (both
  // must agree; the direction is the interval's, never the point rates').
  const reliable = input.comparisons.filter(
    (c) => c.pAdjusted !== null && c.pAdjusted < alpha && c.rate !== null && c.controlRate !== null && c.ci !== null && (c.ci[0] > 0 || c.ci[1] < 0),
  );
  const better = reliable.filter((c) => c.ci![0] > 0).sort((a, b) => b.rate! - a.rate!);
  if (better[0] && input.framing === 'holdout') {
    return { kind: 'ship', text: `${effectSentence(input, better[0])} — the journey reliably earns its sends.` };
  }
  if (better[0]) {
    return { kind: 'ship', text: `${effectSentence(input, better[0])} — a reliable difference; you can ship ${better[0].armName}.` };
  }
  const worse = reliable.filter((c) => c.ci![1] < 0).sort((a, b) => a.rate! - b.rate!);
  if (worse[0] && input.framing === 'holdout') {
    return { kind: 'worse', text: `${effectSentence(input, worse[0])} — the journey reliably does worse than sending nothing.` };
  }
  if (worse[0]) {
    const allWorse = worse.length === input.comparisons.length;
    return {
      kind: 'worse',
      text: `${effectSentence(input, worse[0])} — reliably worse than ${input.controlName}${allWorse ? `; keep ${input.controlName}` : ''}.`,
    };
  }

  const lift = `${Math.round(input.minimumEffect * 100)}% lift`;
  if (input.neededPerArm === null) {
    return { kind: 'inconclusive', text: `No reliable difference yet — too few conversions so far to say how many more contacts a ${lift} needs.` };
  }
  if (input.neededPerArm === 0) {
    return {
      kind: 'inconclusive',
      text: `No reliable difference yet — the sample is already large enough for a ${lift}, so any real difference is likely smaller than that.`,
    };
  }
  const pace = input.pacePerArmPerDay;
  const days = pace && pace > 0 ? Math.max(1, Math.ceil(input.neededPerArm / pace)) : null;
  const when =
    days === null ? '' : days > 365 ? ' (more than a year at the current pace: a larger minimum effect or more traffic would settle it sooner)'
      : ` (about ${days} ${days === 1 ? 'day' : 'days'} at the current pace)`;
  return { kind: 'inconclusive', text: `No reliable difference yet — about ${roughCount(input.neededPerArm)} more contacts per ${input.framing === 'holdout' ? 'group' : 'branch'} to detect a ${lift}${when}.` };
}
