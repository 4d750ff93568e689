// A CodeMirror 6 editor for MJML with Liquid (highlighting, line numbers, problems in the gutter), bundled with the app.
import { autocompletion } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { html } from '@codemirror/lang-html';
import { liquid } from '@codemirror/lang-liquid';
import { bracketMatching, foldGutter, indentOnInput, syntaxHighlighting, defaultHighlightStyle, HighlightStyle } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { Box } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { readableOn } from '../../ui/contrast.ts';

export interface CodeProblem {
  line: number;
  message: string;
}

export interface CodeEditorHandle {
  goToLine(line: number): void;
}

const theme = EditorView.theme({
  '&': { fontSize: '13px', height: '100%', backgroundColor: 'var(--mantine-color-body)' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', lineHeight: '1.55' },
  '.cm-gutters': { backgroundColor: 'var(--mantine-color-gray-0)', borderRight: '1px solid var(--mantine-color-gray-3)', color: 'var(--mantine-color-dimmed)' },
  '&.cm-focused': { outline: 'none' },
});

/** CodeMirror's default colours, each darkened as far as needed to read at 4.5:1 on the page and the active line. */
const readableHighlightStyle = HighlightStyle.define(
  defaultHighlightStyle.specs.map((spec) => (spec.color ? { ...spec, color: readableOn(spec.color, ['#ffffff', '#f1faff']) } : spec)),
);

export function CodeEditor({
  value,
  onChange,
  problems,
  label,
  height = 'calc(100vh - 420px)',
  handleRef,
}: {
  value: string;
  onChange(value: string): void;
  problems: CodeProblem[];
  /** The accessible name of the editor (it is a textbox). */
  label: string;
  /** The editor scrolls inside this height, so the page itself stays put. */
  height?: string;
  handleRef?: React.RefObject<CodeEditorHandle | null>;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          foldGutter(),
          lintGutter(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          highlightActiveLine(),
          autocompletion(),
          syntaxHighlighting(readableHighlightStyle, { fallback: true }),
          liquid({ base: html({ selfClosingTags: true }) }),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          EditorView.lineWrapping,
          // tabindex: the content is in the tab order already (contenteditable); said so, its scroller counts as keyboard-reachable.
          EditorView.contentAttributes.of({ 'aria-label': label, 'aria-multiline': 'true', tabindex: '0' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) changed.current(update.state.doc.toString());
          }),
          theme,
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // The editor is created once; later values arrive through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // A value set from outside (a restored version) replaces the document; typing does not loop back here.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const doc = editor.state.doc;
    const diagnostics: Diagnostic[] = problems
      .filter((p) => p.line >= 1 && p.line <= doc.lines)
      .map((p) => {
        const line = doc.line(p.line);
        return { from: line.from, to: line.to, severity: 'error', message: p.message };
      });
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
  }, [problems, value]);

  useEffect(() => {
    if (!handleRef) return;
    handleRef.current = {
      goToLine(line) {
        const editor = view.current;
        if (!editor) return;
        const target = editor.state.doc.line(Math.min(Math.max(1, line), editor.state.doc.lines));
        editor.dispatch({ selection: { anchor: target.from }, scrollIntoView: true });
        editor.focus();
      },
    };
  }, [handleRef]);

  return <Box ref={host} h={height} mih={360} style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 'var(--mantine-radius-md)', overflow: 'hidden' }} />;
}
