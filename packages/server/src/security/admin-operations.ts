/**
 * Service functions behind the administrator's CLI commands. Each takes the acting operator
 * (`actor`) and `now`, and writes the audit trail. Account operations live on AccountService
 * (create, disable, enable, role, clearance, compartments, scope, second factor, unlock,
 * dormant sweep); the key and audit operations are here, with `openSecurity`, which wires the
 * DuckDB-backed pieces for a command.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import { AccountService, type Actor } from './account-service.js';
import { AuditLog, type AuditStore } from './audit-log.js';
import { exportCheckpoint, generateAuditSigningKeys, verifyAuditTrail, type AuditVerification, type Checkpoint } from './audit-checkpoints.js';
import { DuckDBAuditStore, DuckDBSecurityRepo } from './duckdb-security-repo.js';
import { migrateSecuritySchema } from './duckdb-security-schema.js';
import { FieldCipher, KeyRing } from './field-cipher.js';
import { PolicyEngine } from './policy-engine.js';
import type { SecurityRepo } from './security-repo.js';

export const ACCOUNTS_DATASET = 'accounts';

export interface SecurityContext {
  /** DuckDB in embedded mode, PostgreSQL in server mode (api/server-mode.ts). */
  repo: SecurityRepo;
  auditStore: AuditStore;
  audit: AuditLog;
  keys: KeyRing;
  accounts: AccountService;
  policies: PolicyEngine;
  /** Cipher for a dataset's sensitive fields (creates its first data key if needed). */
  cipherFor(dataset: string, now: Date): Promise<FieldCipher>;
  /**
   * Closes the two connections. The instance stays open until every connection is closed: a store
   * closed without this leaves the file open in the process, and the next open of the same file
   * in this process would run a second database on it.
   */
  close(): void;
}

/** Opens the security tables in the store's DuckDB instance (two connections of its own). */
export async function openSecurity(instance: DuckDBInstance, masterKey: Buffer, now: Date, policyDir?: string): Promise<SecurityContext> {
  const repoConn = await instance.connect();
  const auditConn = await instance.connect();
  const close = () => { repoConn.closeSync(); auditConn.closeSync(); };
  try {
    await migrateSecuritySchema(repoConn, now);
    const repo = new DuckDBSecurityRepo(repoConn);
    const auditStore = new DuckDBAuditStore(auditConn);
    const audit = new AuditLog(auditStore);
    const keys = await KeyRing.open(repo, masterKey);
    await keys.ensureDataset(ACCOUNTS_DATASET, now);
    const accounts = new AccountService({ repo, audit, cipher: new FieldCipher(keys, ACCOUNTS_DATASET) });
    return {
      repo, auditStore, audit, keys, accounts, policies: PolicyEngine.load(policyDir),
      cipherFor: async (dataset, at) => { await keys.ensureDataset(dataset, at); return new FieldCipher(keys, dataset); },
      close,
    };
  } catch (e) {
    close();
    throw e;
  }
}

/** `baseerat keys rotate --dataset <name>`: a new active data key version; old versions stay readable. */
export async function rotateDataKey(ctx: Pick<SecurityContext, 'keys' | 'audit'>, dataset: string, actor: Actor, now: Date): Promise<string> {
  const keyId = await ctx.keys.rotate(dataset, now);
  await ctx.audit.record({ actor: actor.id, action: 'keys.rotate', target: keyId, from: actor.from, outcome: 'success', details: { dataset } }, now);
  return keyId;
}

/** `baseerat keys rotate-master --new-key-file <path>`: rewraps every data key under the new master key. */
export async function rotateMasterKey(ctx: Pick<SecurityContext, 'keys' | 'audit'>, newMasterKey: Buffer, actor: Actor, now: Date): Promise<number> {
  const n = await ctx.keys.rotateMasterKey(newMasterKey);
  await ctx.audit.record({ actor: actor.id, action: 'keys.rotate', target: 'master', from: actor.from, outcome: 'success', details: { dataKeysRewrapped: n } }, now);
  return n;
}

/**
 * `baseerat audit init-keys --dir <checkpointDir> --private-key <path>`: an Ed25519 pair; the
 * private key goes to `privateKeyPath` (0600, keep it off the database host if you can), the
 * public key into the checkpoint directory and to the caller, who should pin it elsewhere too.
 */
export async function initAuditSigningKeys(checkpointDir: string, privateKeyPath: string): Promise<{ publicKeyPem: string }> {
  const k = generateAuditSigningKeys();
  await mkdir(checkpointDir, { recursive: true });
  await writeFile(privateKeyPath, k.privateKeyPem, { mode: 0o600, flag: 'wx' });
  await chmod(privateKeyPath, 0o600);
  await writeFile(join(checkpointDir, 'audit-signing-key.pub.pem'), k.publicKeyPem, { flag: 'wx' });
  return { publicKeyPem: k.publicKeyPem };
}

/** `baseerat audit checkpoint --dir <dir> --private-key <path>`: signs the log's current head into the directory. */
export async function exportAuditCheckpoint(
  ctx: Pick<SecurityContext, 'audit' | 'auditStore'>, checkpointDir: string, privateKeyPath: string, actor: Actor, now: Date,
): Promise<Checkpoint> {
  // Recorded first, so that the checkpoint covers its own export.
  await ctx.audit.record({ actor: actor.id, action: 'audit.checkpoint', target: checkpointDir, from: actor.from, outcome: 'success' }, now);
  return exportCheckpoint(ctx.auditStore, checkpointDir, await readFile(privateKeyPath, 'utf8'), now);
}

/** `baseerat audit verify --dir <dir> --public-key <path>`: checks the log against the checkpoints; exit non-zero unless ok. */
export async function verifyAudit(
  ctx: Pick<SecurityContext, 'audit' | 'auditStore'>, checkpointDir: string, publicKeyPath: string, actor: Actor, now: Date,
): Promise<AuditVerification> {
  const v = await verifyAuditTrail(ctx.auditStore, checkpointDir, await readFile(publicKeyPath, 'utf8'));
  await ctx.audit.record({
    actor: actor.id, action: 'audit.verify', target: checkpointDir, from: actor.from, outcome: v.ok ? 'success' : 'failure',
    details: { entries: v.entries, checkpointed: v.checkpointed, firstBadIndex: v.firstBadIndex ?? null, problem: v.problem ?? null },
  }, now);
  return v;
}
