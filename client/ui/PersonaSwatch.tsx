// A persona's colour dot beside its name.
import { ColorSwatch, useMantineTheme } from '@mantine/core';

export function PersonaSwatch({ color, size = 10 }: { color: string; size?: number }) {
  const theme = useMantineTheme();
  const value = theme.colors[color]?.[6] ?? color;
  return <ColorSwatch color={value} size={size} withShadow={false} aria-hidden />;
}
