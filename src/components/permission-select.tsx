"use client";

import { useMemo } from "react";

/** A permission chosen from the catalog, grouped by category (the catalog's order is kept). */
export function PermissionSelect({
  id,
  name,
  value,
  onChange,
  permissions,
}: {
  id: string;
  name?: string;
  value: string;
  onChange: (key: string) => void;
  permissions: { key: string; category: string }[];
}) {
  const categories = useMemo(() => [...new Set(permissions.map((item) => item.category))], [permissions]);
  return (
    <select
      id={id}
      name={name}
      className="select"
      value={value}
      onChange={(event) => onChange(event.target.value)}
    >
      <option value="">Choose a permission…</option>
      {categories.map((category) => (
        <optgroup key={category} label={category}>
          {permissions
            .filter((item) => item.category === category)
            .map((item) => (
              <option key={item.key} value={item.key}>
                {item.key}
              </option>
            ))}
        </optgroup>
      ))}
    </select>
  );
}
