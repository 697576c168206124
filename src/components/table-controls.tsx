"use client";

/** Shared pieces of the console's tables: sortable column headers and a pager with page size. */
import { useState, type ReactNode } from "react";

export type SortOrder = "asc" | "desc";

export function SortHeader<Field extends string>({
  field,
  label,
  sort,
  order,
  onSort,
  className,
}: {
  field: Field;
  label: ReactNode;
  sort: Field;
  order: SortOrder;
  onSort: (field: Field, order: SortOrder) => void;
  className?: string;
}) {
  const active = sort === field;
  const next: SortOrder = active && order === "asc" ? "desc" : "asc";
  return (
    <th
      scope="col"
      aria-sort={active ? (order === "asc" ? "ascending" : "descending") : "none"}
      className={className}
    >
      <button type="button" className="sort-button" onClick={() => onSort(field, next)}>
        {label}
        <span className={`sort-icon${active ? " active" : ""}`} aria-hidden="true">
          {active ? (order === "asc" ? "▲" : "▼") : "↕"}
        </span>
      </button>
    </th>
  );
}

export const PAGE_SIZES = [10, 25, 50, 100, 200] as const;

export function Pager({
  page,
  pageSize,
  total,
  onPage,
  onPageSize,
  label,
  pageSizes = PAGE_SIZES,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  onPageSize: (size: number) => void;
  /** What is being paged, for the navigation's label ("Mappings pages"). */
  label: string;
  pageSizes?: readonly number[];
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <nav className="pager" aria-label={label}>
      <span className="muted small" aria-live="polite">
        {total === 0 ? "No results" : `${first}–${last} of ${total}`}
      </span>
      <div className="row pager-controls">
        <label className="small muted" htmlFor={`${label}-size`.replace(/\s+/g, "-")}>
          Rows per page
        </label>
        <select
          id={`${label}-size`.replace(/\s+/g, "-")}
          className="select small"
          value={pageSize}
          onChange={(event) => onPageSize(Number(event.target.value))}
        >
          {pageSizes.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button secondary small"
          onClick={() => onPage(page - 1)}
          disabled={page <= 1}
        >
          <span aria-hidden="true">‹</span> Previous
        </button>
        <span className="small">
          Page {Math.min(page, pages)} of {pages}
        </span>
        <button
          type="button"
          className="button secondary small"
          onClick={() => onPage(page + 1)}
          disabled={page >= pages}
        >
          Next <span aria-hidden="true">›</span>
        </button>
      </div>
    </nav>
  );
}

export function SearchBox({
  id,
  label,
  value,
  onChange,
  placeholder,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
}) {
  return (
    <div className="search-box">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input
        id={id}
        type="search"
        className="input"
        value={value}
        placeholder={placeholder}
        onChange={(event) => onChange(event.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
    </div>
  );
}

/**
 * A toolbar's filter drop-down (status, scope…) with a label for screen readers; `onChange` receives
 * one of the given option values, never anything else.
 */
export function FilterSelect<Value extends string>({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: Value;
  options: readonly { value: Value; label: string }[];
  onChange: (value: Value) => void;
}) {
  return (
    <>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <select
        id={id}
        className="select"
        value={value}
        onChange={(event) => {
          const picked = options.find((option) => option.value === event.target.value);
          if (picked) onChange(picked.value);
        }}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </>
  );
}

/** Client-side sorting for the small tables (organisations, roles). */
export function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), undefined, { sensitivity: "base", numeric: true });
}

/**
 * Paging of a list already held in the browser: the page clamps when the list shrinks, and changing
 * the page size returns to page 1. `pager` spreads onto <Pager>.
 */
export function useClientPaging<Item>(items: readonly Item[], initialPageSize = 25) {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(initialPageSize);
  const currentPage = Math.min(page, Math.max(1, Math.ceil(items.length / pageSize)));
  return {
    visible: items.slice((currentPage - 1) * pageSize, currentPage * pageSize),
    resetPage: () => setPage(1),
    pager: {
      page: currentPage,
      pageSize,
      total: items.length,
      onPage: setPage,
      onPageSize: (size: number) => {
        setPageSize(size);
        setPage(1);
      },
      pageSizes: [10, 25, 50, 100],
    },
  };
}
