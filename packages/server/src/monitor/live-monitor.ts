/**
 * The live monitor: every newly stored incident runs through the rule set (category and watch-zone
 * rules, near-repeat, spike detectors on district x category-group series), candidates go through
 * the engine's alert lifecycle (deduplication, suppression), changed alerts are written to the
 * AlertRepository, and only then published to the AlertHub (SSE streams, webhooks). Acknowledge and
 * resolve go through the same queue, so a re-trigger and an acknowledgement never overwrite each
 * other.
 *
 * Incremental state, so that the cost per incident does not grow with the history:
 * - spike rules: counts per (district, category group, period) for each period length in use,
 *   pruned to the rules' lookback; `evaluateSpikeRuleOnCounts` reads them (the same detector and
 *   explanation as the replay's `evaluateSpikeRule` over a history array);
 * - near-repeat rules: only serious events are kept (the rule reads nothing else), in a grid of
 *   cells at least as wide as the largest distance (near-repeat-grid.ts: times and coordinates in
 *   typed arrays per cell), pruned to the longest window + baseline;
 * - the alert book: the latest alert per dedup key (the only one suppression looks at), pruned to
 *   the alerts opened within the longest suppression window and a day before the latest alert time
 *   seen (what `warmUp` loads after a restart: an older alert can no longer suppress anything).
 * Each incident sees the incidents observed before it; a batch is taken in time order (then id),
 * as the replay does, so that observing a history in time order gives the replay's alerts
 * (tested) when `clock` is 'occurrence'.
 *
 * Clock: 'arrival' (default, live) opens alerts and measures suppression windows at the time the
 * monitor learned of the event; 'occurrence' uses the event's own time, as the replay does.
 */
import {
  CATEGORY_CODES, categoryGroup, category as categoryInfo, consolidate, evaluateCategoryRule, evaluateNearRepeatRuleOnColumns,
  evaluateSpikeRuleOnCounts, historyDaysNeeded, intakeOnKey, isoUtcMs, periodIndex, spikeRuleOrigin, transitionAlert, BaseeratError,
  type Alert, type AlertAction, type AlertCandidate, type Classification, type Incident, type MonitorIncident,
  type NearRepeatRule, type NewIncident, type RuleSet, type SpikeRule,
} from '@baseerat/engine';
import type { IncidentColumns, Store } from '../store/port.js';
import { higherClassification, type AlertRepository, type StoredAlert } from './alert-repository.js';
import { releaseAlertJson, type AlertEvent, type AlertHub } from './alert-hub.js';
import { NearRepeatGrid } from './near-repeat-grid.js';

export interface LabelledIncident extends MonitorIncident {
  classification: Classification;
}

export interface LiveMonitorOptions {
  ruleSet: RuleSet;
  repository: AlertRepository;
  hub?: AlertHub;
  /** Default suppression window (minutes) for rules that set none; default 360. */
  suppressionMinutes?: number;
  clock?: 'arrival' | 'occurrence';
  now?: () => Date;
  /** Called when observing a batch fails after its incidents were stored (the batch is not retried). */
  onError?: (error: unknown) => void;
  /**
   * Re-triggers of an alert opened in an earlier batch are written and published together, at most
   * once per this many milliseconds (each alert once, in its latest state); default 0: at once, with
   * their batch. An alert's first event (opened) is never delayed. Until the flush the repository and
   * SSE clients see the alert's previous trigger count; a process killed in between loses those
   * re-trigger counts (not the events: they are stored). `idle()` flushes.
   */
  retriggerDebounceMs?: number;
  /** The state the rules read and the alert book are pruned after this many incidents observed; default 20,000. */
  pruneEvery?: number;
  /**
   * Default true: once an alert is written and published, its JSON (`alertJson`, made for the
   * repository and the SSE events) is dropped, not kept with the alert in the alert book for the
   * suppression window and a day (`releaseAlertJson`). False when the repository writes later than
   * it returns (write-behind.ts: its applier writes the alert after the publish).
   */
  releaseAlertJson?: boolean;
}

export interface ObserveResult {
  incidents: number;
  candidates: number;
  opened: number;
  retriggered: number;
  /** The events published, in order. */
  events: AlertEvent[];
}

