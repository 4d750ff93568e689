// The public pages contacts see (subscribe form, confirmation, unsubscribe and preferences): small, standalone, accessible HTML.
export const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#f1f5f9;color:#334155;font:16px/1.6 -apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}
main{max-width:480px;margin:48px auto;padding:0 16px}
.brand{font-weight:800;font-size:20px;color:#0f172a;margin:0 0 20px 4px}
.brand span{color:#4338ca}
.card{background:#fff;border-radius:12px;padding:32px;box-shadow:0 1px 3px rgba(15,23,42,.08)}
h1{font-size:24px;line-height:1.3;color:#0f172a;margin:0 0 12px}
p{margin:0 0 12px}
.muted{color:#64748b;font-size:14px}
label{display:block;font-weight:600;font-size:14px;color:#0f172a;margin:16px 0 6px}
input[type=email],input[type=text]{width:100%;padding:11px 12px;border:1px solid #cbd5e1;border-radius:8px;font:inherit;color:#0f172a}
input:focus{outline:2px solid #a5b4fc;border-color:#4338ca}
button{margin-top:20px;background:#4338ca;color:#fff;border:0;border-radius:8px;padding:12px 22px;font:inherit;font-weight:600;cursor:pointer}
button.secondary{background:#fff;color:#334155;border:1px solid #cbd5e1}
button:focus-visible{outline:3px solid #a5b4fc;outline-offset:2px}
.row{display:flex;gap:12px;flex-wrap:wrap}
.error{background:#fef2f2;color:#991b1b;border-radius:8px;padding:10px 12px;font-size:14px;margin:12px 0 0}
.status{display:inline-block;border-radius:999px;padding:2px 10px;font-size:13px;font-weight:600;background:#eef2ff;color:#3730a3}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
footer{margin:16px 4px;color:#5a687c;font-size:13px}
`;

export function page(input: { title: string; brand: string; body: string; footer?: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(input.title)} · ${esc(input.brand)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<div class="brand"><span aria-hidden="true">&#9679;</span> ${esc(input.brand)}</div>
<div class="card">${input.body}</div>
${input.footer ? `<footer>${input.footer}</footer>` : ''}
</main>
</body>
</html>`;
}

export function subscribeForm(brand: string, state: { email?: string; firstName?: string; ref?: string; error?: string } = {}): string {
  return page({
    title: 'Subscribe',
    brand,
    body: `<h1>Get our emails</h1>
<p>New arrivals, guides and offers from ${esc(brand)}. We will send you one email to confirm first.</p>
<form method="post" action="/v1/subscribe" novalidate>
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" required value="${esc(state.email ?? '')}"${state.error ? ' aria-invalid="true" aria-describedby="form-error"' : ''}>
<label for="first_name">First name <span class="muted">(optional)</span></label>
<input id="first_name" name="first_name" type="text" autocomplete="given-name" value="${esc(state.firstName ?? '')}">
${state.ref ? `<input type="hidden" name="ref" value="${esc(state.ref)}">\n` : ''}<div class="hp" aria-hidden="true"><label for="website">Leave this empty</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
${state.error ? `<p class="error" id="form-error" role="alert">${esc(state.error)}</p>` : ''}
<button type="submit">Subscribe</button>
</form>`,
    footer: 'You can unsubscribe at any time with one click from any email.',
  });
}

export function messagePage(brand: string, title: string, paragraphs: string[], extra = ''): string {
  return page({ title, brand, body: `<h1>${esc(title)}</h1>${paragraphs.map((p) => `<p>${esc(p)}</p>`).join('')}${extra}` });
}

const STATUS_LABELS: Record<string, string> = {
  subscribed: 'Subscribed',
  pending: 'Waiting for your confirmation',
  unsubscribed: 'Unsubscribed',
  none: 'Not subscribed',
};

/** The preferences page: the address, its status, and the one change that makes sense from there. */
export function preferencesPage(brand: string, input: { email: string; subscription: string; action: string; notice?: string }): string {
  const subscribed = input.subscription === 'subscribed' || input.subscription === 'pending';
  const form = subscribed
    ? `<form method="post" action="${esc(input.action)}"><input type="hidden" name="action" value="unsubscribe">
<p class="muted">Unsubscribing stops every marketing email from ${esc(brand)}. Emails you ask for, such as order receipts, still arrive.</p>
<button type="submit">Unsubscribe from all marketing emails</button></form>`
    : `<form method="post" action="${esc(input.action)}"><input type="hidden" name="action" value="resubscribe">
<p class="muted">Changed your mind? You can subscribe again.</p>
<button type="submit" class="secondary">Subscribe again</button></form>`;
  return page({
    title: 'Email preferences',
    brand,
    body: `${input.notice ? `<p class="status" role="status">${esc(input.notice)}</p>` : ''}
<h1>Email preferences</h1>
<p>${esc(input.email)}</p>
<p>Status: <strong>${esc(STATUS_LABELS[input.subscription] ?? input.subscription)}</strong></p>
${form}`,
  });
}
