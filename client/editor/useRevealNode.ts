// Selects a node and brings it into view: what a click on a validation problem or a new node wants.
import { useReactFlow } from '@xyflow/react';
import { useCallback } from 'react';
import { useEditorStoreApi } from './EditorContext.tsx';
import { NODE_HEIGHT, NODE_WIDTH } from './layout.ts';

export function useRevealNode() {
  const flow = useReactFlow();
  const store = useEditorStoreApi();
  return useCallback(
    (id: string | null, options: { select?: boolean; onlyIfHidden?: boolean } = {}) => {
      if (options.select !== false) store.getState().selectOnly(id);
      if (!id) return;
      const node = flow.getInternalNode(id);
      if (!node) return;
      const width = node.measured.width ?? NODE_WIDTH;
      const height = node.measured.height ?? NODE_HEIGHT;
      const { x, y } = node.internals.positionAbsolute;
      const { zoom } = flow.getViewport();
      if (options.onlyIfHidden) {
        const pane = document.querySelector('[data-journey-canvas] .react-flow')?.getBoundingClientRect();
        const topLeft = flow.flowToScreenPosition({ x, y });
        const bottomRight = flow.flowToScreenPosition({ x: x + width, y: y + height });
        if (pane && topLeft.x >= pane.left && topLeft.y >= pane.top && bottomRight.x <= pane.right && bottomRight.y <= pane.bottom) return;
      }
      void flow.setCenter(x + width / 2, y + height / 2, { zoom: Math.max(zoom, 0.8), duration: 300 });
    },
    [flow, store],
  );
}
