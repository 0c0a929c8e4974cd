// An ApiError as an inline alert: what failed, the server's message, and the
// cluster it came from when one was involved.
import { Alert } from "@patternfly/react-core";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api/ApiError.ts";

export function errorTitle(t: TFunction, e: unknown): string {
  if (!(e instanceof ApiError)) return t("error.generic");
  if (e.code === 0) return t("error.network");
  if (e.code === 403) return t("error.forbidden");
  if (e.code === 404) return t("error.notFound");
  if (e.code === 409) return t("error.conflict");
  if (e.code === 503 && e.cluster) return t("error.clusterUnreachable", { cluster: e.cluster });
  if (e.code >= 500) return t("error.server");
  return t("error.request");
}

export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  const e = error as Partial<ApiError> & Error;
  return (
    <Alert variant="danger" isInline title={title ?? errorTitle(t, error)} data-testid="error-alert">
      <p>{e?.message ?? String(error)}</p>
      {e?.cluster && <p>{t("error.cluster", { cluster: e.cluster })}</p>}
    </Alert>
  );
}
