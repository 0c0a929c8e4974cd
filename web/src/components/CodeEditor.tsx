// A YAML editor (CodeMirror 6), loaded on demand (React.lazy of this file),
// so the editor's code reaches only the pages that edit. It reports each
// change, and shows the member's field errors as diagnostics on their lines.
// Given a cluster, it completes keys and enum values from that member's
// schema of the document's kind (schemaCompletion.ts), fetched on the first
// completion asked for.
import { autocompletion, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import {
  bracketMatching,
  defaultHighlightStyle,
  foldGutter,
  indentOnInput,
  syntaxHighlighting,
} from "@codemirror/language";
import { type Diagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import { EditorState, type Extension } from "@codemirror/state";
import {
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { useEffect, useRef } from "react";
import { useParams } from "react-router";
import { schemaCompletion } from "./schemaCompletion.ts";

export type EditorProblem = { from: number; to: number; message: string };

export type CodeEditorProps = {
  value: string;
  onChange?: (v: string) => void;
  problems?: EditorProblem[];
  label: string;
  readOnly?: boolean;
  height?: string;
  /** The member whose schemas complete the document; by default the route's :cluster (none outside a cluster's pages). */
  cluster?: string;
};

const theme = EditorView.theme({
  "&": {
    fontSize: "var(--pf-t--global--font--size--body--sm)",
    border: "1px solid var(--pf-t--global--border--color--default)",
  },
  ".cm-content": { fontFamily: "var(--pf-t--global--font--family--mono)" },
  ".cm-scroller": { overflow: "auto" },
});

export default function CodeEditor({
  value,
  onChange,
  problems = [],
  label,
  readOnly = false,
  height = "28rem",
  cluster: given,
}: CodeEditorProps) {
  const route = useParams().cluster;
  const cluster = given ?? route;
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(undefined);
  const changed = useRef(onChange);
  changed.current = onChange;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the view is made once; later values come through the effect below
  useEffect(() => {
    const completing: Extension[] = cluster && !readOnly ? [autocompletion({ override: [schemaCompletion(cluster)], defaultKeymap: false })] : [];
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          foldGutter(),
          history(),
          indentOnInput(),
          bracketMatching(),
          highlightActiveLine(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          // The completion keys come first: Enter picks an open completion before it breaks the line.
          keymap.of([...(completing.length ? completionKeymap : []), ...defaultKeymap, ...historyKeymap, indentWithTab]),
          completing,
          yaml(),
          lintGutter(),
          theme,
          EditorView.theme({ "&": { height }, ".cm-gutters": { minHeight: height } }),
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
          EditorView.contentAttributes.of({ "aria-label": label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current?.(u.state.doc.toString());
          }),
        ],
      }),
    });
    // The scrolling area is reachable from the keyboard (axe: scrollable-region-focusable), like the text in it.
    v.scrollDOM.tabIndex = 0;
    view.current = v;
    return () => v.destroy();
  }, []);

  // A value set from outside (a template, a reload) replaces the text.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value)
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const len = v.state.doc.length;
    const diagnostics: Diagnostic[] = problems.map((p) => ({
      from: Math.min(p.from, len),
      to: Math.min(Math.max(p.to, p.from), len),
      severity: "error",
      message: p.message,
    }));
    v.dispatch(setDiagnostics(v.state, diagnostics));
  }, [problems]);

  return <div ref={host} data-testid="code-editor" />;
}
