// An email's HTML in a sandboxed iframe: no scripts, no access to the app; links open in a new tab.
import { Box } from '@mantine/core';

export const FRAME_WIDTHS = { desktop: 680, mobile: 375 } as const;
export type FrameWidth = keyof typeof FRAME_WIDTHS;

export function EmailFrame({ html, title, width = 'desktop', height = 640 }: { html: string; title: string; width?: FrameWidth; height?: number | string }) {
  // Links in emails target _blank; the base makes the rest do the same instead of navigating the frame.
  const doc = html.includes('<head>') ? html.replace('<head>', '<head><base target="_blank">') : `<base target="_blank">${html}`;
  return (
    <Box
      style={{
        width: '100%',
        maxWidth: FRAME_WIDTHS[width],
        margin: '0 auto',
        border: '1px solid var(--mantine-color-gray-3)',
        borderRadius: 'var(--mantine-radius-md)',
        overflow: 'hidden',
        background: 'white',
        transition: 'max-width 150ms ease',
      }}
    >
      <iframe
        title={title}
        srcDoc={doc}
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        style={{ width: '100%', height, minHeight: 360, border: 0, display: 'block' }}
      />
    </Box>
  );
}
