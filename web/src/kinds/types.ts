// A resource kind described once: its REST path, columns (with the server's
// sort keys), filters, and the actions on it with the /me action that allows
// each. The shared list view (components/ResourceList.tsx) renders any of
// them, so a page for a simple kind is its description plus a line or two.
import type { ComponentType, ReactNode } from "react";
import type { Where } from "../api/me.ts";
import type { Action } from "../api/types.ts";
import type { SortDir } from "../api/useList.ts";

/** Where a list is: the route's cluster and namespace. */
export type Params = { cluster?: string; namespace?: string };

export type Column<T> = {
  id: string;
  /** i18n key of the header. */
  title: string;
  /** The server's sortBy for this column; unsortable without. */
  sortKey?: string;
  render: (item: T, params: Params) => ReactNode;
  width?: 10 | 15 | 20 | 25 | 30 | 35 | 40 | 45 | 50 | 60 | 70 | 80 | 90 | 100;
};

/** A toolbar filter sent as the query parameter `id`: a choice of options, or free text. */
export type Filter =
  | { id: string; title: string; type: "select"; options: { value: string; label: string }[] }
  | { id: string; title: string; type: "text" };

export type RowDialogProps<T> = { item: T; params: Params; onClose: () => void };
export type ToolbarDialogProps = { params: Params; onClose: () => void };

/** An action on one row: immediate (`run`) or through a dialog. */
export type RowAction<T> = {
  id: string;
  /** i18n key. */
  label: string;
  /** The /me action that allows it; none when every signed-in user may (their own API tokens). */
  action?: Action;
  danger?: boolean;
  /** Only offered for rows it applies to (cordon for a schedulable node). */
  applies?: (item: T) => boolean;
} & ({ run: (item: T, params: Params) => Promise<unknown>; done?: string } | { dialog: ComponentType<RowDialogProps<T>> });

/** A create action above the list: a dialog, or a page of its own (a wizard). */
export type ToolbarAction = { id: string; label: string; action?: Action } & ({ dialog: ComponentType<ToolbarDialogProps> } | { to: string });

export type KindDescription<T> = {
  /** The kind's name (Node, Namespace, ...), also its id in tests and keys. */
  kind: string;
  /** i18n key of the plural title. */
  title: string;
  /** The list's REST path (under the API prefix), or undefined while its params are missing. */
  path: (p: Params) => string | undefined;
  key: (item: T) => string;
  columns: Column<T>[];
  defaultSort?: { by: string; dir: SortDir };
  /** fuzzySearch on the name. */
  search?: boolean;
  /** A labelSelector field in the toolbar. */
  labelSelector?: boolean;
  filters?: Filter[];
  rowActions?: RowAction<T>[];
  toolbarActions?: ToolbarAction[];
  /** The page of one item, when it has one. */
  link?: (item: T, p: Params) => string | undefined;
  /** The scope of a row's actions for /me (default: the list's cluster and namespace). */
  where?: (item: T, p: Params) => Where;
  /** A stale row: when its data was last current. */
  stale?: (item: T) => { since?: string } | undefined;
  pageSize?: number;
};

/** The sort key of the creation time in the cache's lists (the list contract's name for it). */
export const CREATED = "creationTimestamp";

/** Declares a kind with its item type checked. */
export function kind<T>(d: KindDescription<T>): KindDescription<T> {
  return d;
}
