// The error of a write: a member's 422 as its list of refused fields (the
// field as the member names it, and why), anything else as an alert.
import { Alert, List, ListItem } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api/ApiError.ts";
import { ErrorAlert } from "./ErrorAlert.tsx";

/** The error of a write: a member's 422 as its list of fields, anything else as an alert. */
export function FieldErrors({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!(error instanceof ApiError)) {
    return (
      <Alert
        className="pf-v6-u-mt-md"
        variant="danger"
        isInline
        title={t("apps.cannotWrite")}
        data-testid="error-alert"
      >
        {(error as Error)?.message ?? String(error)}
      </Alert>
    );
  }
  if (!error.causes.length)
    return (
      <div className="pf-v6-u-mt-md">
        <ErrorAlert error={error} />
      </div>
    );
  return (
    <Alert
      className="pf-v6-u-mt-md"
      variant="danger"
      isInline
      title={t("apps.fieldErrors", { count: error.causes.length })}
      data-testid="field-errors"
    >
      <List>
        {error.causes.map((c, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: causes of one answer
          <ListItem key={i}>
            <code>{c.field}</code>: {c.message}
          </ListItem>
        ))}
      </List>
    </Alert>
  );
}
