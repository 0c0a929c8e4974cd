// A container's log: the last lines, then followed live as the member writes
// them (GET …/logs?follow=true, read as a stream), with a container switch,
// a pause of the following, and a download of the whole log.
import { Button, Checkbox, Flex, FlexItem, FormSelect, FormSelectOption } from "@patternfly/react-core";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { appPaths, type ContainerView } from "../api/apps.ts";
import { apiFetch } from "../api/client.ts";
import { download } from "../api/download.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { useNotify } from "../components/Notifications.tsx";

/** At most this many characters are kept on screen; older ones are dropped (the download has them all). */
const KEEP = 500_000;
const TAIL = 500;

type Props = { cluster: string; namespace: string; pod: string; containers: ContainerView[] };

export function PodLogs({ cluster, namespace, pod, containers }: Props) {
  const { t } = useTranslation();
  const notify = useNotify();
  const [container, setContainer] = useState(
    containers.find((c) => c.type === "container")?.name ?? containers[0]?.name ?? "",
  );
  const [follow, setFollow] = useState(true);
  const [text, setText] = useState("");
  const [state, setState] = useState<"loading" | "following" | "ended">("loading");
  const [error, setError] = useState<unknown>();
  const pre = useRef<HTMLPreElement>(null);

  useEffect(() => {
    if (!container) return;
    const ctl = new AbortController();
    setText("");
    setError(undefined);
    setState("loading");
    void (async () => {
      try {
        const query = { container, tailLines: TAIL, follow: follow || undefined };
        const res = await apiFetch("GET", appPaths.logs(cluster, namespace, pod), {
          query,
          signal: ctl.signal,
          headers: { accept: "text/plain" },
        });
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        if (follow) setState("following");
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          setText((s) => (s + value).slice(-KEEP));
        }
        setState("ended");
      } catch (e) {
        if (ctl.signal.aborted) return;
        setError(e);
        setState("ended");
      }
    })();
    return () => ctl.abort();
  }, [cluster, namespace, pod, container, follow]);

  // Keep the newest line in view while following.
  // biome-ignore lint/correctness/useExhaustiveDependencies: scrolls on each new text
  useEffect(() => {
    if (follow && pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [text, follow]);

  const save = () =>
    download(
      appPaths.logs(cluster, namespace, pod),
      { container, download: true },
      `${pod}-${container}.log`,
    ).catch((e: Error) => notify("danger", t("apps.downloadLog"), e.message));
  return (
    <>
      <Flex alignItems={{ default: "alignItemsCenter" }} gap={{ default: "gapMd" }} className="pf-v6-u-mb-sm">
        <FlexItem>
          <FormSelect
            id="log-container"
            aria-label={t("apps.container")}
            value={container}
            onChange={(_e, v) => setContainer(v)}
          >
            {containers.map((c) => (
              <FormSelectOption
                key={c.name}
                value={c.name}
                label={c.type === "container" ? c.name : `${c.name} (${t(`apps.containerType.${c.type}`)})`}
              />
            ))}
          </FormSelect>
        </FlexItem>
        <FlexItem>
          <Checkbox
            id="log-follow"
            label={t("apps.followLog")}
            isChecked={follow}
            onChange={(_e, v) => setFollow(v)}
          />
        </FlexItem>
        <FlexItem>
          <Button variant="secondary" onClick={save}>
            {t("apps.downloadLog")}
          </Button>
        </FlexItem>
        <FlexItem>
          <span data-testid="log-state">{t(`apps.logState.${state}`)}</span>
        </FlexItem>
      </Flex>
      {error !== undefined && <ErrorAlert error={error} />}
      <pre
        ref={pre}
        data-testid="pod-log"
        role="log"
        aria-label={t("apps.logOf", { container })}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable from the keyboard
        tabIndex={0}
        className="pf-v6-u-font-family-monospace pf-v6-u-font-size-sm"
        style={{
          height: "28rem",
          overflow: "auto",
          background: "#151515",
          color: "#f0f0f0",
          padding: "0.5rem",
          whiteSpace: "pre-wrap",
        }}
      >
        {text}
      </pre>
    </>
  );
}
