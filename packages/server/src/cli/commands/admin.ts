/**
 * Administrator and auditor commands over the embedded store, for the operator on the database
 * host (authority here is the operating system's: whoever can read the database and the master
 * key). Each change goes through AccountService or admin-operations and is audited with the
 * operating-system user as actor. The store file is owned by `baseerat serve` while it runs: stop
 * it first, or use the API (`/api/users`, `/api/audit`).
 */
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import { BaseeratError, CLASSIFICATION_LEVELS, type Classification } from '@baseerat/engine';
import type { Actor } from '../../security/account-service.js';
import { exportAuditCheckpoint, initAuditSigningKeys, rotateDataKey, rotateMasterKey, verifyAudit } from '../../security/admin-operations.js';
import { loadMasterKey } from '../../security/master-key.js';
import { reencryptStore, STORE_DATASET } from '../../security/store-keys.js';
import { ROLES, type Role } from '../../security/policy-engine.js';
import { formatTable, printJson } from '../output.js';
import { withEmbedded } from './serve.js';

const actor = (): Actor => ({ id: `cli:${userInfo().username}`, from: `cli@${hostname()}` });
const list = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');

function role(s: string): Role {
  if (!(ROLES as readonly string[]).includes(s)) throw new BaseeratError('VALIDATION', `role ${JSON.stringify(s)} is not one of ${ROLES.join(', ')}`, { field: 'role' });
  return s as Role;
}
function level(s: string): Classification {
  if (!(CLASSIFICATION_LEVELS as readonly string[]).includes(s)) throw new BaseeratError('VALIDATION', `clearance ${JSON.stringify(s)} is not one of ${CLASSIFICATION_LEVELS.join(', ')}`, { field: 'clearance' });
  return s as Classification;
}

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

