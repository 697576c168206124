"use client";

/**
 * Roles × permissions and groups/clients × permissions. Large tenants (300 roles × 200 permissions)
 * stay responsive: only the rows and columns in view are rendered (fixed sizes, spacers around them),
 * rows are memoised so vertical scrolling mounts only the rows that appear, and hover/focus explanations
 * live in one tooltip instead of one per cell. Keyboard: Tab into the grid, arrows/Home/End/PageUp/PageDown move.
 */
import Link from "next/link";
import { memo, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from "react";
import { plural } from "@/components/format";
import { SearchBox } from "@/components/table-controls";
import { decodePositions, type PermissionMatrix } from "@/server/access/access.types";

const ROW_HEIGHT = 40;
const OVERSCAN = 4;
const COLUMN_WIDTH = 30;
const ROW_HEADER_WIDTH = 290;
const COLUMN_OVERSCAN = 4;

type View = "roles" | "subjects";

interface Row {
  id: string;
  label: string;
  detail: string;
  kind: "role" | "GROUP" | "CLIENT";
  granted: Uint8Array;
  /** Index into matrix.roles or matrix.subjects. */
  source: number;
}

/** A position set (see encodePositions) as one flag per permission. */
function toFlags(encoded: string, size: number): Uint8Array {
  const flags = new Uint8Array(size);
  for (const at of decodePositions(encoded)) flags[at] = 1;
  return flags;
}

function explain(
  matrix: PermissionMatrix,
  roleBits: Uint8Array[],
  view: View,
  row: Row,
  permission: number,
): string {
  const key = matrix.permissions[permission]!.key;
  if (view === "roles") {
    const role = matrix.roles[row.source]!;
    const mapped =
      role.mappingCount > 0 ? `mapped ${plural(role.mappingCount, "time")} here` : "not mapped here";
    return row.granted[permission]
      ? `${role.name} (${role.key}) holds ${key}; ${mapped}.`
      : `${role.name} (${role.key}) does not hold ${key}.`;
  }
  const subject = matrix.subjects[row.source]!;
  const via = subject.roles.filter((at) => roleBits[at]![permission] === 1);
  const names = via.map((at) => `${matrix.roles[at]!.name} (${matrix.roles[at]!.key})`);
  if (row.granted[permission]) return `${subject.subject} gets ${key} through ${names.join(", ")}.`;
  const expired = subject.expiredRoles.filter((at) => roleBits[at]![permission] === 1);
  if (matrix.tenant.status === "DISABLED" && via.length > 0)
    return `${subject.subject} would get ${key} through ${names.join(", ")}, but the organisation is disabled.`;
  if (expired.length > 0)
    return `${subject.subject} does not get ${key}: its mapping to ${expired
      .map((at) => matrix.roles[at]!.name)
      .join(", ")} has expired.`;
  return `${subject.subject} does not get ${key}.`;
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) || /^[=+\-@\t]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

interface RowProps {
  row: Row;
  rowIndex: number;
  columns: number[];
  /** The rendered column range [from, to) of `columns`. */
  from: number;
  to: number;
  activeColumn: number;
  tooltipId: string;
}

const MatrixRow = memo(function MatrixRow({
  row,
  rowIndex,
  columns,
  from,
  to,
  activeColumn,
  tooltipId,
}: RowProps) {
  return (
    <tr aria-rowindex={rowIndex + 3} data-row={rowIndex} style={{ height: ROW_HEIGHT }}>
      <th scope="row" className="matrix-row-header">
        <span className="matrix-row-label" title={row.label}>
          {row.label}
        </span>
        <code className="matrix-row-detail" title={row.detail}>
          {row.detail}
        </code>
      </th>
      {from > 0 && <td aria-hidden="true" className="matrix-spacer" />}
      {columns.slice(from, to).map((permission, offset) => {
        const column = from + offset;
        const granted = row.granted[permission] === 1;
        return (
          <td
            key={permission}
            data-column={column}
            tabIndex={column === activeColumn ? 0 : -1}
            className={granted ? "matrix-cell granted" : "matrix-cell"}
            aria-label={granted ? "granted" : "not granted"}
            aria-describedby={column === activeColumn ? tooltipId : undefined}
          >
            {granted ? "●" : ""}
          </td>
        );
      })}
      {to < columns.length && <td aria-hidden="true" className="matrix-spacer" />}
    </tr>
  );
});

export function PermissionMatrixView({ matrix }: { matrix: PermissionMatrix }) {
  const tooltipId = useId();
  const [view, setView] = useState<View>("roles");
  const [search, setSearch] = useState("");
  const [category, setCategory] = useState("");
  const [onlyGranted, setOnlyGranted] = useState(false);
  const [active, setActive] = useState<{ row: number; column: number }>({ row: 0, column: 0 });
  const [tip, setTip] = useState<{ text: string; x: number; y: number; above: boolean } | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const [scrollLeft, setScrollLeft] = useState(0);
  const [viewportWidth, setViewportWidth] = useState(1000);
  const scroller = useRef<HTMLDivElement>(null);
  const focusPending = useRef(false);

  const categories = useMemo(
    () => [...new Set(matrix.permissions.map((permission) => permission.category))],
    [matrix.permissions],
  );

  const roleBits = useMemo(
    () => matrix.roles.map((role) => toFlags(role.grants, matrix.permissions.length)),
    [matrix],
  );
  const allRows = useMemo<Row[]>(() => {
    const size = matrix.permissions.length;
    if (view === "roles")
      return matrix.roles.map((role, source) => ({
        id: role.id,
        label: role.name,
        detail: `${role.key} · ${role.scope === "global" ? "global" : "organisation"}`,
        kind: "role",
        granted: roleBits[source]!,
        source,
      }));
    return matrix.subjects.map((subject, source) => ({
      id: `${subject.subjectType}:${subject.subject}`,
      label: subject.subject,
      detail:
        (subject.subjectType === "GROUP" ? "IAM role / group" : "technical client") +
        ` · ${plural(subject.roles.length, "role")}` +
        (subject.expiredRoles.length > 0 ? ` · ${subject.expiredRoles.length} expired` : ""),
      kind: subject.subjectType,
      granted: toFlags(subject.grants, size),
      source,
    }));
  }, [matrix, view, roleBits]);

  const needle = search.trim().toLowerCase();
  const rows = useMemo(
    () =>
      allRows.filter(
        (row) =>
          (!needle ||
            row.label.toLowerCase().includes(needle) ||
            row.detail.toLowerCase().includes(needle)) &&
          (!onlyGranted || row.granted.includes(1)),
      ),
    [allRows, needle, onlyGranted],
  );
  const columns = useMemo(() => {
    const list: number[] = [];
    matrix.permissions.forEach((permission, at) => {
      if (category && permission.category !== category) return;
      if (onlyGranted && !rows.some((row) => row.granted[at] === 1)) return;
      list.push(at);
    });
    return list;
  }, [matrix.permissions, category, onlyGranted, rows]);

  // Filters shrink the grid: positions past its new end count as its end.
  const across = viewportWidth - ROW_HEADER_WIDTH;
  const left = Math.min(scrollLeft, Math.max(0, columns.length * COLUMN_WIDTH - across));
  const down = Math.min(scrollTop, Math.max(0, rows.length * ROW_HEIGHT - viewport / 2));
  const from = Math.max(0, Math.floor(left / COLUMN_WIDTH) - COLUMN_OVERSCAN);
  const to = Math.min(columns.length, Math.ceil((left + across) / COLUMN_WIDTH) + COLUMN_OVERSCAN);
  // Category headers over the rendered columns only.
  const groups: { category: string; count: number }[] = [];
  for (const at of columns.slice(from, to)) {
    const name = matrix.permissions[at]!.category;
    const last = groups.at(-1);
    if (last && last.category === name) last.count += 1;
    else groups.push({ category: name, count: 1 });
  }
  const renderedColumns = 1 + (from > 0 ? 1 : 0) + (to - from) + (to < columns.length ? 1 : 0);
  const first = Math.max(0, Math.floor(down / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((down + viewport) / ROW_HEIGHT) + OVERSCAN);
  const activeRow = Math.min(active.row, Math.max(0, rows.length - 1));
  const activeColumn = Math.min(active.column, Math.max(0, columns.length - 1));

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const measure = () => {
      setViewport(element.clientHeight);
      setViewportWidth(element.clientWidth);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const showTip = useCallback(
    (cell: HTMLElement) => {
      const rowIndex = Number(cell.closest("tr")?.dataset.row);
      const column = Number(cell.dataset.column);
      const row = rows[rowIndex];
      const permission = columns[column];
      if (!row || permission === undefined) return;
      const box = cell.getBoundingClientRect();
      // Below the cell, or above it near the bottom of the window.
      const below = box.bottom + 96 < window.innerHeight;
      setTip({
        text: explain(matrix, roleBits, view, row, permission),
        x: box.left + box.width / 2,
        y: below ? box.bottom + 6 : box.top - 6,
        above: !below,
      });
    },
    [rows, columns, matrix, roleBits, view],
  );

  // After keyboard movement, focus the active cell once it is rendered.
  useEffect(() => {
    if (!focusPending.current) return;
    const cell = scroller.current?.querySelector<HTMLElement>(
      `tr[data-row="${activeRow}"] td[data-column="${activeColumn}"]`,
    );
    if (cell) {
      focusPending.current = false;
      cell.focus({ preventScroll: false });
      showTip(cell);
    }
  });

  const move = (rowDelta: number, columnDelta: number, absolute?: { row?: number; column?: number }) => {
    const nextRow = Math.max(0, Math.min(rows.length - 1, absolute?.row ?? activeRow + rowDelta));
    const nextColumn = Math.max(
      0,
      Math.min(columns.length - 1, absolute?.column ?? activeColumn + columnDelta),
    );
    setActive({ row: nextRow, column: nextColumn });
    focusPending.current = true;
    const element = scroller.current;
    if (element) {
      const top = nextRow * ROW_HEIGHT;
      const headerSpace = 220;
      if (top < element.scrollTop) element.scrollTop = top;
      else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight - headerSpace)
        element.scrollTop = top + ROW_HEIGHT - element.clientHeight + headerSpace;
      const left = nextColumn * COLUMN_WIDTH;
      const across = element.clientWidth - ROW_HEADER_WIDTH;
      if (left < element.scrollLeft) element.scrollLeft = left;
      else if (left + COLUMN_WIDTH > element.scrollLeft + across)
        element.scrollLeft = left + COLUMN_WIDTH - across;
    }
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (!(event.target instanceof HTMLElement) || !event.target.matches("td.matrix-cell")) return;
    const page = Math.max(1, Math.floor(viewport / ROW_HEIGHT) - 6);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(1, 0),
      ArrowUp: () => move(-1, 0),
      ArrowRight: () => move(0, 1),
      ArrowLeft: () => move(0, -1),
      PageDown: () => move(page, 0),
      PageUp: () => move(-page, 0),
      Home: () => move(0, 0, event.ctrlKey ? { row: 0, column: 0 } : { column: 0 }),
      End: () =>
        move(
          0,
          0,
          event.ctrlKey
            ? { row: rows.length - 1, column: columns.length - 1 }
            : { column: columns.length - 1 },
        ),
      Escape: () => setTip(null),
    };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  };

  const exportCsv = () => {
    const header = [
      view === "roles" ? "role" : "subject",
      view === "roles" ? "scope" : "type",
      ...columns.map((at) => matrix.permissions[at]!.key),
    ];
    const lines = [header.map(csvField).join(",")];
    for (const row of rows) {
      const cells = columns.map((permission) => {
        if (!row.granted[permission]) return "";
        if (view === "roles") return "x";
        const subject = matrix.subjects[row.source]!;
        return subject.roles
          .filter((at) => roleBits[at]![permission] === 1)
          .map((at) => matrix.roles[at]!.key)
          .join(" ");
      });
      const first =
        view === "roles"
          ? [matrix.roles[row.source]!.key, matrix.roles[row.source]!.scope]
          : [row.label, row.kind === "CLIENT" ? "CLIENT" : "GROUP"];
      lines.push([...first, ...cells].map(csvField).join(","));
    }
    const blob = new Blob([`${lines.join("\r\n")}\r\n`], { type: "text/csv;charset=utf-8" });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = `${matrix.tenant.slug}-${view === "roles" ? "roles" : "access"}-matrix.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  };

  const totalCells = rows.length * columns.length;
  return (
    <section className="card matrix-card" aria-labelledby="matrix-title">
      <div className="toolbar">
        <h2 id="matrix-title" className="toolbar-title">
          {view === "roles"
            ? plural(rows.length, "role")
            : plural(rows.length, "IAM role / client", "IAM roles / clients")}
          {" × "}
          {plural(columns.length, "permission")}
        </h2>
        <div className="toolbar-controls">
          <fieldset className="filter-segments">
            <legend className="visually-hidden">Rows</legend>
            {(
              [
                ["roles", `Roles (${matrix.roles.length})`],
                ["subjects", `Groups & clients (${matrix.subjects.length})`],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className={view === value ? "segment selected" : "segment"}>
                <input
                  type="radio"
                  name="matrix-view"
                  value={value}
                  checked={view === value}
                  onChange={() => {
                    setView(value);
                    setActive({ row: 0, column: 0 });
                    setTip(null);
                  }}
                />
                {label}
              </label>
            ))}
          </fieldset>
          <button type="button" className="button secondary" onClick={exportCsv} disabled={totalCells === 0}>
            Export CSV
          </button>
        </div>
      </div>
      <div className="toolbar matrix-filters">
        <SearchBox
          id="matrix-search"
          label={view === "roles" ? "Search roles by name or key" : "Search IAM roles and clients"}
          placeholder={view === "roles" ? "Search roles" : "Search groups and clients"}
          value={search}
          onChange={(value) => {
            setSearch(value);
            setTip(null);
          }}
        />
        <label className="inline-check">
          <span>Category</span>
          <select
            className="select"
            value={category}
            onChange={(event) => {
              setCategory(event.target.value);
              setTip(null);
              scroller.current?.scrollTo({ left: 0 });
              setScrollLeft(0);
            }}
          >
            <option value="">All categories</option>
            {categories.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-check">
          <input
            type="checkbox"
            checked={onlyGranted}
            onChange={(event) => {
              setOnlyGranted(event.target.checked);
              setTip(null);
            }}
          />
          <span>Only granted</span>
        </label>
        <span className="muted small">
          Hover or focus a cell to see why. {view === "subjects" && "Expired mappings grant nothing."}
        </span>
      </div>
      {totalCells === 0 ? (
        <p className="table-empty">
          {allRows.length === 0
            ? view === "roles"
              ? "No roles exist here yet."
              : "Nothing is mapped here yet."
            : "Nothing matches these filters."}
        </p>
      ) : (
        <div
          ref={scroller}
          className="matrix-scroll"
          onScroll={(event) => {
            setScrollTop(event.currentTarget.scrollTop);
            setScrollLeft(event.currentTarget.scrollLeft);
            setTip(null);
          }}
          onMouseOver={(event) => {
            const cell = (event.target as HTMLElement).closest<HTMLElement>("td.matrix-cell");
            if (cell) showTip(cell);
          }}
          onMouseLeave={() => setTip(null)}
          onFocus={(event) => {
            const cell = (event.target as HTMLElement).closest<HTMLElement>("td.matrix-cell");
            if (!cell) return;
            const rowIndex = Number(cell.closest("tr")?.dataset.row);
            const column = Number(cell.dataset.column);
            if (rowIndex !== activeRow || column !== activeColumn) setActive({ row: rowIndex, column });
            showTip(cell);
          }}
          onBlur={(event) => {
            if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setTip(null);
          }}
          onKeyDown={onKeyDown}
        >
          <table
            className="matrix"
            role="grid"
            aria-labelledby="matrix-title"
            aria-rowcount={rows.length + 2}
            aria-colcount={columns.length + 1}
            style={{ width: ROW_HEADER_WIDTH + columns.length * COLUMN_WIDTH }}
          >
            <colgroup>
              <col style={{ width: ROW_HEADER_WIDTH }} />
              {from > 0 && <col style={{ width: from * COLUMN_WIDTH }} />}
              {columns.slice(from, to).map((at) => (
                <col key={at} style={{ width: COLUMN_WIDTH }} />
              ))}
              {to < columns.length && <col style={{ width: (columns.length - to) * COLUMN_WIDTH }} />}
            </colgroup>
            <thead>
              <tr className="matrix-categories" aria-rowindex={1}>
                <th scope="col" rowSpan={2} className="matrix-corner">
                  {view === "roles" ? "Role" : "IAM role / client"}
                </th>
                {from > 0 && <th aria-hidden="true" className="matrix-spacer" />}
                {groups.map((group, index) => (
                  <th
                    key={`${group.category}-${index}`}
                    scope="colgroup"
                    colSpan={group.count}
                    className="matrix-category"
                    title={group.category}
                  >
                    {group.count > 1 ? (
                      <span>{group.category}</span>
                    ) : (
                      <abbr title={group.category}>{group.category.slice(0, 3)}</abbr>
                    )}
                  </th>
                ))}
                {to < columns.length && <th aria-hidden="true" className="matrix-spacer" />}
              </tr>
              <tr className="matrix-keys" aria-rowindex={2}>
                {from > 0 && <th aria-hidden="true" className="matrix-spacer" />}
                {columns.slice(from, to).map((at) => {
                  const permission = matrix.permissions[at]!;
                  return (
                    <th
                      key={permission.key}
                      scope="col"
                      className={permission.deprecated ? "matrix-key deprecated" : "matrix-key"}
                      title={`${permission.key}${permission.description ? ` — ${permission.description}` : ""}${permission.deprecated ? " (deprecated)" : ""}`}
                    >
                      <span>{permission.key}</span>
                    </th>
                  );
                })}
                {to < columns.length && <th aria-hidden="true" className="matrix-spacer" />}
              </tr>
            </thead>
            <tbody>
              {first > 0 && (
                <tr aria-hidden="true" style={{ height: first * ROW_HEIGHT }}>
                  <td colSpan={renderedColumns} />
                </tr>
              )}
              {rows.slice(first, last).map((row, offset) => (
                <MatrixRow
                  key={row.id}
                  row={row}
                  rowIndex={first + offset}
                  columns={columns}
                  from={from}
                  to={to}
                  activeColumn={first + offset === activeRow ? activeColumn : -1}
                  tooltipId={tooltipId}
                />
              ))}
              {last < rows.length && (
                <tr aria-hidden="true" style={{ height: (rows.length - last) * ROW_HEIGHT }}>
                  <td colSpan={renderedColumns} />
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      {tip && (
        <div
          id={tooltipId}
          role="tooltip"
          className="matrix-tooltip"
          style={{
            left: Math.max(
              8,
              Math.min(tip.x - 160, (typeof window === "undefined" ? 1280 : window.innerWidth) - 328),
            ),
            top: tip.y,
            transform: tip.above ? "translateY(-100%)" : undefined,
          }}
        >
          {tip.text}
        </div>
      )}
      <p className="muted small matrix-footnote">
        Why a group has a permission, step by step:{" "}
        <Link href={`/tenants/${matrix.tenant.slug}/explorer`}>Explorer</Link>.
      </p>
    </section>
  );
}
