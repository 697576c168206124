"use client";

/**
 * The IAM role name (or client id) input of "New access": an ARIA 1.2 combobox with a listbox of names
 * the STS has observed, and the server's live check of exactly what was typed. It never changes what
 * the user typed on its own: a suggestion is used only when chosen.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useId, useState, type KeyboardEvent } from "react";
import { api, queryString, tenantApi } from "@/components/api";
import { queryKeys, type SubjectHints } from "@/components/console-data";
import { formatRelative, plural } from "@/components/format";
import { useDebouncedValue } from "@/components/use-debounced-value";

export function useSubjectHints(slug: string, subjectType: "GROUP" | "CLIENT", value: string) {
  const debounced = useDebouncedValue(value, 250);
  const query = useQuery({
    queryKey: queryKeys.subjectHints(slug, subjectType, debounced),
    queryFn: () =>
      api.get<SubjectHints>(`${tenantApi(slug)}/subjects${queryString({ q: debounced, subjectType })}`),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const settled = debounced === value && !query.isPlaceholderData && !query.isFetching;
  return { query, settled, debounced };
}

export function SubjectCombobox({
  id,
  value,
  onChange,
  hints,
  describedBy,
  invalid,
  subjectType,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  hints: SubjectHints | undefined;
  describedBy?: string;
  invalid?: boolean;
  subjectType: "GROUP" | "CLIENT";
}) {
  const listboxId = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const suggestions = (hints?.suggestions ?? []).filter((suggestion) => suggestion.subject !== value);
  const expanded = open && suggestions.length > 0;
  const activeIndex = active < suggestions.length ? active : -1;
  const optionId = (index: number) => `${listboxId}-option-${index}`;

  const choose = (subject: string) => {
    onChange(subject);
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        setOpen(true);
        setActive((index) => (suggestions.length === 0 ? -1 : (index + 1) % suggestions.length));
        break;
      case "ArrowUp":
        event.preventDefault();
        setOpen(true);
        setActive((index) =>
          suggestions.length === 0 ? -1 : index <= 0 ? suggestions.length - 1 : index - 1,
        );
        break;
      case "Enter":
        if (expanded && activeIndex >= 0) {
          event.preventDefault();
          const chosen = suggestions[activeIndex];
          if (chosen) choose(chosen.subject);
        }
        break;
      case "Escape":
        if (expanded) {
          // Close the list only; the dialog stays open.
          event.preventDefault();
          event.stopPropagation();
          setOpen(false);
          setActive(-1);
        }
        break;
      case "Tab":
        setOpen(false);
        break;
    }
  };

  return (
    <div className="combobox">
      <input
        id={id}
        type="text"
        className="input mono"
        role="combobox"
        aria-expanded={expanded}
        aria-controls={listboxId}
        aria-autocomplete="list"
        aria-activedescendant={expanded && activeIndex >= 0 ? optionId(activeIndex) : undefined}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        value={value}
        autoComplete="off"
        autoCapitalize="off"
        spellCheck={false}
        maxLength={255}
        placeholder={subjectType === "GROUP" ? "e.g. acme-sts-admins" : "e.g. billing-service"}
        data-autofocus=""
        onChange={(event) => {
          onChange(event.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onClick={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      <ul
        id={listboxId}
        role="listbox"
        aria-label={subjectType === "GROUP" ? "Observed IAM role names" : "Observed client ids"}
        className="listbox"
        hidden={!expanded}
      >
        {suggestions.map((suggestion, index) => (
          <li
            key={suggestion.subject}
            id={optionId(index)}
            role="option"
            aria-selected={index === activeIndex}
            className={index === activeIndex ? "option active" : "option"}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => choose(suggestion.subject)}
            onMouseMove={() => setActive(index)}
          >
            <span className="option-subject">{suggestion.subject}</span>
            <span className="option-meta">
              seen {formatRelative(suggestion.lastSeenAt)} · {plural(suggestion.count, "time")}
              {suggestion.mappedHere && <span className="badge">mapped here</span>}
            </span>
          </li>
        ))}
      </ul>
      <span className="visually-hidden" aria-live="polite">
        {expanded ? `${plural(suggestions.length, "suggestion")}; use the arrow keys to choose.` : ""}
      </span>
    </div>
  );
}
