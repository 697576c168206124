"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api } from "@/components/api";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { queryKeys, type SigningKeySummary, type SigningKeysResponse } from "@/components/console-data";
import { CopyButton } from "@/components/copy-button";
import { DateTime } from "@/components/date-time";
import { BusyButton } from "@/components/dialog";
import { ErrorAlert, LoadError } from "@/components/error-alert";
import { formatDateTime, formatRelative } from "@/components/format";
import { toast } from "@/components/toast";
import { useNow } from "@/components/use-now";

type KeyStatus = SigningKeySummary["status"];

const statusBadges: Record<KeyStatus, { className: string; label: string; meaning: string }> = {
  NEXT: { className: "badge accent", label: "Next", meaning: "Published, not signing" },
  ACTIVE: { className: "badge ok", label: "Active", meaning: "Signs app tokens" },
  RETIRING: { className: "badge warn", label: "Retiring", meaning: "Published, no longer signing" },
  RETIRED: { className: "badge", label: "Retired", meaning: "Unpublished" },
};

function KeyStatusBadge({ status }: { status: KeyStatus }) {
  const badge = statusBadges[status];
  return (
    <span className={badge.className}>
      <span className="dot" aria-hidden="true" />
      {badge.label}
    </span>
  );
}

function durationText(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** "in 59 min" — minutes rather than formatRelative's coarse units, since the lead is usually an hour. */
function countdown(iso: string, now: number): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  if (seconds <= 60) return "in less than a minute";
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `in ${minutes} min`;
  return formatRelative(iso, now);
}

function keyAnchor(kid: string): string {
  return `signing-key-${kid}`;
}

function PromoteCell({
  signingKey,
  now,
  onPromote,
}: {
  signingKey: SigningKeySummary;
  now: number | null;
  onPromote: (key: SigningKeySummary) => void;
}) {
  const promotableAt = signingKey.promotableAt;
  // Until the browser's clock is known (server rendering), assume the lead time is still running.
  const waiting = promotableAt !== null && (now === null || new Date(promotableAt).getTime() > now);
  const hintId = `${keyAnchor(signingKey.kid)}-promote-hint`;
  return (
    <div className="stack-tight key-actions">
      <button
        type="button"
        className="button small"
        disabled={waiting}
        aria-describedby={hintId}
        onClick={() => onPromote(signingKey)}
      >
        Promote
      </button>
      <span id={hintId} className="tiny muted">
        {waiting && promotableAt
          ? `Can be promoted at ${formatDateTime(promotableAt)}${now === null ? "" : ` (${countdown(promotableAt, now)})`}`
          : "Ready to promote."}
      </span>
    </div>
  );
}

function JwkDetails({ signingKey }: { signingKey: SigningKeySummary }) {
  const json = JSON.stringify(signingKey.publicJwk, null, 2);
  return (
    <details className="jwk-details">
      <summary>Public JWK</summary>
      <pre className="code-block">{json}</pre>
      <CopyButton value={json} label={`Copy the public JWK of key ${signingKey.kid}`} />
    </details>
  );
}

