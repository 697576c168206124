"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { api, queryString } from "@/components/api";
import { ErrorAlert } from "@/components/error-alert";
import { plural } from "@/components/format";
import { PermissionSelect } from "@/components/permission-select";
import { StatusBadge } from "@/components/status-badge";
import type { WhereAnswer } from "@/server/access/access.types";

export function AccessLookup({
  tenants,
  permissions,
  initialPermission,
  initialSubject,
}: {
  tenants: { slug: string; name: string }[];
  permissions: { key: string; category: string }[];
  initialPermission: string;
  initialSubject: string;
}) {
  const [subjectType, setSubjectType] = useState<"GROUP" | "CLIENT">("GROUP");
  const [typed, setTyped] = useState(initialSubject);
  const [asked, setAsked] = useState(initialSubject);
  const [permission, setPermission] = useState(initialPermission);
  const [tenant, setTenant] = useState(tenants[0]?.slug ?? "");
  const where = useQuery({
    queryKey: ["access", subjectType, asked],
    queryFn: () => api.get<WhereAnswer>(`/api/console/access${queryString({ subject: asked, subjectType })}`),
    enabled: asked.length > 0,
  });
  const answer = where.data;
  return (
    <>
      <section className="card" aria-labelledby="where-title">
        <h2 id="where-title">Where does it have access?</h2>
        <form
          className="lookup-form"
          onSubmit={(event) => {
            event.preventDefault();
            setAsked(typed);
          }}
        >
          <div className="field">
            <label htmlFor="where-type">Kind</label>
            <select
              id="where-type"
              className="select"
              value={subjectType}
              onChange={(event) => setSubjectType(event.target.value === "CLIENT" ? "CLIENT" : "GROUP")}
            >
              <option value="GROUP">IAM role / group</option>
              <option value="CLIENT">Technical client</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="where-subject">Name, exactly as sent</label>
            <input
              id="where-subject"
              className="input"
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              spellCheck={false}
            />
          </div>
          <button type="submit" className="button" disabled={typed.length === 0}>
            Look up
          </button>
        </form>
        {where.isError && <ErrorAlert error={where.error} />}
        {answer && answer.subject === asked && (
          <div className="section-gap" role="status">
            {answer.tenants.length === 0 ? (
              <p className="muted">
                “{answer.subject}” is mapped in no organisation
                {answer.scope === "readable" ? " that you may read" : ""}.
              </p>
            ) : (
              <div className="table-scroll">
                <table className="data" aria-label={`Where ${answer.subject} has access`}>
                  <thead>
                    <tr>
                      <th scope="col">Organisation</th>
                      <th scope="col">Roles</th>
                      <th scope="col" className="num">
                        Permissions
                      </th>
                      <th scope="col">
                        <span className="visually-hidden">Explain</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {answer.tenants.map((entry) => (
                      <tr key={entry.tenant.slug}>
                        <td>
                          <div className="cell-title">{entry.tenant.name}</div>
                          <div className="row tight-row">
                            <code className="tiny muted">{entry.tenant.slug}</code>
                            {entry.tenant.status === "DISABLED" && <StatusBadge status="DISABLED" />}
                          </div>
                        </td>
                        <td className="small">
                          {entry.roles.length > 0 ? (
                            entry.roles.join(", ")
                          ) : (
                            <span className="muted">none</span>
                          )}
                          {entry.expiredRoles.length > 0 && (
                            <div className="tiny muted">Expired: {entry.expiredRoles.join(", ")}</div>
                          )}
                        </td>
                        <td className="num">{entry.permissions.length}</td>
                        <td className="actions-cell">
                          {answer.subjectType === "GROUP" && (
                            <Link
                              className="button ghost small"
                              href={`/tenants/${encodeURIComponent(entry.tenant.slug)}/explorer?groups=${encodeURIComponent(answer.subject)}`}
                            >
                              Explain
                            </Link>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <p className="tiny muted section-gap">
              {plural(answer.tenants.length, "organisation")}{" "}
              {answer.scope === "all" ? "(all organisations searched)" : "(only organisations you may read)"}
            </p>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="who-title">
        <h2 id="who-title">Who has a permission?</h2>
        {tenants.length === 0 ? (
          <p className="muted">You may read no organisation.</p>
        ) : (
          <form
            className="lookup-form"
            action={`/tenants/${encodeURIComponent(tenant)}/explorer`}
            method="get"
          >
            <div className="field">
              <label htmlFor="who-tenant">Organisation</label>
              <select
                id="who-tenant"
                className="select"
                value={tenant}
                onChange={(event) => setTenant(event.target.value)}
              >
                {tenants.map((item) => (
                  <option key={item.slug} value={item.slug}>
                    {item.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="who-permission">Permission</label>
              <PermissionSelect
                id="who-permission"
                name="permission"
                value={permission}
                onChange={setPermission}
                permissions={permissions}
              />
            </div>
            <button type="submit" className="button" disabled={!permission}>
              Show who has it
            </button>
          </form>
        )}
      </section>
    </>
  );
}
