// Status words as coloured labels with an icon (colour is never the only
// signal): cluster phases, node and namespace states.
import { Label } from "@patternfly/react-core";
import CheckCircleIcon from "@patternfly/react-icons/dist/esm/icons/check-circle-icon";
import ExclamationCircleIcon from "@patternfly/react-icons/dist/esm/icons/exclamation-circle-icon";
import ExclamationTriangleIcon from "@patternfly/react-icons/dist/esm/icons/exclamation-triangle-icon";
import InProgressIcon from "@patternfly/react-icons/dist/esm/icons/in-progress-icon";
import QuestionCircleIcon from "@patternfly/react-icons/dist/esm/icons/question-circle-icon";
import { useTranslation } from "react-i18next";

type Tone = "ok" | "busy" | "warn" | "bad" | "unknown";

const TONE: Record<string, Tone> = {
  Running: "ok",
  Ready: "ok",
  Active: "ok",
  Integrating: "busy",
  Removing: "busy",
  Terminating: "busy",
  SchedulingDisabled: "warn",
  NotReady: "bad",
  Failed: "bad",
  Unknown: "unknown",
  Disabled: "warn",
  Pending: "busy",
  Succeeded: "ok",
  Expired: "bad",
  Waiting: "busy",
  Stopped: "unknown",
  Completed: "ok",
  Suspended: "warn",
  CrashLoopBackOff: "bad",
  ImagePullBackOff: "bad",
  ErrImagePull: "bad",
  Normal: "ok",
  Warning: "warn",
  Terminated: "unknown",
  ContainerCreating: "busy",
};

const LOOK: Record<Tone, { color: "green" | "blue" | "orange" | "red" | "grey"; icon: React.ReactNode }> = {
  ok: { color: "green", icon: <CheckCircleIcon /> },
  busy: { color: "blue", icon: <InProgressIcon /> },
  warn: { color: "orange", icon: <ExclamationTriangleIcon /> },
  bad: { color: "red", icon: <ExclamationCircleIcon /> },
  unknown: { color: "grey", icon: <QuestionCircleIcon /> },
};

export function StatusLabel({ status }: { status: string | undefined }) {
  const { t } = useTranslation();
  const s = status ?? "Unknown";
  const look = LOOK[TONE[s] ?? "unknown"];
  return (
    <Label color={look.color} icon={look.icon} isCompact data-status={s}>
      {t(`status.${s}`, { defaultValue: s })}
    </Label>
  );
}
