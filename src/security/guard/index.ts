/**
 * The guard: one abuse defence every listener consults (MX, submission, IMAP, POP3, HTTPS, traps).
 * It is `context.guard` (built in src/app/server.ts); counters live in the state store (memory, or
 * Redis shared by every node) through rate-limiter-flexible.
 *
 * Listener API (all async; `ip` = socket.remoteAddress, IPv4-mapped IPv6 is handled):
 *
 *   const v = await guard.onConnect(ip, 'imap');   // at accept, before the greeting
 *   if (!v.allowed) { send v.reply (SMTP: `${r.responseCode} ${r.enhanced} ${r.publicMessage}`,
 *                      IMAP/POP3: "* BYE"/"-ERR" with v.reason); close; }
 *   socket.once('close', v.release);               // frees the concurrent-connection slot
 *   v.score                                        // DNSBL score when [guard.dnsbl] policy = "score"
 *
 *   const a = await guard.beforeAuth(ip, account); // before checking a password: waits the growing
 *   if (!a.allowed) reply "auth failed" / close;   // delay; refuses banned IPs and locked account+network
 *   ... verify the password (for unknown accounts verify against a dummy hash: equal timing) ...
 *   await guard.onAuthFailure(ip, account);        // on failure (counts per IP and per account+/24)
 *   await guard.onAuthSuccess(ip, account);        // on success
 *
 *   const r = await guard.onUnknownRecipient(ip, connectionId);  // RCPT to an unknown address
 *   if (!r.allowed) { reply r.reply (421 4.7.0); close; }         // threshold reached: IP banned
 *
 *   const m = await guard.onMessage(ip, senderDomain);  // per accepted message: 451 when over the hourly limits
 *   if (await guard.inspectFirstBytes(ip, firstChunk)) close;   // plain ports: TLS hello / HTTP = misuse
 *   await guard.onProtocolMisuse(ip, classifyCommandLine(line) ?? …);  // e.g. an HTTP header as a command
 *   await guard.isBanned(ip);
 *
 * Bans: `guard.bans.ban(ip, {reason, actor, ttlS})`, `.unban(ip, actor)`, `.list()`. Every ban,
 * unban and account lock writes an audit event (IP/account anonymised). Bans are kept in the state
 * store (fast path, shared through Redis) and in the control store's guard_bans table (durable);
 * every node syncs the table every `[guard] ban_sync_ms`, which is how `sealmail ban add|remove`
 * reaches a running server without a restart, with memory state too. Allow-listed CIDRs
 * (`[guard] allow`) are never banned, limited or DNSBL-checked.
 */
export { type BanInfo, BanRegistry } from './bans.js';
export { type DnsblListing, dnsblName, queryDnsbl } from './dnsbl.js';
export { type ConnectVerdict, Guard, type GuardDeps, type RefusalReason, type Verdict } from './guard.js';
export { classifyCommandLine, classifyFirstBytes, type MisuseKind } from './misuse.js';
export { AllowList, canonicalIp, sourceNetwork } from './network.js';
export { NftablesPusher } from './nftables.js';
export { checkReputation, type ReputationReport, reputationProbe } from './reputation.js';
export { startTrapListener } from './trap.js';
