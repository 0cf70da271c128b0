/**
 * An independent reference model of Baseerat's authorization rules, written from the rules as
 * stated in docs/security.md (not from the Cedar files), for the property test to compare with.
 */
export type RefRole = 'administrator' | 'analyst' | 'commander' | 'district_officer' | 'researcher' | 'auditor';
export type RefLevel = 'UNCLASSIFIED' | 'RESTRICTED' | 'CONFIDENTIAL' | 'SECRET';

const LEVEL: Record<RefLevel, number> = { UNCLASSIFIED: 0, RESTRICTED: 1, CONFIDENTIAL: 2, SECRET: 3 };

// Role x action matrix, in the same words as the table in docs/security.md.
const MAY: Record<RefRole, string[]> = {
  analyst: ['viewIncident', 'viewField', 'listIncidents', 'runAnalysis', 'export', 'generateReport', 'ingest', 'acknowledgeAlert'],
  commander: ['viewIncident', 'viewField', 'listIncidents', 'runAnalysis', 'generateReport', 'approveRelease', 'acknowledgeAlert'],
  district_officer: ['viewIncident', 'viewField', 'listIncidents', 'runAnalysis', 'acknowledgeAlert'],
  researcher: ['viewIncident', 'listIncidents', 'runAnalysis'],
  administrator: ['administerUsers', 'ingest'],
  auditor: ['viewAudit'],
};

const TARGET: Record<string, string> = {
  viewIncident: 'Record', viewField: 'Field', listIncidents: 'System', runAnalysis: 'Aggregate', export: 'Aggregate',
  generateReport: 'Aggregate', approveRelease: 'Aggregate', acknowledgeAlert: 'Alert', viewAudit: 'System',
  administerUsers: 'System', ingest: 'System',
};

export interface RefUser { role: RefRole; clearance: RefLevel; compartments: string[]; districts: string[] | null; active: boolean }
export interface RefResource { kind: string; classification?: RefLevel; compartments?: string[]; districts?: string[] }

export function referenceDecision(u: RefUser, action: string, r: RefResource, mfa: boolean): boolean {
  if (!u.active) return false;
  if (!mfa) return false;
  if (TARGET[action] !== r.kind) return false;
  if (!MAY[u.role].includes(action)) return false;
  if (r.kind === 'System') return true;
  const level = LEVEL[r.classification ?? 'SECRET'];
  if (LEVEL[u.clearance] < level) return false;
  for (const c of r.compartments ?? []) if (!u.compartments.includes(c)) return false;
  if (u.districts !== null) for (const d of r.districts ?? []) if (!u.districts.includes(d)) return false;
  if (u.role === 'researcher' && level > 0) return false;
  return true;
}
