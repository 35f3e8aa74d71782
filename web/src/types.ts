// Shapes of the REST API's JSON (docs/api.md). Only what the page reads is typed; fields the
// server may omit are optional so an older or newer server degrades instead of breaking the page.

export type Cell = string | number | boolean | null;

export interface ApiErrorBody {
  error: { code: string; message: string };
}

export interface ProviderStatus {
  configured: boolean;
  provider?: string;
  model?: string;
  base_url?: string;
}

export interface Settings {
  version?: string;
  auth?: boolean;
  key?: { name?: string; admin?: boolean; datasets?: string[] | null };
  providers?: Record<string, ProviderStatus>;
  memory?: { enabled?: boolean; store?: string; similarity_threshold?: number };
  engine_threshold?: number;
  privacy_mode?: boolean;
  limits?: Record<string, number>;
}

export interface DatasetInfo {
  name: string;
  kind?: string;
  version?: number;
  created_at?: string;
  tables?: number;
  rows?: number;
}

export interface TopValue {
  value: Cell;
  count: number;
}

export interface SchemaColumn {
  name: string;
  label?: string;
  description?: string;
  type?: string;
  null_fraction?: number;
  distinct_count?: number;
  min?: Cell;
  max?: Cell;
  top_values?: TopValue[];
}

export interface SchemaTable {
  name: string;
  label?: string;
  description?: string;
  row_count?: number;
  is_view?: boolean;
  primary_key?: string[] | string | null;
  columns: SchemaColumn[];
}

export interface Schema {
  dataset?: string;
  tables: SchemaTable[];
}

export interface Progress {
  done?: number;
  total?: number;
  fraction?: number;
}

export interface ReportColumn {
  name: string;
  label?: string;
  type?: string;
  fallback_reason?: string;
}

export interface ReportTable {
  name: string;
  label?: string;
  rows?: number;
  rejected_rows?: number;
  columns?: ReportColumn[];
  sources?: string[];
}

export interface IngestReport {
  dataset?: string;
  kind?: string;
  tables?: ReportTable[];
  rejected?: unknown[];
  rejected_total?: number;
  skipped?: string[];
  warnings?: unknown[];
  elapsed_seconds?: number;
}

export interface Job {
  id: string;
  dataset?: string;
  state?: 'running' | 'done' | 'failed';
  progress?: Progress;
  report?: IngestReport;
  error?: { code: string; message: string };
}

// A Vega-Lite spec as the server emits it (src/viz/chart.cpp); only the parts the page edits.
export interface VegaLiteSpec {
  $schema?: string;
  title?: unknown;
  data?: { values: Record<string, Cell>[] };
  mark?: string | { type: string; [k: string]: unknown };
  encoding?: Record<string, Record<string, unknown> | Record<string, unknown>[]>;
  transform?: unknown[];
  width?: unknown;
  [k: string]: unknown;
}

// `chart` in an answer: {"type", "spec", "notes", "reason"}; a bare spec is accepted too.
export interface ChartBlock {
  type?: string;
  spec?: VegaLiteSpec | null;
  notes?: string[];
  reason?: string;
}

export interface CacheInfo {
  hit?: boolean;
  exact?: boolean;
  approved?: boolean;
  reparameterised?: boolean;
  result_reused?: boolean;
  similarity?: number;
}

export interface Answer {
  question?: string;
  dataset?: string;
  intent?: string;
  answered?: boolean;
  sql?: string;
  columns?: string[];
  rows?: Cell[][];
  row_count?: number;
  truncated?: boolean;
  chart?: ChartBlock | VegaLiteSpec | null;
  explanation?: string;
  restatement?: string;
  source?: string;
  confidence?: number;
  answer_id?: number | string | null;
  cache?: CacheInfo;
  timings?: Record<string, number>;
  message?: string;
  unknown_terms?: string[];
  suggestions?: string[];
  warnings?: string[];
  doubts?: unknown[];
  conversation?: string;
  resolved_question?: string;
  follow_up?: boolean;
  error?: { code: string; message: string } | string | null;
}

export interface SqlResult {
  columns: string[];
  rows: Cell[][];
  row_count?: number;
  truncated?: boolean;
  elapsed_ms?: number;
  chart?: ChartBlock | VegaLiteSpec | null;
}

export interface HistoryItem {
  id?: number | string;
  dataset?: string;
  question: string;
  answered?: boolean;
  sql?: string;
  restatement?: string;
  source?: string;
  answer_id?: number | string | null;
  row_count?: number;
  message?: string;
  created_at?: string;
}

export interface FeedbackResult {
  entry?: { id?: number | string; question?: string; sql?: string; status?: string };
}
