/** The one stylesheet, served from /static/app.css so the CSP can forbid inline styles. */
export const STYLESHEET = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f5f6f8}
header{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.75rem 1rem;background:#1d2b4a;color:#fff}
header a,header .link{color:#fff}
.brand{font-size:1.15rem;margin-right:auto}
nav{display:flex;flex-wrap:wrap;gap:.25rem .9rem;align-items:center}
main{max-width:56rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
section{background:#fff;border:1px solid #dde1e8;border-radius:.5rem;padding:1rem;margin-bottom:1rem}
form.stack{display:grid;gap:.6rem;max-width:26rem}
form.row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
form.inline{display:inline}
label{display:grid;gap:.2rem;font-weight:600}
input[type=text],input[type=email],input[type=password]{font:inherit;padding:.55rem .6rem;border:1px solid #b8bfcc;border-radius:.35rem;width:100%;min-width:0}
button{font:inherit;padding:.55rem 1rem;border:0;border-radius:.35rem;background:#2456c8;color:#fff;cursor:pointer}
button.secondary{background:#5b6475}
button.danger{background:#b3261e}
button.link{background:none;padding:0;text-decoration:underline}
.notice{padding:.6rem .8rem;border-radius:.35rem}
.notice.error{background:#fde7e7;color:#8a1c1c}
.notice.ok{background:#e5f5e8;color:#1c5a2a}
.table-wrap{overflow-x:auto}
td .inline button{padding:.3rem .6rem;font-size:.85rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e4e7ec;vertical-align:top}
code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;word-break:break-all}
.codes{display:grid;grid-template-columns:repeat(auto-fill,minmax(10rem,1fr));gap:.4rem;padding:0;list-style:none}
.codes li{background:#f0f2f6;padding:.35rem .5rem;border-radius:.3rem;font-family:ui-monospace,monospace}
.qr svg{width:12rem;height:12rem;max-width:100%}
.muted{color:#5b6475}
.badge{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.8rem;background:#e4e7ec}
.badge.ok{background:#d5f0db}
.badge.warn{background:#fbeccd}
@media (max-width:30rem){main{padding:.6rem}section{padding:.75rem}th,td{padding:.35rem .3rem}}
`;
