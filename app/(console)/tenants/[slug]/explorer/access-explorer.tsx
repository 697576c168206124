"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { decodeJwt } from "jose";
import Link from "next/link";
import { useEffect, useMemo, useRef, useState } from "react";
import { api, queryString, tenantApi } from "@/components/api";
import { queryKeys, type SubjectHints } from "@/components/console-data";
import { DateTime } from "@/components/date-time";
import { ErrorAlert } from "@/components/error-alert";
import { formatDateTime, plural } from "@/components/format";
import { PermissionSelect } from "@/components/permission-select";
import { ScopeBadge } from "@/components/status-badge";
import { SearchBox } from "@/components/table-controls";
import type { Explanation, RoleScope, WhatIfAnswer, WhoHasAnswer } from "@/server/access/access.types";
import { claimValues } from "@/server/auth/claim-path";

interface RoleOption {
  id: string;
  key: string;
  name: string;
  scope: RoleScope;
}

interface Props {
  tenant: { slug: string; name: string; status: "ACTIVE" | "DISABLED" };
  roles: RoleOption[];
  permissions: { key: string; category: string }[];
  claimPaths: { role: string; groups: string; separator: string | null };
  /** Whether the user may add mappings here (links to the mapping form). */
  mayMap: boolean;
  initialGroups: string[];
  initialPermission: string;
}

/** One name per line, exactly as typed (white space inside a name counts); empty lines are skipped. */
function parseNames(text: string): string[] {
  return [...new Set(text.split("\n").map((line) => line.replace(/\r$/, "")))].filter(
    (line) => line.length > 0,
  );
}