export function SigningKeys({ initial }: { initial: SigningKeysResponse }) {
  const queryClient = useQueryClient();
  const keysQuery = useQuery({
    queryKey: queryKeys.signingKeys,
    queryFn: () => api.get<SigningKeysResponse>("/api/console/keys"),
    initialData: initial,
  });
  const now = useNow();
  const [promoting, setPromoting] = useState<SigningKeySummary | null>(null);
  const [showRetired, setShowRetired] = useState(false);
  const { keys, publishLeadSeconds, tokenTtlSeconds } = keysQuery.data;
  const nextKey = keys.find((key) => key.status === "NEXT");
  const activeKey = keys.find((key) => key.status === "ACTIVE");
  const retiredCount = keys.filter((key) => key.status === "RETIRED").length;
  const visible = showRetired ? keys : keys.filter((key) => key.status !== "RETIRED");

  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.signingKeys });

  // A retiring key leaves the JWKS once its tokens have expired: reload then, so the list says so.
  const retirementDue = keys.some(
    (key) => key.status === "RETIRING" && key.retiresAt && now !== null && Date.parse(key.retiresAt) <= now,
  );
  const { refetch } = keysQuery;
  useEffect(() => {
    if (retirementDue) void refetch();
  }, [retirementDue, refetch]);

  const create = useMutation({
    mutationFn: () => api.post<SigningKeySummary>("/api/console/keys", {}),
    onSuccess: async (key) => {
      await refresh();
      toast.success(`Key ${key.kid.slice(0, 12)}… created: published in the JWKS, not signing yet.`);
      // The Create button is now disabled: move focus to the new key rather than lose it.
      requestAnimationFrame(() => document.getElementById(keyAnchor(key.kid))?.focus());
    },
    onError: () => void refresh(),
  });

  const promote = useMutation({
    mutationFn: (key: SigningKeySummary) =>
      api.post<SigningKeySummary>(`/api/console/keys/${encodeURIComponent(key.kid)}/promote`, {
        version: key.version,
      }),
    onSuccess: async (key) => {
      setPromoting(null);
      await refresh();
      toast.success(
        activeKey
          ? `Key ${key.kid.slice(0, 12)}… now signs app tokens; ${activeKey.kid.slice(0, 12)}… is retiring.`
          : `Key ${key.kid.slice(0, 12)}… now signs app tokens.`,
      );
      requestAnimationFrame(() => document.getElementById(keyAnchor(key.kid))?.focus());
    },
    // Promoted or changed by someone else meanwhile: the table behind the dialog shows the state now.
    onError: () => void refresh(),
  });

  return (
    <section className="card stack" aria-labelledby="keys-title">
      <div className="toolbar" style={{ marginBottom: 0 }}>
        <h2 id="keys-title" className="toolbar-title">
          Signing keys
          {keysQuery.isFetching && (
            <span className="muted small updating" role="status">
              <span className="spinner spinner-sm" aria-hidden="true" /> Updating…
            </span>
          )}
        </h2>
        <div className="toolbar-controls">
          {nextKey && (
            <span className="small muted" id="create-key-hint">
              Promote the next key before creating another.
            </span>
          )}
          <BusyButton
            busy={create.isPending}
            busyLabel="Creating…"
            disabled={nextKey !== undefined}
            onClick={() => create.mutate()}
          >
            <span aria-hidden="true">+</span> Create next key
          </BusyButton>
        </div>
      </div>
      <div className="key-intro">
        <p className="muted small">
          App tokens are signed with one EdDSA (Ed25519) key at a time; verifiers find its public half in the
          JWKS by the token&apos;s <code>kid</code>. A key goes through four stages:
        </p>
        <ol className="key-lifecycle">
          <li>
            <KeyStatusBadge status="NEXT" />
            <span>
              Published in the JWKS, not signing. It must stay published for{" "}
              {durationText(publishLeadSeconds)} (<code>STS_JWKS_PUBLISH_LEAD</code>) before promotion, so
              every verifier&apos;s cached JWKS knows it.
            </span>
          </li>
          <li>
            <KeyStatusBadge status="ACTIVE" />
            <span>Signs every new app token. Exactly one key is active.</span>
          </li>
          <li>
            <KeyStatusBadge status="RETIRING" />
            <span>
              Replaced by a promoted key: still published, no longer signing, until every token it signed has
              expired ({durationText(tokenTtlSeconds)} lifetime plus a short grace).
            </span>
          </li>
          <li>
            <KeyStatusBadge status="RETIRED" />
            <span>Removed from the JWKS.</span>
          </li>
        </ol>
      </div>
      {keysQuery.isError && (
        <LoadError error={keysQuery.error} onRetry={() => void keysQuery.refetch()} what="the signing keys" />
      )}
      {create.isError && <ErrorAlert error={create.error} title="No key created." />}
      {!activeKey && keys.length > 0 && (
        <div className="alert warn" role="status">
          <strong>No active key:</strong> the STS cannot issue app tokens until a key is promoted.
        </div>
      )}
      {keys.length === 0 ? (
        <div className="empty">
          <h2>No signing key yet</h2>
          <p>
            Create the first key. It can be promoted at once: no verifier can have cached a JWKS without it.
            Until a key is active, the STS cannot issue app tokens.
          </p>
        </div>
      ) : (
        <>
          {retiredCount > 0 && (
            <label className="inline-check small">
              <input
                type="checkbox"
                checked={showRetired}
                onChange={(event) => setShowRetired(event.target.checked)}
              />
              Show retired keys ({retiredCount})
            </label>
          )}
          <div className="table-scroll" role="region" aria-labelledby="keys-title" tabIndex={0}>
            <table className="data keys-table">
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Status</th>
                  <th scope="col">Published</th>
                  <th scope="col">Activated</th>
                  <th scope="col">Retiring / retired</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {visible.map((key) => (
                  <tr key={key.kid}>
                    <td className="key-cell">
                      <code id={keyAnchor(key.kid)} tabIndex={-1} className="kid">
                        {key.kid}
                      </code>
                      <div className="tiny muted">{key.alg} · Ed25519</div>
                      <JwkDetails signingKey={key} />
                    </td>
                    <td>
                      <span className="stack-tight">
                        <KeyStatusBadge status={key.status} />
                        <span className="tiny muted">{statusBadges[key.status].meaning}</span>
                      </span>
                    </td>
                    <td className="small">
                      <DateTime iso={key.publishedAt} />
                    </td>
                    <td className="small">
                      <DateTime iso={key.activatedAt} />
                    </td>
                    <td className="small">
                      {key.status === "RETIRING" ? (
                        <span className="stack-tight">
                          <DateTime iso={key.retiringAt} />
                          {key.retiresAt && (
                            <span className="tiny muted">
                              Unpublished after <DateTime iso={key.retiresAt} />
                            </span>
                          )}
                        </span>
                      ) : key.status === "RETIRED" ? (
                        <DateTime iso={key.retiredAt} />
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td className="actions-cell">
                      {key.status === "NEXT" ? (
                        <PromoteCell
                          signingKey={key}
                          now={now}
                          onPromote={(selected) => {
                            promote.reset();
                            setPromoting(selected);
                          }}
                        />
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      <ConfirmDialog
        open={promoting !== null}
        onClose={() => setPromoting(null)}
        title="Promote this key?"
        confirmLabel="Promote key"
        busyLabel="Promoting…"
        errorTitle="Not promoted."
        busy={promote.isPending}
        error={promote.isError ? promote.error : undefined}
        onReload={() => {
          promote.reset();
          setPromoting(null);
          void refresh();
        }}
        onConfirm={() => promoting && promote.mutate(promoting)}
      >
        {promoting && (
          <>
            <p>
              Key <code className="kid">{promoting.kid}</code> signs every new app token from now on.
            </p>
            {activeKey ? (
              <p>
                The current active key <code className="kid">{activeKey.kid}</code> becomes{" "}
                <strong>retiring</strong>: it stops signing at once but stays published in the JWKS until the
                tokens it signed have expired ({durationText(tokenTtlSeconds)} plus a short grace), then it is
                retired and unpublished.
              </p>
            ) : (
              <p>There is no active key now: this one becomes the only signing key.</p>
            )}
            <p className="small muted">
              Tokens already issued stay valid. A verifier that has not fetched the JWKS since this key was
              published would reject the new tokens until it refreshes.
            </p>
          </>
        )}
      </ConfirmDialog>
    </section>
  );
}
