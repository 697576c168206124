"use client";

/**
 * Chooses the permissions of a role: grouped by catalog category, searchable, with select-all per
 * category. A permission can be newly granted only when it is not deprecated and the user holds it in
 * this organisation (the server refuses otherwise); what the role already has stays removable.
 */
import { useEffect, useId, useMemo, useRef, useState } from "react";
import type { PermissionEntry } from "./console-data";

export interface PermissionPickerProps {
  catalog: PermissionEntry[];
  value: string[];
  onChange: (next: string[]) => void;
  /** The role's permissions before this edit (empty for a new role). */
  initial: readonly string[];
  /** Permissions the user holds here; null = all (bootstrap administrator). */
  held: ReadonlySet<string> | null;
  describedBy?: string;
}

function blockedReason(
  entry: PermissionEntry,
  initial: ReadonlySet<string>,
  held: ReadonlySet<string> | null,
): string | null {
  if (initial.has(entry.key)) return null;
  if (entry.deprecatedAt) return "Deprecated: no new grants.";
  if (held !== null && !held.has(entry.key))
    return "You do not hold it in this organisation, so you cannot grant it.";
  return null;
}

function CategoryCheckbox({
  id,
  checked,
  indeterminate,
  disabled,
  onChange,
  label,
}: {
  id: string;
  checked: boolean;
  indeterminate: boolean;
  disabled: boolean;
  onChange: (checked: boolean) => void;
  label: string;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return (
    <input
      ref={ref}
      id={id}
      type="checkbox"
      checked={checked}
      disabled={disabled}
      aria-label={label}
      onChange={(event) => onChange(event.target.checked)}
    />
  );
}

export function PermissionPicker({
  catalog,
  value,
  onChange,
  initial,
  held,
  describedBy,
}: PermissionPickerProps) {
  const baseId = useId();
  const [search, setSearch] = useState("");
  const [selectedOnly, setSelectedOnly] = useState(false);
  const [toggled, setToggled] = useState<Record<string, boolean>>({});
  const selected = useMemo(() => new Set(value), [value]);
  const initialSet = useMemo(() => new Set(initial), [initial]);

  const categories = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const groups = new Map<string, PermissionEntry[]>();
    for (const entry of catalog) {
      const list = groups.get(entry.category) ?? [];
      list.push(entry);
      groups.set(entry.category, list);
    }
    return [...groups.entries()]
      .map(([category, entries]) => ({
        category,
        all: entries,
        visible: entries.filter(
          (entry) =>
            (!selectedOnly || selected.has(entry.key)) &&
            (!needle ||
              entry.key.toLowerCase().includes(needle) ||
              entry.description.toLowerCase().includes(needle) ||
              category.toLowerCase().includes(needle)),
        ),
      }))
      .filter((group) => group.visible.length > 0);
  }, [catalog, search, selectedOnly, selected]);

  const unknownSelected = value.filter((key) => !catalog.some((entry) => entry.key === key));
  const filtering = search.trim().length > 0 || selectedOnly;

  const setMany = (keys: string[], on: boolean) => {
    const next = new Set(value);
    for (const key of keys) {
      if (on) next.add(key);
      else next.delete(key);
    }
    onChange([...next]);
  };

  return (
    <div className="picker" aria-describedby={describedBy}>
      <div className="picker-toolbar">
        <div className="search-box">
          <label htmlFor={`${baseId}-search`} className="visually-hidden">
            Filter permissions
          </label>
          <input
            id={`${baseId}-search`}
            type="search"
            className="input"
            placeholder="Filter permissions, e.g. CREDENTIAL or list"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <label className="inline-check small">
          <input
            type="checkbox"
            checked={selectedOnly}
            onChange={(event) => setSelectedOnly(event.target.checked)}
          />
          Selected only
        </label>
        <span className="small muted" aria-live="polite">
          {value.length} of {catalog.length} selected
        </span>
      </div>
      <div className="picker-groups">
        {categories.length === 0 && (
          <p className="muted small picker-empty">No permission matches “{search}”.</p>
        )}
        {categories.map(({ category, all, visible }) => {
          const selectable = visible.filter((entry) => blockedReason(entry, initialSet, held) === null);
          const selectedInCategory = all.filter((entry) => selected.has(entry.key)).length;
          const selectableSelected = selectable.filter((entry) => selected.has(entry.key)).length;
          const allOn = selectable.length > 0 && selectableSelected === selectable.length;
          const expanded =
            toggled[category] ?? (filtering || selectedInCategory > 0 || categories.length <= 3);
          const groupId = `${baseId}-${category}`;
          return (
            <div key={category} className="picker-group">
              <div className="picker-group-header">
                <CategoryCheckbox
                  id={`${groupId}-all`}
                  checked={allOn}
                  indeterminate={!allOn && selectableSelected > 0}
                  disabled={selectable.length === 0}
                  label={`Select all ${filtering ? "shown " : ""}grantable permissions in ${category}`}
                  onChange={(on) =>
                    setMany(
                      selectable.map((entry) => entry.key),
                      on,
                    )
                  }
                />
                <button
                  type="button"
                  className="picker-group-toggle"
                  aria-expanded={expanded}
                  aria-controls={`${groupId}-list`}
                  onClick={() => setToggled((current) => ({ ...current, [category]: !expanded }))}
                >
                  <span className="caret" aria-hidden="true">
                    {expanded ? "▾" : "▸"}
                  </span>
                  <span className="picker-category">{category.replace(/_/g, " ")}</span>
                  <span className="badge">
                    {selectedInCategory}/{all.length}
                  </span>
                </button>
              </div>
              <ul id={`${groupId}-list`} className="picker-list" hidden={!expanded}>
                {visible.map((entry) => {
                  const reason = blockedReason(entry, initialSet, held);
                  const inputId = `${groupId}-${entry.key}`;
                  return (
                    <li key={entry.key} className={reason ? "picker-item is-disabled" : "picker-item"}>
                      <input
                        id={inputId}
                        type="checkbox"
                        checked={selected.has(entry.key)}
                        disabled={reason !== null}
                        aria-describedby={`${inputId}-desc`}
                        onChange={(event) => setMany([entry.key], event.target.checked)}
                      />
                      <label htmlFor={inputId}>
                        <span className="picker-key">
                          {entry.key}
                          {entry.deprecatedAt && <span className="badge warn">deprecated</span>}
                        </span>
                        <span id={`${inputId}-desc`} className="picker-desc">
                          {entry.description || "No description."}
                          {reason && <span className="picker-reason"> {reason}</span>}
                          {!reason && entry.deprecatedAt && (
                            <span className="picker-reason">
                              {" "}
                              Deprecated: kept while the role has it; once removed, it cannot be granted
                              again.
                            </span>
                          )}
                        </span>
                      </label>
                    </li>
                  );
                })}
              </ul>
            </div>
          );
        })}
        {unknownSelected.length > 0 && (
          <p className="small muted">
            Also held, not in the catalog: {unknownSelected.join(", ")}.{" "}
            <button
              type="button"
              className="button ghost small"
              onClick={() => setMany(unknownSelected, false)}
            >
              Remove them
            </button>
          </p>
        )}
      </div>
    </div>
  );
}