export function AccessExplorer({
  tenant,
  mayMap,
  roles,
  permissions,
  claimPaths,
  initialGroups,
  initialPermission,
}: Props) {
  const slug = tenant.slug;
  const [subjectType, setSubjectType] = useState<"GROUP" | "CLIENT">("GROUP");
  const [namesText, setNamesText] = useState(initialGroups.join("\n"));
  const [clientId, setClientId] = useState("");
  const [token, setToken] = useState("");
  const [tokenNote, setTokenNote] = useState<{ ok: boolean; text: string } | null>(null);

  const observed = useQuery({
    queryKey: queryKeys.subjectHints(slug, "GROUP", ""),
    queryFn: () =>
      api.get<SubjectHints>(`${tenantApi(slug)}/subjects${queryString({ subjectType: "GROUP" })}`),
    staleTime: 30_000,
  });

  const explain = useMutation({
    mutationFn: (body: { groups: string[] } | { clientId: string }) =>
      api.post<Explanation>(`${tenantApi(slug)}/explain`, body),
  });
  const names = parseNames(namesText);
  const asked = explain.variables && "groups" in explain.variables ? explain.variables.groups : [];

  const started = useRef(false);
  useEffect(() => {
    if (started.current || initialGroups.length === 0) return;
    started.current = true;
    explain.mutate({ groups: initialGroups });
  }, [explain, initialGroups]);

  const addName = (name: string) => {
    if (!names.includes(name)) setNamesText(names.length > 0 ? `${names.join("\n")}\n${name}` : name);
  };

  const readToken = () => {
    // Decoded here only to read the claims; the token itself is never sent anywhere and is cleared.
    try {
      const claims = decodeJwt(token.trim());
      const separator = claimPaths.separator ?? undefined;
      const found = [
        ...new Set([
          ...claimValues(claims, claimPaths.role, separator),
          ...claimValues(claims, claimPaths.groups, separator),
        ]),
      ];
      setToken("");
      setSubjectType("GROUP");
      setNamesText(found.join("\n"));
      const expires =
        typeof claims.exp === "number" ? formatDateTime(new Date(claims.exp * 1000).toISOString()) : "?";
      setTokenNote({
        ok: true,
        text: `Read ${plural(found.length, "name")} from the claims “${claimPaths.role}” and “${claimPaths.groups}” of a token for ${claims.sub ?? "an unknown subject"} (issuer ${claims.iss ?? "?"}, expires ${expires}). The token was decoded in this browser only, not verified, and has been cleared.`,
      });
      if (found.length > 0) explain.mutate({ groups: found });
    } catch {
      setTokenNote({ ok: false, text: "That is not a JWT (three base64url parts separated by dots)." });
    }
  };

  return (
    <div className="explorer-grid">
      <section className="card explorer-input" aria-labelledby="explorer-input-title">
        <h2 id="explorer-input-title">Whose access?</h2>
        <form
          className="form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            explain.mutate(subjectType === "GROUP" ? { groups: names } : { clientId });
          }}
        >
          <fieldset className="filter-segments">
            <legend className="visually-hidden">Subject type</legend>
            {(
              [
                ["GROUP", "IAM roles / groups"],
                ["CLIENT", "Technical client"],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className={subjectType === value ? "segment selected" : "segment"}>
                <input
                  type="radio"
                  name="explorer-subject-type"
                  value={value}
                  checked={subjectType === value}
                  onChange={() => setSubjectType(value)}
                />
                {label}
              </label>
            ))}
          </fieldset>
          {subjectType === "GROUP" ? (
            <>
              <div className="field">
                <label htmlFor="explorer-names">IAM role / group names, one per line</label>
                <textarea
                  id="explorer-names"
                  className="input"
                  value={namesText}
                  onChange={(event) => setNamesText(event.target.value)}
                  spellCheck={false}
                  aria-describedby="explorer-names-hint"
                />
                <p id="explorer-names-hint" className="field-hint">
                  Exactly as the identity provider sends them: case, spaces and a leading “/” matter.
                </p>
              </div>
              {(observed.data?.suggestions.length ?? 0) > 0 && (
                <div>
                  <p className="small muted" id="observed-title">
                    Names seen before (most recent first) — click to add:
                  </p>
                  <div className="chips" role="group" aria-labelledby="observed-title">
                    {observed.data!.suggestions.slice(0, 12).map((suggestion) => (
                      <button
                        key={suggestion.subject}
                        type="button"
                        className="button secondary small"
                        onClick={() => addName(suggestion.subject)}
                        disabled={names.includes(suggestion.subject)}
                      >
                        + {suggestion.subject}
                      </button>
                    ))}
                  </div>
                </div>
              )}
              <details>
                <summary>Read the names from an IAM token</summary>
                <div className="field">
                  <label htmlFor="explorer-token">IAM access or ID token (JWT)</label>
                  <textarea
                    id="explorer-token"
                    className="input"
                    value={token}
                    onChange={(event) => setToken(event.target.value)}
                    spellCheck={false}
                    autoComplete="off"
                    aria-describedby="explorer-token-hint"
                  />
                  <p id="explorer-token-hint" className="field-hint">
                    Decoded in this browser only, to read the claims <code>{claimPaths.role}</code> and{" "}
                    <code>{claimPaths.groups}</code>. The token is never sent to the console or logged; only
                    the names read from it are.
                  </p>
                </div>
                <button
                  type="button"
                  className="button secondary"
                  onClick={readToken}
                  disabled={token.trim().length === 0}
                >
                  Read names from token
                </button>
              </details>
              {tokenNote && (
                <p className={`small token-note ${tokenNote.ok ? "ok-text" : "danger-text"}`} role="status">
                  {tokenNote.text}
                </p>
              )}
            </>
          ) : (
            <div className="field">
              <label htmlFor="explorer-client">Client id</label>
              <input
                id="explorer-client"
                className="input"
                value={clientId}
                onChange={(event) => setClientId(event.target.value)}
                spellCheck={false}
              />
            </div>
          )}
          <div>
            <button
              type="submit"
              className="button"
              disabled={
                explain.isPending || (subjectType === "GROUP" ? names.length === 0 : clientId.length === 0)
              }
            >
              {explain.isPending ? "Explaining…" : "Explain access"}
            </button>
          </div>
        </form>
        {explain.isError && <ErrorAlert error={explain.error} />}
      </section>

      {explain.data && (
        <ExplanationView explanation={explain.data} tenantName={tenant.name} slug={slug} mayMap={mayMap} />
      )}

      <WhatIfPanel slug={slug} roles={roles} explanation={explain.data} groups={asked} mayMap={mayMap} />
      <WhoHasPanel slug={slug} permissions={permissions} initialPermission={initialPermission} />
    </div>
  );
}