const DAY_MS = 86_400_000;

/** The live wiring's `retriggerDebounceMs` (openEmbeddedMonitor, openSharedMonitor): a re-trigger reaches clients within about a second. */
export const DEFAULT_RETRIGGER_DEBOUNCE_MS = 1000;
const SYSTEM = 'system:rule-engine';

/** The part of an Incident the rules read, with its classification (`id`: another id than the incident's). */
export function labelledIncident(i: Pick<Incident, 'occurredAt' | 'category' | 'location' | 'severity' | 'targetType' | 'classification'> & { id?: string }, id: string = i.id ?? ''): LabelledIncident {
  const out: LabelledIncident = {
    id, occurredAt: i.occurredAt, category: i.category, classification: i.classification,
    location: { lat: i.location.lat, lon: i.location.lon, district: i.location.district },
    severity: { killed: i.severity.killed, injured: i.severity.injured, abducted: i.severity.abducted },
  };
  if (i.targetType !== undefined) out.targetType = i.targetType;
  return out;
}

/** What the store will hold for a new incident of a write batch (the consolidated picture). */
export function labelledNewIncident(n: NewIncident): LabelledIncident {
  const only = n.reports[0];
  if (n.reports.length === 1 && only !== undefined) return labelledIncident(only, n.id);
  return labelledIncident(consolidate(n.id, n.reports, n.links));
}

/** Whether the candidate's incident is already counted on `prev`, the latest alert of its key. */
function alreadyCounted(prev: Alert, c: AlertCandidate): boolean {
  return prev.incidentId === c.incidentId || prev.suppressedIncidentIds.includes(c.incidentId);
}

interface SpikeState { periodDays: number; origin: number; lookback: number; counts: Map<string, Map<number, number>> }

export class LiveMonitor {
  private readonly ruleSet: RuleSet;
  /** intakeOnKey's options (the default suppression window). */
  private readonly intakeOptions: { suppressionMinutes?: number };
  private readonly now: () => Date;
  private readonly clock: 'arrival' | 'occurrence';
  private queue: Promise<unknown> = Promise.resolve();
  /** Latest alert per dedup key. */
  private readonly latest = new Map<string, StoredAlert>();
  private readonly spikeStates = new Map<string, SpikeState>();
  private readonly nearRepeatRules: NearRepeatRule[];
  private readonly seriousKilled: number;
  private readonly nearKeepMs: number;
  /** Serious events by grid cell, each with its time in ms (parsed once, not at every look-up) and coordinates. */
  private readonly grid: NearRepeatGrid;
  private maxTime = -Infinity;
  private observedSincePrune = 0;
  /** The latest alert time (`at`) taken so far, in ms: `latest` is pruned relative to it. */
  private maxAtMs = -Infinity;
  /** Re-triggered alerts waiting for their debounced write and publish (`retriggerDebounceMs`), by alert id, latest state. */
  private readonly deferred = new Map<string, StoredAlert>();
  private deferTimer: ReturnType<typeof setTimeout> | undefined;
  /** `retriggerWrites`: re-triggered alert states written and published (fewer than `retriggered` when debounced). */
  readonly counters = { incidents: 0, candidates: 0, opened: 0, retriggered: 0, retriggerWrites: 0, transitions: 0, errors: 0 };

  /** The watch zones the rules use (for maps: GET /api/watch-zones). */
  get zones(): RuleSet['zones'] {
    return this.ruleSet.zones;
  }

  constructor(private readonly options: LiveMonitorOptions) {
    this.ruleSet = options.ruleSet;
    this.now = options.now ?? (() => new Date());
    this.clock = options.clock ?? 'arrival';
    this.intakeOptions = options.suppressionMinutes === undefined ? {} : { suppressionMinutes: options.suppressionMinutes };
    this.nearRepeatRules = options.ruleSet.rules.filter((r): r is NearRepeatRule => r.kind === 'near-repeat');
    this.seriousKilled = Math.min(...this.nearRepeatRules.map((r) => r.minimumKilled ?? 5), Infinity);
    const maxKm = Math.max(1, ...this.nearRepeatRules.map((r) => r.distanceKm));
    this.grid = new NearRepeatGrid(maxKm / 111);
    this.nearKeepMs = Math.max(0, ...this.nearRepeatRules.map((r) => (r.days + (r.baselineDays ?? 365)) * DAY_MS));
    for (const r of options.ruleSet.rules) {
      if (r.kind !== 'spike') continue;
      const s = this.spikeState(r);
      s.lookback = Math.max(s.lookback, r.lookbackPeriods ?? 60);
    }
  }

