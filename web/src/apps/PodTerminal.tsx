// A shell in a container: xterm.js on the REST terminal WebSocket, loaded
// on demand (React.lazy of this file). Frames (TERMINAL_PROTOCOL_DOC of
// src/platform/pods/terminal.ts): keystrokes go out as text frames, a resize
// as the JSON text {"type":"resize","cols","rows"}; output comes back as text
// frames; the server closes with the shell's exit ("exit 0") or the reason
// it could not open one.
import "@xterm/xterm/css/xterm.css";
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import { Alert, Button } from "@patternfly/react-core";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { openTerminalSocket } from "../api/apps.ts";

type Props = { cluster: string; namespace: string; pod: string; container: string };

type State = { phase: "connecting" | "open" | "closed"; reason?: string; code?: number };

export default function PodTerminal({ cluster, namespace, pod, container }: Props) {
  const { t } = useTranslation();
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<State>({ phase: "connecting" });
  const [session, setSession] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new session (reconnect) makes a new terminal
  useEffect(() => {
    const term = new Terminal({ cursorBlink: true, fontSize: 13, scrollback: 5000, convertEol: false });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host.current!);
    fit.fit();
    setState({ phase: "connecting" });
    const ws = openTerminalSocket(cluster, namespace, pod, container);
    const resize = () => {
      if (ws.readyState === WebSocket.OPEN)
        ws.send(JSON.stringify({ type: "resize", cols: term.cols, rows: term.rows }));
    };
    ws.onopen = () => {
      setState({ phase: "open" });
      resize();
      term.focus();
    };
    ws.onmessage = (m) => {
      if (typeof m.data === "string") term.write(m.data);
      else if (m.data instanceof Blob) void m.data.arrayBuffer().then((b) => term.write(new Uint8Array(b)));
    };
    ws.onclose = (e) => setState({ phase: "closed", code: e.code, reason: e.reason });
    const input = term.onData((d) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(d);
    });
    const resized = term.onResize(resize);
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(host.current!);
    return () => {
      observer.disconnect();
      input.dispose();
      resized.dispose();
      ws.onclose = null;
      ws.close();
      term.dispose();
    };
  }, [cluster, namespace, pod, container, session]);

  return (
    <>
      {state.phase === "closed" && (
        <Alert
          className="pf-v6-u-mb-sm"
          isInline
          variant={state.code === 1000 && state.reason?.startsWith("exit") ? "info" : "warning"}
          title={t("apps.terminalClosed", { reason: state.reason || String(state.code ?? "") })}
          actionLinks={
            <Button variant="link" isInline onClick={() => setSession((s) => s + 1)}>
              {t("apps.reconnect")}
            </Button>
          }
        />
      )}
      <div data-testid="terminal-state" data-phase={state.phase} className="pf-v6-u-mb-sm">
        {t(`apps.terminalState.${state.phase}`, { container })}
      </div>
      <div
        ref={host}
        data-testid="terminal"
        style={{ height: "28rem", background: "#000", padding: "0.25rem" }}
      />
    </>
  );
}
