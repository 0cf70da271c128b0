/**
 * The report model: what a report says, as typed JSON, before any rendering. HTML, PDF and XLSX are
 * drawn from it and add nothing; the archive keeps it beside the files. Numbers that appear in the
 * narrative are `facts` of their paragraph, each with the value and the text shown, and the same
 * display text appears in a table cell of the report (tests check both).
 */
import type { Classification } from '@baseerat/engine';
import type { ReportPeriodKind } from './period.js';

export const REPORT_SCHEMA = 'baseerat.report/1' as const;
export const REPORT_TEMPLATES = ['weekly', 'monthly', 'custom'] as const;
export type ReportTemplate = (typeof REPORT_TEMPLATES)[number];
export const REPORT_LANGUAGES = ['en', 'ur'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

export const SECTION_IDS = [
  'summary', 'developments', 'trends', 'maps', 'near-repeat', 'alerts', 'outlook', 'deployment', 'evaluation', 'data-quality', 'methods',
] as const;
export type SectionId = (typeof SECTION_IDS)[number];

/** A number or label shown in the narrative: `display` is exactly the text in the sentence. */
export interface Fact {
  key: string;
  /** The computed value (a number), or a label (district, period) that is not checked as a number. */
  value: number | string;
  display: string;
}

export interface Paragraph {
  /** The template (strings.ts key) the text was filled from; absent for fixed text. */
  key?: string;
  text: string;
  facts: Fact[];
  /** Rendered as a bullet in a list of key developments. */
  bullet?: boolean;
}

/** percent: a signed change (+64%); share: a proportion shown as 86%. */
export type ColumnKind = 'text' | 'int' | 'decimal' | 'percent' | 'share' | 'p' | 'ratio';

export interface TableColumn {
  key: string;
  label: string;
  kind: ColumnKind;
}

/** A cell holds the raw value; `display` the text shown (the same function formats narrative facts). */
export interface TableCell {
  value: number | string | null;
  display: string;
}

export interface ReportTable {
  id: string;
  title: string;
  columns: TableColumn[];
  rows: TableCell[][];
  /** Shown under the table (source service, units). */
  note?: string;
  /** Long tables (monthly series) go to the XLSX annex only. */
  annexOnly?: boolean;
}

export interface ChartSpec {
  id: string;
  title: string;
  kind: 'line' | 'bar';
  categories: string[];
  series: { name: string; values: (number | null)[] }[];
  /** Optional band (e.g. a 90% interval) drawn behind a bar chart as error bars. */
  intervals?: { lower: number[]; upper: number[] };
}

export interface MapSpec {
  id: string;
  title: string;
  kind: 'choropleth' | 'cells';
  /** Districts drawn (names as in the shipped 2023 boundaries); the map frames them. */
  districts: string[];
  /** choropleth: value per district (missing = no data). */
  values?: Record<string, number>;
  /** cells: points with a class (hot, cold, new, intensifying...). */
  points?: { id: string; lat: number; lon: number; cls: string; label: string }[];
  legend: string;
}

export interface ReportSection {
  id: SectionId;
  title: string;
  paragraphs: Paragraph[];
  tables: ReportTable[];
  charts: ChartSpec[];
  maps: MapSpec[];
  /** Why a section has no content ("no measure was registered for evaluation"). */
  unavailable?: string;
}

export interface ReportModel {
  schema: typeof REPORT_SCHEMA;
  template: ReportTemplate;
  lang: ReportLanguage;
  title: string;
  period: { kind: ReportPeriodKind; label: string; from: string; to: string; previousLabel: string; nextLabel: string };
  scope: { province: string; district: string | null };
  /** Highest classification of the incidents any section read. */
  classification: Classification;
  /** Districts whose incidents the report read (its security label with the classification). */
  districts: string[];
  generatedAt: string;
  generatedBy: string;
  sections: ReportSection[];
  /** Sources of each section and the caveats the services returned. */
  methods: { section: SectionId; source: string; caveats: string[] }[];
}
