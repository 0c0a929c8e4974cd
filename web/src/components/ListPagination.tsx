// PatternFly's pagination with every word in the user's language: above a
// list (compact) and below it.
import { Pagination, PaginationVariant } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";

type Props = {
  /** What is paged, for the control's accessible name. */
  what: string;
  total: number;
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
  onPageSize: (size: number) => void;
  variant: "top" | "bottom";
  perPageOptions?: number[];
};

export function ListPagination({ what, total, page, pageSize, onPage, onPageSize, variant, perPageOptions }: Props) {
  const { t } = useTranslation();
  return (
    <Pagination
      itemCount={total}
      page={page}
      perPage={pageSize}
      onSetPage={(_e, p) => onPage(p)}
      onPerPageSelect={(_e, s) => onPageSize(s)}
      perPageOptions={perPageOptions?.map((n) => ({ title: String(n), value: n }))}
      variant={variant === "top" ? PaginationVariant.top : PaginationVariant.bottom}
      isCompact={variant === "top"}
      titles={{
        paginationAriaLabel: t("list.pagination", { what }),
        ofWord: t("pagination.of"),
        perPageSuffix: t("pagination.perPage"),
        itemsPerPage: t("pagination.itemsPerPage"),
        page: t("pagination.page"),
        pages: t("pagination.pages"),
        currPageAriaLabel: t("pagination.current"),
        toFirstPageAriaLabel: t("pagination.first"),
        toLastPageAriaLabel: t("pagination.last"),
        toNextPageAriaLabel: t("pagination.next"),
        toPreviousPageAriaLabel: t("pagination.previous"),
      }}
    />
  );
}
