import { expect, test } from 'vitest';
import { html, trusted } from './html.js';

test('interpolated values are escaped; nested templates and trusted markup are not', () => {
  const hostile = `<script>alert("x")</script>' onerror='`;
  const out = html`<td title="${hostile}">${hostile}${html`<b>${'&'}</b>`}${trusted('<svg></svg>')}${[1, 'a<']}</td>`.value;
  expect(out).not.toContain('<script>');
  expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onerror=&#39;');
  expect(out).toContain('<b>&amp;</b><svg></svg>1a&lt;');
});
