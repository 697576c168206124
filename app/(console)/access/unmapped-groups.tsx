"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api, queryString, tenantApi } from "@/components/api";
import { DateTime } from "@/components/date-time";
import { LoadError } from "@/components/error-alert";
import { plural } from "@/components/format";
import { Pager, SearchBox } from "@/components/table-controls";
import { useDebouncedValue } from "@/components/use-debounced-value";
import type { UnmappedPage } from "@/server/access/access.types";

type Scope =
  | { kind: "tenant"; slug: string; name: string; mayMap: boolean }
  | { kind: "global"; tenants: { slug: string; name: string }[] };

const mapLink = (slug: string, subject: string) =>
  `/tenants/${encodeURIComponent(slug)}/mappings?new=1&subject=${encodeURIComponent(subject)}`;

function MapElsewhere({ subject, tenants }: { subject: string; tenants: { slug: string; name: string }[] }) {
  const router = useRouter();
  const [slug, setSlug] = useState(tenants[0]?.slug ?? "");
  if (tenants.length === 0) return null;
  return (
    <form
      className="map-elsewhere"
      onSubmit={(event) => {
        event.preventDefault();
        router.push(mapLink(slug, subject));
      }}
    >
      <select
        className="select small"
        aria-label={`Organisation to map ${subject} in`}
        value={slug}
        onChange={(event) => setSlug(event.target.value)}
      >
        {tenants.map((tenant) => (
          <option key={tenant.slug} value={tenant.slug}>
            {tenant.name}
          </option>
        ))}
      </select>
      <button
        type="submit"
        className="button secondary small"
        aria-label={`Map ${subject} in the chosen organisation`}
      >
        Map this group
      </button>
    </form>
  );
}

/** Observed groups that map to nothing, with first/last seen, counts and a one-click way to map each. */
export function UnmappedGroups({ scope }: { scope: Scope }) {
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const q = useDebouncedValue(search.trim(), 300);
  const url = scope.kind === "tenant" ? `${tenantApi(scope.slug)}/unmapped` : "/api/console/unmapped";
  const query = useQuery({
    queryKey: ["unmapped", scope.kind === "tenant" ? scope.slug : "*", q, page, pageSize],
    queryFn: () => api.get<UnmappedPage>(`${url}${queryString({ q, page, pageSize })}`),
    placeholderData: keepPreviousData,
  });
  const data = query.data;
  return (
    <section className="card" aria-labelledby="unmapped-title">
      <div className="toolbar">
        <h2 id="unmapped-title" className="toolbar-title">
          {data ? plural(data.total, "unmapped group") : "Unmapped groups"}
        </h2>
        <div className="toolbar-controls">
          <SearchBox
            id="unmapped-search"
            label="Search unmapped groups"
            placeholder="Search group names"
            value={search}
            onChange={(value) => {
              setSearch(value);
              setPage(1);
            }}
          />
        </div>
      </div>
      {query.isError && !data && (
        <LoadError error={query.error} onRetry={() => void query.refetch()} what="the unmapped groups" />
      )}
      {data && (
        <>
          <div className="table-scroll" role="region" aria-labelledby="unmapped-title" tabIndex={0}>
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">IAM role / group</th>
                  <th scope="col">First seen</th>
                  <th scope="col">Last seen</th>
                  <th scope="col" className="num">
                    Times seen
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.rows.length === 0 ? (
                  <tr>
                    <td colSpan={5} className="table-empty">
                      {q
                        ? "No unmapped group matches this search."
                        : scope.kind === "tenant"
                          ? "Every group presented to this organisation is mapped."
                          : "Every group seen at sign-in or token exchange is mapped."}
                    </td>
                  </tr>
                ) : (
                  data.rows.map((row) => (
                    <tr key={row.subject}>
                      <td className="subject-cell">
                        <span className="chip subject-chip">{row.subject}</span>
                        {row.nearMisses.map((miss) => (
                          <div key={miss.subject} className="tiny warn-text">
                            Differs from the mapped “{miss.subject}” only by {miss.difference}
                          </div>
                        ))}
                      </td>
                      <td className="small">
                        <DateTime iso={row.firstSeenAt} />
                      </td>
                      <td className="small">
                        <DateTime iso={row.lastSeenAt} />
                      </td>
                      <td className="num">{row.count}</td>
                      <td className="actions-cell">
                        {scope.kind === "tenant" ? (
                          <>
                            <Link
                              className="button ghost small"
                              href={`/tenants/${encodeURIComponent(scope.slug)}/explorer?groups=${encodeURIComponent(row.subject)}`}
                            >
                              Explain
                            </Link>
                            {scope.mayMap && (
                              <Link
                                className="button secondary small"
                                href={mapLink(scope.slug, row.subject)}
                                aria-label={`Map ${row.subject} in ${scope.name}`}
                              >
                                Map this group
                              </Link>
                            )}
                          </>
                        ) : (
                          <MapElsewhere subject={row.subject} tenants={scope.tenants} />
                        )}
                      </td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
          <Pager
            label="Unmapped group pages"
            page={data.page}
            pageSize={pageSize}
            total={data.total}
            onPage={setPage}
            onPageSize={(size) => {
              setPageSize(size);
              setPage(1);
            }}
          />
        </>
      )}
    </section>
  );
}
