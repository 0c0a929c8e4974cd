// The data of a ConfigMap (shown as it is) or of a Secret: a Secret's page
// holds its keys only, and each value is fetched when revealed, key by key,
// through GET …/secrets/{name}, which the member answers only to those its
// RBAC lets read Secrets. A revealed value is hidden again on demand.
import { Button, ClipboardCopy, DataList, DataListCell, DataListItem, DataListItemCells, DataListItemRow } from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { appPaths, type KObject } from "../api/apps.ts";
import { get } from "../api/client.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";

export const HIDDEN = "••••••••";

/** A Secret value as text: its bytes as UTF-8 (kubectl describe shows only their count; the console shows the text). */
function decode(b64: string): string {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** A Secret with its data values blanked, as its page keeps it until a value is revealed. */
export function withoutValues(o: KObject): KObject {
  const data = Object.fromEntries(Object.keys((o.data as Record<string, string>) ?? {}).map((k) => [k, HIDDEN]));
  return { ...o, data };
}

type Props = { cluster: string; namespace: string; name: string; o: KObject; secret: boolean };

export function DataTab({ cluster, namespace, name, o, secret }: Props) {
  const { t } = useTranslation();
  const [shown, setShown] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const data = (o.data as Record<string, string>) ?? {};
  const binary = Object.keys((o.binaryData as Record<string, string>) ?? {});
  const reveal = async (key: string) => {
    setError(undefined);
    try {
      const fresh = await get<KObject>(appPaths.object(cluster, namespace, "secrets", name));
      const value = (fresh.data as Record<string, string> | undefined)?.[key];
      setShown((s) => ({ ...s, [key]: value === undefined ? "" : decode(value) }));
    } catch (e) {
      setError(e);
    }
  };
  const hide = (key: string) =>
    setShown(({ [key]: _gone, ...rest }) => rest);
  const keys = [...Object.keys(data), ...binary];
  return (
    <>
      {error !== undefined && <ErrorAlert error={error} />}
      {keys.length === 0 && <p>{t("resources.noData")}</p>}
      <DataList aria-label={t("resources.dataLabel", { name })} isCompact data-testid="data">
        {keys.map((k) => {
          const isBinary = binary.includes(k);
          const value = secret ? shown[k] : isBinary ? t("resources.binary") : data[k];
          return (
            <DataListItem key={k} data-key={k}>
              <DataListItemRow>
                <DataListItemCells
                  dataListCells={[
                    <DataListCell key="k" width={1}>
                      <code>{k}</code>
                    </DataListCell>,
                    <DataListCell key="v" width={4}>
                      {value === undefined ? (
                        <span data-testid="hidden-value">{HIDDEN}</span>
                      ) : (
                        <ClipboardCopy isReadOnly isCode variant={value.includes("\n") ? "expansion" : "inline-compact"} hoverTip={t("common.copy")} clickTip={t("common.copied")}>
                          {value}
                        </ClipboardCopy>
                      )}
                    </DataListCell>,
                    ...(secret
                      ? [
                          <DataListCell key="a" width={1} alignRight>
                            {shown[k] === undefined ? (
                              <Button variant="link" isInline onClick={() => reveal(k)} aria-label={t("resources.revealKey", { key: k })}>
                                {t("resources.reveal")}
                              </Button>
                            ) : (
                              <Button variant="link" isInline onClick={() => hide(k)} aria-label={t("resources.hideKey", { key: k })}>
                                {t("resources.hide")}
                              </Button>
                            )}
                          </DataListCell>,
                        ]
                      : []),
                  ]}
                />
              </DataListItemRow>
            </DataListItem>
          );
        })}
      </DataList>
    </>
  );
}