  get hub(): AlertHub | undefined { return this.options.hub; }
  /** Dedup keys whose latest alert the monitor keeps in memory (pruned: see the file's comment). */
  get alertKeysKept(): number { return this.latest.size; }
  get repository(): AlertRepository { return this.options.repository; }

  private spikeState(r: SpikeRule): SpikeState {
    const periodDays = r.periodDays ?? 7, origin = spikeRuleOrigin(r);
    const key = `${periodDays}|${origin}`;
    let s = this.spikeStates.get(key);
    if (s === undefined) { s = { periodDays, origin, lookback: 0, counts: new Map() }; this.spikeStates.set(key, s); }
    return s;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Loads what the rules need after a restart: the incidents of the history window from the store
   * (as if observed, without alerting) and the latest alert per dedup key from the repository.
   */
  async warmUp(store: Pick<Store, 'readColumns'>): Promise<{ incidents: number; alerts: number }> {
    return this.exclusive(async () => {
      const t = this.now().getTime();
      const days = historyDaysNeeded(this.ruleSet);
      let n = 0;
      if (days > 0) {
        const c = await store.readColumns({ from: new Date(t - days * DAY_MS).toISOString() });
        for (const inc of monitorIncidentsFromColumns(c)) { this.remember(inc); n++; }
      }
      const windowMinutes = this.longestSuppressionMinutes();
      const alerts = await this.options.repository.latestPerKeySince(new Date(t - windowMinutes * 60_000 - DAY_MS).toISOString());
      for (const s of alerts) {
        const cur = this.latest.get(s.alert.dedupKey);
        if (cur === undefined || cur.alert.openedAt < s.alert.openedAt) this.latest.set(s.alert.dedupKey, s);
      }
      return { incidents: n, alerts: alerts.length };
    });
  }

  private longestSuppressionMinutes(): number {
    let m = this.options.suppressionMinutes ?? 360;
    for (const r of this.ruleSet.rules) {
      const d = r.suppressionMinutes ?? (r.kind === 'spike' ? (r.periodDays ?? 7) * 1440 : r.kind === 'near-repeat' ? r.days * 1440 : m);
      m = Math.max(m, d);
    }
    return m;
  }

  /** Evaluates newly stored incidents; writes the alerts that changed, then publishes them. */
  observe(incidents: readonly LabelledIncident[]): Promise<ObserveResult> {
    return this.exclusive(() => this.observeNow(incidents));
  }

  private async observeNow(incidents: readonly LabelledIncident[]): Promise<ObserveResult> {
    const times = new Float64Array(incidents.length);
    for (let i = 0; i < incidents.length; i++) {
      const inc = incidents[i]!;
      const t = isoUtcMs(inc.occurredAt);
      if (!Number.isFinite(t)) throw new BaseeratError('VALIDATION', `occurredAt of incident ${inc.id} is '${inc.occurredAt}', expected an ISO-8601 time`, { field: 'occurredAt' });
      times[i] = t;
    }
    // time order, then id (the replay's order)
    const sorted = Array.from({ length: incidents.length }, (_, i) => i).sort((a, b) => {
      const x = incidents[a]!.id, y = incidents[b]!.id;
      return times[a]! - times[b]! || (x < y ? -1 : x > y ? 1 : 0);
    });
    const changed = new Map<string, { change: AlertEvent['change']; stored: StoredAlert }>();
    const order: string[] = [];
    let candidates = 0, opened = 0, retriggered = 0;
    const arrivalDate = this.now();
    const arrival = arrivalDate.toISOString(), arrivalMs = arrivalDate.getTime();
    for (const i of sorted) {
      const inc = incidents[i]!;
      const cands = this.evaluate(inc);
      this.remember(inc, times[i]!);
      const at = this.clock === 'arrival' ? arrival : inc.occurredAt;
      const atMs = this.clock === 'arrival' ? arrivalMs : times[i]!;
      if (atMs > this.maxAtMs) this.maxAtMs = atMs;
      for (const c of cands) {
        const prev = this.latest.get(c.dedupKey);
        // an incident already counted on its key's latest alert (a batch redelivered after a crash
        // whose alerts were stored before its incidents: write-behind.ts, ack-behind) is not counted again
        if (prev !== undefined && alreadyCounted(prev.alert, c)) continue;
        candidates++;
        const r = this.intake(prev, c, inc.classification, at, atMs);
        if (r.change === 'opened') opened++; else retriggered++;
        const prior = changed.get(r.stored.alert.id);
        changed.set(r.stored.alert.id, { change: prior?.change === 'opened' ? 'opened' : r.change, stored: r.stored });
        if (prior === undefined) order.push(r.stored.alert.id);
      }
    }
    this.counters.incidents += incidents.length;
    this.counters.candidates += candidates;
    this.counters.opened += opened;
    this.counters.retriggered += retriggered;
    this.observedSincePrune += incidents.length;
    if (this.observedSincePrune > (this.options.pruneEvery ?? 20_000)) { this.prune(); this.observedSincePrune = 0; }
    const debounce = this.options.retriggerDebounceMs ?? 0;
    const list: { change: AlertEvent['change']; stored: StoredAlert }[] = [];
    const newIds = new Set<string>();
    for (const id of order) {
      const x = changed.get(id)!;
      if (x.change === 'opened') newIds.add(id);
      // a re-trigger of an alert written before: with a debounce, written and published with the next flush
      else if (debounce > 0) { this.deferred.set(id, x.stored); continue; }
      list.push(x);
    }
    if (this.deferred.size > 0 && this.deferTimer === undefined) {
      this.deferTimer = setTimeout(() => {
        this.deferTimer = undefined;
        void this.exclusive(() => this.flushDeferred());
      }, debounce);
    }
    const written = list.map((x) => x.stored);
    await this.options.repository.upsert(written, { newIds });
    this.counters.retriggerWrites += list.length - newIds.size;
    const events: AlertEvent[] = [];
    const hub = this.options.hub;
    if (hub !== undefined) for (const x of list) events.push(hub.publish(x.change, x.stored));
    this.released(written);
    return { incidents: incidents.length, candidates, opened, retriggered, events };
  }

  /** Writes, then publishes, the debounced re-triggers (inside the queue). A failure goes to `onError`: those incidents are stored. */
  private async flushDeferred(): Promise<void> {
    if (this.deferTimer !== undefined) { clearTimeout(this.deferTimer); this.deferTimer = undefined; }
    if (this.deferred.size === 0) return;
    const items = [...this.deferred.values()];
    this.deferred.clear();
    try {
      await this.options.repository.upsert(items);
      this.counters.retriggerWrites += items.length;
      const hub = this.options.hub;
      if (hub !== undefined) for (const s of items) hub.publish('retriggered', s);
      this.released(items);
    } catch (e) {
      this.counters.errors++;
      this.reportError(e);
    }
  }

  /** Alerts written and published: their JSON is dropped (`releaseAlertJson` option). */
  private released(stored: readonly StoredAlert[]): void {
    if (this.options.releaseAlertJson === false) return;
    for (const s of stored) releaseAlertJson(s.alert);
  }

  private evaluate(inc: MonitorIncident): AlertCandidate[] {
    const out: AlertCandidate[] = [];
    // the grid cells around the incident (`grid.found[0 .. cells)`), looked up once for all near-repeat rules
    let cells = -1;
    for (const rule of this.ruleSet.rules) {
      let c: AlertCandidate | null;
      if (rule.kind === 'category') c = evaluateCategoryRule(rule, inc, this.ruleSet.zones);
      else if (rule.kind === 'near-repeat') {
        const { lat, lon } = inc.location;
        if (lat === undefined || lon === undefined) c = null;
        else {
          if (cells < 0) cells = this.grid.around(lat, lon);
          c = evaluateNearRepeatRuleOnColumns(rule, inc, this.grid.found, cells, this.maxTime - this.nearKeepMs);
        }
      } else {
        const s = this.spikeState(rule);
        const district = inc.location.district;
        const series = district === undefined ? undefined : s.counts.get(`${district}|${categoryGroup(inc.category)}`);
        c = evaluateSpikeRuleOnCounts(rule, inc, (p) => series?.get(p) ?? 0);
      }
      if (c !== null) out.push(c);
    }
    return out;
  }

  /** Adds an incident to the state the rules read; `t`: isoUtcMs(inc.occurredAt), equal to Date.parse. */
  private remember(inc: MonitorIncident, t: number = isoUtcMs(inc.occurredAt)): void {
    if (t > this.maxTime) this.maxTime = t;
    const district = inc.location.district;
    if (district !== undefined && this.spikeStates.size > 0) {
      const key = `${district}|${categoryGroup(inc.category)}`;
      for (const s of this.spikeStates.values()) {
        const p = periodIndex(inc.occurredAt, s.periodDays, s.origin);
        let m = s.counts.get(key);
        if (m === undefined) { m = new Map(); s.counts.set(key, m); }
        m.set(p, (m.get(p) ?? 0) + 1);
      }
    }
    const { lat, lon } = inc.location;
    if (this.nearRepeatRules.length > 0 && lat !== undefined && lon !== undefined && (categoryInfo(inc.category).severe || inc.severity.killed >= this.seriousKilled)) {
      this.grid.add(t, lat, lon, inc);
    }
  }

  /** Drops state older than any rule reads (relative to the newest event seen). */
  private prune(): void {
    for (const s of this.spikeStates.values()) {
      const newest = Math.floor((this.maxTime - s.origin) / (s.periodDays * DAY_MS));
      for (const m of s.counts.values()) for (const p of m.keys()) if (p < newest - s.lookback - 1) m.delete(p);
    }
    this.grid.prune(this.maxTime - this.nearKeepMs);
    // Alerts opened before the longest suppression window and a day (what warmUp loads) suppress
    // nothing more; without this, a rule keyed per incident (category rules) kept every alert ever
    // opened. `latest` is kept roughly in opening order (a key's new alert goes to the end), so the
    // walk stops at the first alert still in reach; one out of order waits for a later prune.
    const cutoff = this.maxAtMs - this.longestSuppressionMinutes() * 60_000 - DAY_MS;
    for (const [key, s] of this.latest) {
      if (!(isoUtcMs(s.alert.openedAt) < cutoff)) break;
      this.latest.delete(key);
    }
  }

  /** `prev`: the latest alert of the candidate's key (`latest`); `atMs`: Date.parse(at). */
  private intake(prev: StoredAlert | undefined, c: AlertCandidate, classification: Classification, at: string, atMs: number): { change: 'opened' | 'retriggered'; stored: StoredAlert } {
    const r = intakeOnKey(prev?.alert, c, at, this.intakeOptions, atMs);
    const stored: StoredAlert = r.outcome === 'opened' || prev === undefined
      ? { alert: r.alert, classification, updatedAt: at }
      : { alert: r.alert, classification: higherClassification(prev.classification, classification), updatedAt: at };
    // a key's new alert goes to the end of `latest` (its opening order: prune)
    if (r.outcome === 'opened' && prev !== undefined) this.latest.delete(c.dedupKey);
    this.latest.set(c.dedupKey, stored);
    return { change: r.outcome === 'opened' ? 'opened' : 'retriggered', stored };
  }

  /** Acknowledge or resolve, by a named user; written, then published. Throws NOT_FOUND / CONFLICT / VALIDATION. */
  transition(id: string, action: AlertAction, by: string, note?: string): Promise<StoredAlert> {
    return this.exclusive(async () => {
      const stored = await this.current(id);
      if (stored === undefined) throw new BaseeratError('NOT_FOUND', `alert ${id} not found`, { field: 'id' });
      const at = this.now().toISOString();
      const alert: Alert = transitionAlert(stored.alert, action, by, at, note);
      const next: StoredAlert = { alert, classification: stored.classification, updatedAt: at };
      await this.options.repository.upsert([next]);
      // a debounced re-trigger of this alert is in `next` (current() read it): written now
      this.deferred.delete(alert.id);
      const latest = this.latest.get(alert.dedupKey);
      if (latest !== undefined && latest.alert.id === alert.id) this.latest.set(alert.dedupKey, next);
      this.counters.transitions++;
      this.options.hub?.publish(action === 'acknowledge' ? 'acknowledged' : 'resolved', next);
      this.released([next]);
      return next;
    });
  }

  /** The alert as the monitor knows it (in memory if it is the latest of its key, else from the repository). */
  private async current(id: string): Promise<StoredAlert | undefined> {
    const waiting = this.deferred.get(id);
    if (waiting !== undefined) return waiting;
    const at = id.lastIndexOf('@');
    const key = at < 0 ? undefined : id.slice(0, at);
    const mem = key === undefined ? undefined : this.latest.get(key);
    if (mem !== undefined && mem.alert.id === id) return mem;
    return this.options.repository.get(id);
  }

  /**
   * An alert as another process changed it (cross-process alert bus, alert-bus.ts): it becomes the
   * latest of its key when it is a later state of the same alert or a newer alert, so that a
   * re-trigger here does not overwrite an acknowledgement made elsewhere. Nothing is written or published.
   */
  adopt(stored: StoredAlert): Promise<void> {
    return this.exclusive(async () => {
      const cur = this.latest.get(stored.alert.dedupKey);
      const newer = cur === undefined || (cur.alert.id === stored.alert.id ? cur.updatedAt <= stored.updatedAt : cur.alert.openedAt < stored.alert.openedAt);
      if (newer) this.latest.set(stored.alert.dedupKey, stored);
      // a later state written elsewhere wins over a debounced re-trigger of the same alert here (its count is lost)
      const waiting = this.deferred.get(stored.alert.id);
      if (waiting !== undefined && waiting.updatedAt <= stored.updatedAt) this.deferred.delete(stored.alert.id);
    });
  }

  /** Incidents another process stored and evaluated (alert bus): added to the state the rules read, without alerting. */
  learn(incidents: readonly MonitorIncident[]): Promise<void> {
    return this.exclusive(async () => { for (const inc of incidents) this.remember(inc); });
  }

  /** Passes an error of a batch already stored to `onError` (default: standard error). */
  reportError(e: unknown): void {
    if (this.options.onError !== undefined) this.options.onError(e);
    else console.error(`monitor: a stored batch could not be evaluated: ${e instanceof Error ? e.message : String(e)}`);
  }

  /** Waits for the work queued so far; writes and publishes debounced re-triggers now. */
  async idle(): Promise<void> {
    await this.exclusive(() => this.flushDeferred());
  }
}

export const MONITOR_SYSTEM_ACTOR = SYSTEM;

/** Stored incidents (as `readColumns` gives them) as MonitorIncidents, in time order (then id). No target type: the columns do not carry it. */
export function monitorIncidentsFromColumns(c: IncidentColumns): MonitorIncident[] {
  const order = Array.from({ length: c.length }, (_, i) => i).sort((a, b) => c.time[a]! - c.time[b]! || (c.id[a]! < c.id[b]! ? -1 : c.id[a]! > c.id[b]! ? 1 : 0));
  return order.map((i) => {
    const d = c.district[i]!;
    const lat = c.lat[i]!, lon = c.lon[i]!;
    return {
      id: c.id[i]!, occurredAt: new Date(c.time[i]!).toISOString(), category: categoryCodeAt(c.category[i]!),
      location: { lat: Number.isNaN(lat) ? undefined : lat, lon: Number.isNaN(lon) ? undefined : lon, district: d < 0 ? undefined : c.districtNames[d] },
      severity: { killed: c.killed[i]!, injured: c.injured[i]!, abducted: c.abducted[i]! },
    };
  });
}

function categoryCodeAt(i: number) {
  // readColumns' category index is into the engine's CATEGORY_CODES
  const c = CATEGORY_CODES[i];
  if (c === undefined) throw new BaseeratError('VALIDATION', `category index ${i} is not in CATEGORY_CODES`, { field: 'category' });
  return c;
}