function ExplanationView({
  explanation,
  tenantName,
  slug,
  mayMap,
}: {
  explanation: Explanation;
  tenantName: string;
  slug: string;
  mayMap: boolean;
}) {
  const [filter, setFilter] = useState("");
  const { resolution } = explanation;
  const needle = filter.trim().toLowerCase();
  const rows = resolution.permissions.filter(
    (permission) =>
      !needle ||
      permission.toLowerCase().includes(needle) ||
      (explanation.categories[permission] ?? "").toLowerCase().includes(needle),
  );
  const roleLabel = (key: string) => explanation.roleNames[key]?.name ?? key;
  const unmatched = explanation.subjects.filter((subject) => subject.roles.length === 0);
  return (
    <section className="card" aria-labelledby="explanation-title">
      <div className="toolbar">
        <h2 id="explanation-title" className="toolbar-title">
          Effective access in {tenantName}
        </h2>
        <span className="muted small">Revision {resolution.revision}</span>
      </div>
      <div className="stat-row">
        <div className="stat">
          <span className="stat-value">{resolution.roles.length}</span>
          <span className="stat-label">roles</span>
        </div>
        <div className="stat">
          <span className="stat-value">{resolution.permissions.length}</span>
          <span className="stat-label">permissions</span>
        </div>
        <div className="stat">
          <span className="stat-value">{unmatched.length}</span>
          <span className="stat-label">names matching nothing</span>
        </div>
      </div>
      {explanation.warnings.length > 0 && (
        <div className="alert warn" role="note">
          <ul className="warning-list">
            {explanation.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </div>
      )}

      <h3 className="section-gap">Names given</h3>
      <div className="table-scroll">
        <table className="data" aria-label="Names and the roles they map to">
          <thead>
            <tr>
              <th scope="col">{explanation.subjectType === "GROUP" ? "IAM role / group" : "Client"}</th>
              <th scope="col">Roles here</th>
            </tr>
          </thead>
          <tbody>
            {explanation.subjects.map((subject) => (
              <tr key={subject.subject}>
                <td className="subject-cell">
                  <span className="chip subject-chip">{subject.subject}</span>
                </td>
                <td>
                  {subject.roles.length > 0 ? (
                    <div className="chips">
                      {subject.roles.map((role) => (
                        <span key={role.mappingId} className="chip">
                          {role.name}
                          {role.expiresAt && (
                            <span className="muted tiny">
                              {" "}
                              until <DateTime iso={role.expiresAt} />
                            </span>
                          )}
                        </span>
                      ))}
                    </div>
                  ) : (
                    <span className="badge warn">Matches nothing</span>
                  )}
                  {subject.expiredRoles.length > 0 && (
                    <div className="small muted">
                      Expired: {subject.expiredRoles.map((role) => role.name).join(", ")}
                    </div>
                  )}
                  {subject.nearMisses.map((miss) => (
                    <div key={miss.subject} className="small">
                      Did you mean <span className="chip">{miss.subject}</span>? (differs only by{" "}
                      {miss.difference})
                    </div>
                  ))}
                  {mayMap && subject.roles.length === 0 && explanation.subjectType === "GROUP" && (
                    <div className="small">
                      <Link
                        href={`/tenants/${slug}/mappings?new=1&subject=${encodeURIComponent(subject.subject)}`}
                      >
                        Map this group
                      </Link>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="toolbar section-gap">
        <h3 className="toolbar-title">Permissions and where they come from</h3>
        <SearchBox
          id="explanation-filter"
          label="Filter permissions"
          placeholder="Filter permissions"
          value={filter}
          onChange={setFilter}
        />
      </div>
      {resolution.permissions.length === 0 ? (
        <p className="table-empty">No permissions: the STS would refuse a token exchange for {tenantName}.</p>
      ) : (
        <div className="table-scroll">
          <table className="data provenance-table" aria-label="Permissions with provenance">
            <thead>
              <tr>
                <th scope="col">Permission</th>
                <th scope="col">Category</th>
                <th scope="col">Granted through (IAM role → role)</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((permission) => (
                <tr key={permission}>
                  <td>
                    <code>{permission}</code>
                  </td>
                  <td className="small">{explanation.categories[permission] ?? ""}</td>
                  <td>
                    {(resolution.provenance[permission] ?? []).map((entry) => (
                      <div key={`${entry.subject}|${entry.role}`} className="provenance-path">
                        <span className="chip subject-chip">{entry.subject}</span>
                        <span className="arrow" aria-label="through">
                          →
                        </span>
                        <span>{roleLabel(entry.role)}</span>
                        <code className="tiny muted">{entry.role}</code>
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function DiffChips({ label, diff }: { label: string; diff: WhatIfAnswer["subject"] }) {
  const nothing =
    diff.permissionsGained.length +
      diff.permissionsLost.length +
      diff.rolesGained.length +
      diff.rolesLost.length ===
    0;
  return (
    <div className="section-gap">
      <h4>{label}</h4>
      {nothing ? (
        <p className="muted small">No change.</p>
      ) : (
        <>
          <p className="small">
            {diff.before.permissions.length} → {diff.after.permissions.length} permissions
            {diff.rolesGained.length > 0 && ` · gains role ${diff.rolesGained.join(", ")}`}
            {diff.rolesLost.length > 0 && ` · loses role ${diff.rolesLost.join(", ")}`}
          </p>
          <ul className="diff-list" aria-label={`${label}: permissions gained and lost`}>
            {diff.permissionsGained.map((key) => (
              <li key={`+${key}`} className="chip gained">
                + {key}
              </li>
            ))}
            {diff.permissionsLost.map((key) => (
              <li key={`-${key}`} className="chip lost">
                − {key}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function WhatIfPanel({
  slug,
  roles,
  explanation,
  groups,
  mayMap,
}: {
  slug: string;
  roles: RoleOption[];
  explanation: Explanation | undefined;
  groups: string[];
  mayMap: boolean;
}) {
  const [op, setOp] = useState<"add" | "remove">("add");
  const [subject, setSubject] = useState("");
  const [roleId, setRoleId] = useState("");
  const [mappingId, setMappingId] = useState("");
  const removable = useMemo(
    () =>
      (explanation?.subjects ?? []).flatMap((item) =>
        [...item.roles, ...item.expiredRoles].map((role) => ({ ...role, subject: item.subject })),
      ),
    [explanation],
  );
  const whatIf = useMutation({
    mutationFn: (body: unknown) => api.post<WhatIfAnswer>(`${tenantApi(slug)}/what-if`, body),
  });
  const defaultSubject =
    explanation?.subjects.find((item) => item.roles.length === 0)?.subject ?? groups[0] ?? "";
  const effectiveSubject = subject || defaultSubject;
  const answer = whatIf.data;
  return (
    <section className="card" aria-labelledby="what-if-title">
      <h2 id="what-if-title">What if…?</h2>
      <p className="muted small">
        Try a mapping change before saving it: the answer is computed with the STS&apos;s own resolution on
        the current mappings with your change applied in memory. Nothing is saved.
      </p>
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const change =
            op === "add"
              ? { op, subjectType: "GROUP" as const, subject: effectiveSubject, roleId }
              : { op, mappingId };
          whatIf.mutate({ change, ...(groups.length > 0 ? { groups } : {}) });
        }}
      >
        <fieldset className="filter-segments">
          <legend className="visually-hidden">Change</legend>
          {(
            [
              ["add", "Add a mapping"],
              ["remove", "Remove a mapping"],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className={op === value ? "segment selected" : "segment"}>
              <input
                type="radio"
                name="what-if-op"
                value={value}
                checked={op === value}
                onChange={() => setOp(value)}
              />
              {label}
            </label>
          ))}
        </fieldset>
        {op === "add" ? (
          <div className="lookup-form">
            <div className="field">
              <label htmlFor="what-if-subject">IAM role / group</label>
              <input
                id="what-if-subject"
                className="input"
                value={effectiveSubject}
                onChange={(event) => setSubject(event.target.value)}
                spellCheck={false}
              />
            </div>
            <div className="field">
              <label htmlFor="what-if-role">Role</label>
              <select
                id="what-if-role"
                className="select"
                value={roleId}
                onChange={(event) => setRoleId(event.target.value)}
              >
                <option value="">Choose a role…</option>
                {roles.map((role) => (
                  <option key={role.id} value={role.id}>
                    {role.name} ({role.scope === "global" ? "global" : "this organisation"})
                  </option>
                ))}
              </select>
            </div>
          </div>
        ) : removable.length === 0 ? (
          <p className="muted small">Explain some names first: their mappings can then be tried out here.</p>
        ) : (
          <div className="field">
            <label htmlFor="what-if-mapping">Mapping</label>
            <select
              id="what-if-mapping"
              className="select"
              value={mappingId}
              onChange={(event) => setMappingId(event.target.value)}
            >
              <option value="">Choose a mapping…</option>
              {removable.map((mapping) => (
                <option key={mapping.mappingId} value={mapping.mappingId}>
                  {mapping.subject} → {mapping.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div>
          <button
            type="submit"
            className="button secondary"
            disabled={whatIf.isPending || (op === "add" ? !roleId || !effectiveSubject : !mappingId)}
          >
            {whatIf.isPending ? "Computing…" : "Show the effect"}
          </button>
        </div>
      </form>
      {whatIf.isError && <ErrorAlert error={whatIf.error} />}
      {answer && (
        <div role="status" aria-live="polite">
          <p>
            {answer.change.op === "add" ? "Adding" : "Removing"}{" "}
            <span className="chip">{answer.change.subject}</span> → <strong>{answer.change.role.name}</strong>{" "}
            <ScopeBadge scope={answer.change.role.scope} />
          </p>
          {answer.change.note && <p className="small muted">{answer.change.note}</p>}
          <DiffChips label={`“${answer.change.subject}” alone`} diff={answer.subject} />
          {answer.groups && <DiffChips label="The names explained above, together" diff={answer.groups} />}
          {mayMap && answer.change.op === "add" && !answer.change.noop && (
            <p className="small section-gap">
              <Link
                href={`/tenants/${slug}/mappings?new=1&subject=${encodeURIComponent(answer.change.subject)}`}
              >
                Open the mapping form for “{answer.change.subject}”
              </Link>
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function WhoHasPanel({
  slug,
  permissions,
  initialPermission,
}: {
  slug: string;
  permissions: { key: string; category: string }[];
  initialPermission: string;
}) {
  const [permission, setPermission] = useState(initialPermission);
  const lookup = useQuery({
    queryKey: ["tenant", slug, "who-has", permission],
    queryFn: () => api.get<WhoHasAnswer>(`${tenantApi(slug)}/who-has${queryString({ permission })}`),
    enabled: permission.length > 0,
  });
  const answer = lookup.data;
  return (
    <section className="card" aria-labelledby="who-has-title">
      <h2 id="who-has-title">Who has a permission?</h2>
      <div className="field">
        <label htmlFor="who-has-permission">Permission</label>
        <PermissionSelect
          id="who-has-permission"
          value={permission}
          onChange={setPermission}
          permissions={permissions}
        />
      </div>
      {lookup.isError && <ErrorAlert error={lookup.error} />}
      {answer && answer.permission.key === permission && (
        <>
          <p className="small">
            {answer.holders.length === 0
              ? `Nobody holds ${permission} in ${answer.tenant.name}.`
              : `${plural(new Set(answer.holders.map((holder) => holder.subject)).size, "IAM role / client", "IAM roles / clients")} hold ${permission} in ${answer.tenant.name}:`}
          </p>
          {answer.holders.length > 0 && (
            <div className="table-scroll">
              <table className="data" aria-label={`Who holds ${permission}`}>
                <thead>
                  <tr>
                    <th scope="col">IAM role / client</th>
                    <th scope="col">Through role</th>
                    <th scope="col">Expires</th>
                  </tr>
                </thead>
                <tbody>
                  {answer.holders.map((holder) => (
                    <tr key={`${holder.subjectType}|${holder.subject}|${holder.role.id}`}>
                      <td className="subject-cell">
                        <span className="chip subject-chip">{holder.subject}</span>
                        <div className="tiny muted">
                          {holder.subjectType === "GROUP" ? "IAM role / group" : "Technical client"}
                        </div>
                      </td>
                      <td>
                        {holder.role.name} <ScopeBadge scope={holder.role.scope} />
                      </td>
                      <td className="small">
                        {holder.expiresAt ? (
                          <DateTime iso={holder.expiresAt} />
                        ) : (
                          <span className="muted">Never</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p className="small muted section-gap">
            Roles holding it here:{" "}
            {answer.roles.length === 0
              ? "none."
              : answer.roles
                  .map((role) => `${role.name} (${plural(role.mappingCount, "mapping")})`)
                  .join(", ")}
          </p>
        </>
      )}
    </section>
  );
}