export function registerAdmin(program: Command): void {
  const dbOpt = ['--db <path>', 'store file (default $BASEERAT_DB or ./data/baseerat.duckdb)'] as const;
  const user = program.command('user').description('Accounts: create, disable, enable, roles, clearances, compartments, scope, second factor, unlock');

  user.command('create <username>').description('Create an account; prints its password (unless --password-stdin) and TOTP enrolment once')
    .requiredOption('--role <role>', ROLES.join(' | ')).requiredOption('--clearance <level>', CLASSIFICATION_LEVELS.join(' | '))
    .option('--compartments <list>', 'comma-separated').option('--districts <list>', 'comma-separated region scope (required for district_officer)')
    .option('--password-stdin', 'read the password from the first line of standard input').option(...dbOpt)
    .action(async (username: string, o: { role: string; clearance: string; compartments?: string; districts?: string; passwordStdin?: boolean; db?: string }) => {
      const password = o.passwordStdin === true ? await readStdinLine() : randomBytes(18).toString('base64url');
      await withEmbedded(o.db, true, async (e) => {
        const en = await e.security.accounts.createUser({
          username, password, role: role(o.role), clearance: level(o.clearance),
          ...(o.compartments === undefined ? {} : { compartments: list(o.compartments) }), ...(o.districts === undefined ? {} : { districts: list(o.districts) }),
        }, actor(), new Date());
        console.log(`created ${en.user.username} (${en.user.id}), ${en.user.role}, cleared to ${en.user.clearance}`);
        if (o.passwordStdin !== true) console.log(`  password: ${password}`);
        console.log(`  TOTP (shown once): ${en.otpauthUri}`);
      });
    });

  const simple = (name: string, description: string, run: (e: Parameters<Parameters<typeof withEmbedded>[2]>[0], u: string, arg: string | undefined, o: { reason?: string }) => Promise<unknown>, arg?: string) => {
    const c = user.command(arg === undefined ? `${name} <user>` : `${name} <user> <${arg}>`).description(description).option(...dbOpt);
    if (name === 'disable') c.option('--reason <text>', 'why (recorded in the audit trail)');
    c.action(async (u: string, a: unknown, b: unknown) => {
      const o = (arg === undefined ? a : b) as { db?: string; reason?: string };
      const value = arg === undefined ? undefined : (a as string);
      await withEmbedded(o.db, false, async (e) => {
        const out = await run(e, u, value, o);
        if (out !== undefined) printJson(out);
      });
    });
  };
  const now = () => new Date();
  const strip = (u: { passwordHash?: string; totpSecret?: string }) => { const { passwordHash: _p, totpSecret: _t, ...rest } = u; return rest; };
  simple('disable', 'Disable an account and end its sessions', async (e, u, _a, o) => strip(await e.security.accounts.disableUser(u, o.reason ?? 'administrator', actor(), now())));
  simple('enable', 'Enable an account', async (e, u) => strip(await e.security.accounts.enableUser(u, actor(), now())));
  simple('set-role', 'Change the role (ends sessions)', async (e, u, r) => strip(await e.security.accounts.setRole(u, role(r!), actor(), now())), 'role');
  simple('set-clearance', 'Change the clearance (ends sessions)', async (e, u, c) => strip(await e.security.accounts.setClearance(u, level(c!), actor(), now())), 'level');
  simple('set-compartments', 'Set the compartments, comma-separated, "" for none (ends sessions)', async (e, u, c) => strip(await e.security.accounts.setCompartments(u, list(c!), actor(), now())), 'list');
  simple('set-scope', 'Set the districts, comma-separated, or * for no region limit (ends sessions)', async (e, u, d) => strip(await e.security.accounts.setScope(u, d === '*' ? null : list(d!), actor(), now())), 'districts');
  simple('reset-2fa', 'New TOTP secret, printed once (ends sessions)', async (e, u) => {
    const en = await e.security.accounts.resetSecondFactor(u, actor(), now());
    console.log(`TOTP for ${en.user.username} (shown once): ${en.otpauthUri}`);
    return undefined;
  });
  simple('unlock', 'Unlock an account locked after failed logins', async (e, u) => strip(await e.security.accounts.unlockUser(u, actor(), now())));

  user.command('list').description('All accounts').option('--json', 'print as JSON').option(...dbOpt)
    .action(async (o: { json?: boolean; db?: string }) => {
      await withEmbedded(o.db, false, async (e) => {
        const users = await e.security.accounts.listUsers();
        if (o.json === true) { printJson(users); return; }
        console.log(formatTable(['username', 'id', 'role', 'clearance', 'districts', 'state'], users.map((u) => [
          u.username, u.id, u.role, u.clearance, u.districts === null ? '*' : u.districts.join(','),
          u.disabled ? `disabled${u.disabledReason === undefined ? '' : ` (${u.disabledReason})`}` : u.lockedAt !== undefined ? 'locked' : 'active',
        ])));
      });
    });

  const keys = program.command('keys').description('Data keys of encrypted fields');
  keys.command('rotate').description('New active data key for a dataset (old versions stay readable; then run `keys reencrypt`)')
    .option('--dataset <name>', `${STORE_DATASET} (the incident store) or accounts (TOTP secrets)`, STORE_DATASET).option(...dbOpt)
    .action(async (o: { dataset: string; db?: string }) => {
      await withEmbedded(o.db, false, async (e) => console.log(`new data key ${await rotateDataKey(e.security, o.dataset, actor(), new Date())}`));
    });
  keys.command('reencrypt').description("Rewrite the incident store's sensitive fields under the active data key, in batches (after `keys rotate`)")
    .option('--batch <n>', 'values per transaction', '5000')
    .option('--encrypt-plaintext', 'also encrypt values stored before encryption was switched on (a store filled by an older version)')
    .option('--json', 'print the totals as JSON').option(...dbOpt)
    .action(async (o: { batch: string; encryptPlaintext?: boolean; json?: boolean; db?: string }) => {
      const batch = Number(o.batch);
      if (!Number.isInteger(batch) || batch < 1) throw new BaseeratError('VALIDATION', `--batch ${JSON.stringify(o.batch)} is not a positive whole number`, { field: 'batch' });
      const r = await withEmbedded(o.db, false, (e) => reencryptStore(e.store, e.security.audit, actor(), () => new Date(), {
        batch, encryptPlaintext: o.encryptPlaintext === true,
        onProgress: (p) => { if (o.json !== true) console.error(`batch ${p.batches}: ${p.rewritten} rewritten, ${p.remaining} remaining`); },
      }));
      if (o.json === true) printJson(r);
      else console.log(`re-encrypted ${r.rewritten} values in ${r.batches} batches; ${r.remaining} remaining`);
      if (r.remaining > 0) process.exitCode = 1;
    });
  keys.command('rotate-master').description('Rewrap every data key under a new master key (then replace the old key file)').requiredOption('--new-key-file <path>', 'base64 32-byte key, mode 600').option(...dbOpt)
    .action(async (o: { newKeyFile: string; db?: string }) => {
      const next = await loadMasterKey({ keyFile: o.newKeyFile });
      await withEmbedded(o.db, false, async (e) => console.log(`rewrapped ${await rotateMasterKey(e.security, next, actor(), new Date())} data keys; now replace the master key with ${o.newKeyFile}`));
    });

  const audit = program.command('audit').description('The tamper-evident audit trail: signing keys, checkpoints, verification');
  audit.command('init-keys').description('Create the Ed25519 checkpoint signing key pair').requiredOption('--dir <dir>', 'checkpoint directory (public key goes here)')
    .requiredOption('--private-key <path>', 'where to write the private key (0600; keep it off the database host if you can)')
    .action(async (o: { dir: string; privateKey: string }) => {
      const k = await initAuditSigningKeys(o.dir, o.privateKey);
      console.log(`wrote ${o.privateKey} and ${o.dir}/audit-signing-key.pub.pem; pin this public key elsewhere too:\n${k.publicKeyPem}`);
    });
  audit.command('checkpoint').description("Sign the log's current head into the checkpoint directory").requiredOption('--dir <dir>', 'checkpoint directory')
    .requiredOption('--private-key <path>', 'signing key').option(...dbOpt)
    .action(async (o: { dir: string; privateKey: string; db?: string }) => {
      await withEmbedded(o.db, false, async (e) => {
        const cp = await exportAuditCheckpoint(e.security, o.dir, o.privateKey, actor(), new Date());
        console.log(`checkpoint of ${cp.treeSize} entries, root ${cp.rootHash}`);
      });
    });
  audit.command('verify').description('Check the log against the signed checkpoints; exit status 1 unless intact').requiredOption('--dir <dir>', 'checkpoint directory')
    .requiredOption('--public-key <path>', 'pinned public key').option('--json', 'print as JSON').option(...dbOpt)
    .action(async (o: { dir: string; publicKey: string; json?: boolean; db?: string }) => {
      await withEmbedded(o.db, false, async (e) => {
        const v = await verifyAudit(e.security, o.dir, o.publicKey, actor(), new Date());
        if (o.json === true) printJson(v); else console.log(`${v.ok ? 'ok' : 'FAILED'}: ${v.message} (${v.entries} entries, ${v.checkpointed} checkpointed, ${v.checkpoints} checkpoints)`);
        if (!v.ok) process.exitCode = 1;
      });
    });
}
