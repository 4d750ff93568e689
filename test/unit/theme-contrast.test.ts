// The theme's text colours read at WCAG AA (4.5:1) where Mantine shows them, in the light and the dark scheme.
import { DEFAULT_THEME, mergeMantineTheme } from '@mantine/core';
import { describe, expect, test } from 'vitest';
import { contrastRatio, readableOn, shade } from '../../client/ui/contrast.ts';
import { cssVariablesResolver, theme } from '../../client/ui/theme.ts';

const merged = mergeMantineTheme(DEFAULT_THEME, theme);
const vars = cssVariablesResolver(merged);
const { gray, dark } = merged.colors;
const COLORS = Object.keys(merged.colors).filter((c) => c !== 'dark');

/** Pairs below 4.5:1, as "variable on background = ratio", so a failure names them. */
function below(pairs: Array<[string, string, string, string]>): string[] {
  return pairs.flatMap(([name, fg, bgName, bg]) => {
    const ratio = contrastRatio(fg, bg);
    return ratio < 4.5 ? [`${name} ${fg} on ${bgName} ${bg} = ${ratio.toFixed(2)}`] : [];
  });
}

describe('contrast', () => {
  test('ratios follow WCAG 2.1', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
    // Mantine's dimmed grey on white, the colour axe flagged on every page.
    expect(contrastRatio('#868e96', '#ffffff')).toBeCloseTo(3.32, 2);
  });

  test('readableOn keeps a readable colour and darkens (or lightens) one that is not, only as far as needed', () => {
    expect(readableOn('#495057', ['#ffffff'])).toBe('#495057');
    const darker = readableOn('#868e96', ['#ffffff']);
    expect(contrastRatio(darker, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(darker, '#ffffff')).toBeLessThan(4.8);
    const lighter = readableOn('#828282', ['#242424']);
    expect(contrastRatio(lighter, '#242424')).toBeGreaterThanOrEqual(4.5);
    expect(shade('#808080', 1)).toBe('#000000');
    expect(shade('#808080', -1)).toBe('#ffffff');
  });
});

describe('theme', () => {
  test('light scheme: dimmed text, placeholders, light, subtle and filled variants and coloured text reach 4.5:1', () => {
    const l = vars.light;
    const pairs: Array<[string, string, string, string]> = [
      ['dimmed', l['--mantine-color-dimmed']!, 'white', '#ffffff'],
      ['dimmed', l['--mantine-color-dimmed']!, 'gray.0 (page)', gray[0]!],
      ['dimmed', l['--mantine-color-dimmed']!, 'gray.1', gray[1]!],
      ['placeholder', l['--mantine-color-placeholder']!, 'white', '#ffffff'],
    ];
    for (const c of COLORS) {
      const s = merged.colors[c]!;
      const lightColor = l[`--mantine-color-${c}-light-color`]!;
      pairs.push([`${c} light`, lightColor, `${c}.1`, s[1]!], [`${c} light hover`, lightColor, `${c}.2`, s[2]!]);
      pairs.push([`${c} subtle`, lightColor, 'white', '#ffffff'], [`${c} subtle`, lightColor, 'gray.0', gray[0]!]);
      pairs.push([`${c} filled text`, '#ffffff', `${c} filled`, l[`--mantine-color-${c}-filled`]!]);
      pairs.push([`${c} filled hover text`, '#ffffff', `${c} filled hover`, l[`--mantine-color-${c}-filled-hover`]!]);
      pairs.push([`c="${c}"`, l[`--mantine-color-${c}-text`]!, 'white', '#ffffff'], [`c="${c}"`, l[`--mantine-color-${c}-text`]!, 'gray.0', gray[0]!]);
    }
    expect(below(pairs)).toEqual([]);
  });

  test('dark scheme: the same variables reach 4.5:1 on the dark surfaces', () => {
    const d = vars.dark;
    const pairs: Array<[string, string, string, string]> = [
      ['dimmed', d['--mantine-color-dimmed']!, 'dark.7 (body)', dark[7]!],
      ['dimmed', d['--mantine-color-dimmed']!, 'dark.6', dark[6]!],
      ['placeholder', d['--mantine-color-placeholder']!, 'dark.6', dark[6]!],
      ['anchor', d['--mantine-color-anchor']!, 'dark.7', dark[7]!],
    ];
    for (const c of COLORS) {
      pairs.push([`${c} filled text`, '#ffffff', `${c} filled`, d[`--mantine-color-${c}-filled`]!]);
      pairs.push([`c="${c}"`, d[`--mantine-color-${c}-text`]!, 'dark.7', dark[7]!]);
      pairs.push([`${c} outline`, d[`--mantine-color-${c}-outline`]!, 'dark.7', dark[7]!]);
    }
    expect(below(pairs)).toEqual([]);
  });

  test('form errors are written in the readable red (c="red"), checked above, in both schemes', () => {
    expect([vars.light['--mantine-color-error'], vars.dark['--mantine-color-error']]).toEqual(['var(--mantine-color-red-text)', 'var(--mantine-color-red-text)']);
    expect(contrastRatio(merged.colors.red[6]!, '#ffffff')).toBeLessThan(4.5); // Mantine's error colour
  });

  test('Mantine’s own defaults would fail: the theme is what makes them readable', () => {
    expect(contrastRatio(gray[6]!, gray[0]!)).toBeLessThan(4.5); // dimmed on the page
    expect(contrastRatio(merged.colors.yellow[9]!, merged.colors.yellow[1]!)).toBeLessThan(4.5); // a light yellow badge
    expect(contrastRatio('#ffffff', merged.colors.teal[7]!)).toBeLessThan(4.5); // a filled teal button
  });
});
