// WCAG colour contrast over hex colours: the ratio between two colours, and the nearest shade of a colour that reaches a
// ratio against a background. The theme uses it so every text colour it hands out is readable (WCAG 2.1 AA: 4.5:1).

type Rgb = [number, number, number];

function parseHex(hex: string): Rgb {
  let h = hex.trim().replace(/^#/, '');
  if (h.length === 3) h = [...h].map((c) => c + c).join('');
  if (!/^[0-9a-f]{6}$/i.test(h)) throw new Error(`Not a hex colour: ${hex}`);
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;
}

function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0')).join('')}`;
}

/** Relative luminance (WCAG 2.1). */
export function luminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The contrast ratio of two colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** `color` mixed with black (amount > 0) or white (amount < 0), amount in [-1, 1]. */
export function shade(color: string, amount: number): string {
  const rgb = parseHex(color);
  const target = amount > 0 ? 0 : 255;
  const t = Math.abs(amount);
  return toHex(rgb.map((v) => v + (target - v) * t) as Rgb);
}

/**
 * `color` itself when it reaches `ratio` against every background, else the least darkened (or, on dark backgrounds,
 * lightened) version of it that does.
 */
export function readableOn(color: string, backgrounds: readonly string[], ratio = 4.5): string {
  const enough = (c: string) => backgrounds.every((bg) => contrastRatio(c, bg) >= ratio);
  if (enough(color)) return color;
  const darker = backgrounds.every((bg) => luminance(bg) > 0.18);
  for (let step = 1; step <= 100; step++) {
    const candidate = shade(color, (darker ? 1 : -1) * step / 100);
    if (enough(candidate)) return candidate;
  }
  return darker ? '#000000' : '#ffffff';
}
