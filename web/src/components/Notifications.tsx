// Toast notifications: the outcome of an action that has no dialog of its own
// (cordon, a copy to the clipboard). They stay 8 s, and are announced to
// screen readers through the live region of PatternFly's AlertGroup.
import { Alert, AlertActionCloseButton, AlertGroup } from "@patternfly/react-core";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";

type Toast = { id: number; variant: "success" | "danger" | "info" | "warning"; title: string; body?: string };
type Notify = (variant: Toast["variant"], title: string, body?: string) => void;

const Ctx = createContext<Notify>(() => {});

export function useNotify(): Notify {
  return useContext(Ctx);
}

let next = 1;

export function NotificationProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const remove = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), []);
  const notify = useCallback<Notify>(
    (variant, title, body) => {
      const id = next++;
      setToasts((ts) => [...ts.slice(-4), { id, variant, title, body }]);
      setTimeout(() => remove(id), 8000);
    },
    [remove],
  );
  const value = useMemo(() => notify, [notify]);
  return (
    <Ctx.Provider value={value}>
      {children}
      <AlertGroup isToast isLiveRegion>
        {toasts.map((t) => (
          <Alert key={t.id} variant={t.variant} title={t.title} actionClose={<AlertActionCloseButton onClose={() => remove(t.id)} />}>
            {t.body}
          </Alert>
        ))}
      </AlertGroup>
    </Ctx.Provider>
  );
}
