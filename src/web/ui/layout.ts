import { type Html, html } from './html.js';

export interface PageContext {
  /** Signed in (and past the second factor): shows the navigation and the logout button. */
  signedIn?: { email: string; csrf: string; admin: boolean };
}

export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

/** Every page: no scripts, one same-origin stylesheet, readable from 320 px up. */
export function layout(title: string, body: Html, context: PageContext = {}): string {
  const user = context.signedIn;
  const nav = user
    ? html`<nav><a href="/domains">Domains</a><a href="/tokens">API tokens</a><a href="/security">Security</a>${
        user.admin ? html`<a href="/admin">Admin</a>` : ''
      }<form method="post" action="/logout" class="inline">${csrfField(user.csrf)}<button type="submit" class="link">Log out</button></form></nav>`
    : html`<nav><a href="/login">Log in</a><a href="/signup">Sign up</a></nav>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · sealmail</title><link rel="stylesheet" href="/static/app.css"></head>
<body><header><strong class="brand">sealmail</strong>${nav}</header>
<main><h1>${title}</h1>${body}</main></body></html>`.value;
}

export function notice(kind: 'error' | 'ok', message: string | undefined): Html {
  return message ? html`<p class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${message}</p>` : html``;
}
