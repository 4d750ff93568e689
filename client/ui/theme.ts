// The Kairos theme: Mantine's scales, one primary colour, comfortable radius — and text colours that stay readable.
//
// Mantine's defaults put some text below WCAG AA contrast (4.5:1): dimmed text (gray 6), light badges and buttons
// (shade 9 on shade 1, worse on hover's shade 2 and for yellow, orange, green, teal), filled buttons in light colours
// (white on teal 7), placeholders. The resolver below keeps each colour's hue and darkens (lightens in the dark
// scheme) only as far as needed for 4.5:1 against the backgrounds it is shown on.
import {
  Alert,
  Autocomplete,
  createTheme,
  DEFAULT_THEME,
  Drawer,
  Menu,
  Modal,
  MultiSelect,
  Notification,
  Select,
  TagsInput,
  type CSSVariablesResolver,
  type MantineColorsTuple,
} from '@mantine/core';
import { readableOn, shade } from './contrast.ts';

const LISTBOX_SCROLLS = {
  defaultProps: { withScrollArea: false },
  styles: { options: { maxHeight: 250, overflowY: 'auto' } },
} as const;

export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 7, dark: 5 },
  defaultRadius: 'md',
  fontFamily:
    'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  headings: { fontWeight: '650' },
  components: {
    // A long list of options scrolls in the listbox itself (as ARIA's combobox pattern has it: the arrow keys move
    // through it from the input), not in an inner scroll area that only a mouse can scroll.
    Select: Select.extend(LISTBOX_SCROLLS),
    MultiSelect: MultiSelect.extend(LISTBOX_SCROLLS),
    Autocomplete: Autocomplete.extend(LISTBOX_SCROLLS),
    TagsInput: TagsInput.extend(LISTBOX_SCROLLS),
    // The close "×" has no text: it is named for screen readers.
    Alert: Alert.extend({ defaultProps: { closeButtonLabel: 'Close' } }),
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    // A menu holds menu items only: no focus placeholder (a presentational element in the tab sequence) inside it.
    Menu: Menu.extend({ defaultProps: { withInitialFocusPlaceholder: false } }),
    // Mantine gives a notification's message grey 6 under a title, below 4.5:1 on white: the readable dimmed instead.
    Notification: Notification.extend({
      defaultProps: { closeButtonProps: { 'aria-label': 'Close notification' } },
      styles: { description: { color: 'var(--mantine-color-dimmed)' } },
    }),
  },
});

const WHITE = '#ffffff';

/** Per colour and scheme: the variables Mantine's variants read, each readable where it is used. */
function colorVariables(name: string, c: MantineColorsTuple, scheme: 'light' | 'dark'): Record<string, string> {
  const { gray, dark } = DEFAULT_THEME.colors;
  if (scheme === 'light') {
    // Filled: white text on it; the same colour is the `c="red"` text colour, on white and the grey page.
    const filled = readableOn(c[7], [WHITE, gray[0], gray[1]]);
    // Light: tinted background (shade 1, shade 2 on hover) with text in the colour; subtle: that text on the page.
    const lightColor = readableOn(c[9], [c[1], c[2], WHITE, gray[0]]);
    return {
      [`--mantine-color-${name}-filled`]: filled,
      [`--mantine-color-${name}-filled-hover`]: shade(filled, 0.12),
      [`--mantine-color-${name}-text`]: filled,
      [`--mantine-color-${name}-outline`]: filled,
      [`--mantine-color-${name}-light-color`]: lightColor,
    };
  }
  const filled = readableOn(c[5], [WHITE]);
  return {
    [`--mantine-color-${name}-filled`]: filled,
    [`--mantine-color-${name}-filled-hover`]: shade(filled, 0.12),
    [`--mantine-color-${name}-text`]: readableOn(c[4], [dark[7], dark[6], dark[5]]),
    [`--mantine-color-${name}-outline`]: readableOn(c[4], [dark[7], dark[6]]),
    [`--mantine-color-${name}-light-color`]: readableOn(c[0], [dark[7], dark[6]]),
  };
}

export const cssVariablesResolver: CSSVariablesResolver = (t) => {
  const { gray, dark } = t.colors;
  const light: Record<string, string> = {
    '--mantine-color-dimmed': readableOn(gray[6]!, [WHITE, gray[0]!, gray[1]!, gray[2]!, t.colors.indigo[1]!]),
    '--mantine-color-placeholder': readableOn(gray[5]!, [WHITE, gray[0]!]),
    '--mantine-color-anchor': 'var(--mantine-primary-color-filled)',
    // A field's error message and border: Mantine's red 6 is 3.6:1 on white, the readable red is not.
    '--mantine-color-error': 'var(--mantine-color-red-text)',
  };
  const darkScheme: Record<string, string> = {
    '--mantine-color-dimmed': readableOn(dark[2]!, [dark[7]!, dark[6]!, dark[5]!]),
    '--mantine-color-placeholder': readableOn(dark[3]!, [dark[7]!, dark[6]!]),
    '--mantine-color-anchor': readableOn(t.colors.indigo[4]!, [dark[7]!, dark[6]!]),
    '--mantine-color-error': 'var(--mantine-color-red-text)',
  };
  for (const [name, scale] of Object.entries(t.colors)) {
    if (name === 'dark') continue;
    Object.assign(light, colorVariables(name, scale, 'light'));
    Object.assign(darkScheme, colorVariables(name, scale, 'dark'));
  }
  return { variables: {}, light, dark: darkScheme };
};
