import type { DemoUser } from "./demo-users";

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const styles = `
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #eef1f6; color: #1b2330; }
  main { width: min(420px, calc(100vw - 32px)); background: #fff; border-radius: 12px; padding: 28px 32px;
         box-shadow: 0 10px 30px rgba(20, 30, 50, .12); }
  h1 { font-size: 1.3rem; margin: 0 0 4px; }
  p.lead { margin: 0 0 20px; color: #546074; font-size: .92rem; }
  label { display: block; font-weight: 600; font-size: .88rem; margin: 14px 0 6px; }
  input { box-sizing: border-box; width: 100%; padding: 10px 12px; border: 1px solid #c4ccd8; border-radius: 8px; font-size: 1rem; }
  input:focus { outline: 3px solid #8db4ff; border-color: #3b6fd8; }
  button { margin-top: 20px; width: 100%; padding: 11px; border: 0; border-radius: 8px; background: #7a3fd1;
           color: #fff; font-weight: 700; font-size: 1rem; cursor: pointer; }
  button:focus-visible { outline: 3px solid #b794ef; outline-offset: 2px; }
  .error { background: #fdecec; color: #8a1c1c; border: 1px solid #f3b9b9; padding: 10px 12px; border-radius: 8px; margin-bottom: 8px; }
  table { width: 100%; border-collapse: collapse; font-size: .82rem; margin-top: 22px; }
  th, td { text-align: left; padding: 5px 4px; border-top: 1px solid #e3e7ee; vertical-align: top; }
  caption { text-align: left; font-weight: 600; margin-bottom: 4px; font-size: .85rem; color: #546074; }
  code { font-size: .82rem; }
  .badge { display: inline-block; font-size: .7rem; font-weight: 700; letter-spacing: .04em; text-transform: uppercase;
           background: #f3e8ff; color: #5b21b6; padding: 2px 8px; border-radius: 99px; margin-bottom: 10px; }
`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${styles}</style></head><body><main>${body}</main></body></html>`;
}

export function renderLoginPage(input: {
  uid: string;
  users: readonly DemoUser[];
  error?: string;
  login?: string;
}): string {
  const rows = input.users
    .map(
      (user) =>
        `<tr><td><code>${escapeHtml(user.login)}</code></td><td>${escapeHtml(user.purpose)}</td></tr>`,
    )
    .join("");
  return page(
    "Sign in — Development IdP",
    `<span class="badge">Development identity provider</span>
<h1>Sign in</h1>
<p class="lead">This local OpenID Connect provider exists for demos and tests only (STS_DEMO=1).</p>
${input.error ? `<div class="error" role="alert">${escapeHtml(input.error)}</div>` : ""}
<form method="post" action="/interaction/${escapeHtml(input.uid)}/login" autocomplete="off">
  <label for="login">Username</label>
  <input id="login" name="login" required autofocus value="${escapeHtml(input.login ?? "")}">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" required>
  <button type="submit">Sign in</button>
</form>
<table><caption>Demo users (password <code>demo</code>)</caption><tbody>${rows}</tbody></table>`,
  );
}

/** RP-initiated logout: the form posted by oidc-provider is submitted at once, as Okta does with id_token_hint. */
export function renderLogoutPage(form: string): string {
  if (!form) {
    return page(
      "Signed out",
      `<h1>Signed out</h1><p class="lead">You are signed out of the development IdP.</p>`,
    );
  }
  return page(
    "Signing out — Development IdP",
    `<h1>Signing out…</h1>
<p class="lead">Ending your session at the development identity provider.</p>
${form.replace("</form>", '<input type="hidden" name="logout" value="yes"></form>')}
<button type="submit" form="op.logoutForm">Continue</button>
<script>document.getElementById("op.logoutForm").submit();</script>`,
  );
}
