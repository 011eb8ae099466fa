// The shape every dashboard in grafana/dashboards must have: Grafana's published dashboard schema
// (@grafana/schema, generated from Grafana's CUE kinds) with each panel's options and custom field
// config typed by its plugin's schema, and the query shapes of the two data sources we use.
// Stricter than Grafana where it costs nothing: a misspelt option or a wrong type fails here
// instead of being dropped silently when Grafana loads the file.
import type * as g from '@grafana/schema';
import type * as timeseries from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen';
import type * as heatmap from '@grafana/schema/dist/esm/raw/composable/heatmap/panelcfg/x/HeatmapPanelCfg_types.gen';
import type * as stat from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen';
import type * as statetimeline from '@grafana/schema/dist/esm/raw/composable/statetimeline/panelcfg/x/StateTimelinePanelCfg_types.gen';
import type * as logs from '@grafana/schema/dist/esm/raw/composable/logs/panelcfg/x/LogsPanelCfg_types.gen';

// The published types use TypeScript string enums; dashboard JSON holds their values. `${E}` turns
// a string enum into the union of its values; everything else is mapped through unchanged.
type Json<T> = T extends string
  ? `${T}`
  : T extends number | boolean | null | undefined
    ? T
    : T extends ReadonlyArray<infer U>
      ? Array<Json<U>>
      : T extends object
        ? { [K in keyof T]: Json<T[K]> }
        : T;

type PromRef = { type: 'prometheus'; uid: string };
type LokiRef = { type: 'loki'; uid: string };

/** Prometheus data source query (Grafana's prometheus plugin). */
export interface PromQuery extends g.DataQuery {
  datasource?: PromRef;
  expr: string;
  legendFormat?: string;
  range?: boolean;
  instant?: boolean;
  exemplar?: boolean;
  format?: 'time_series' | 'table' | 'heatmap';
  interval?: string;
  intervalFactor?: number;
  editorMode?: 'code' | 'builder';
}

/** Loki data source query (Grafana's loki plugin). */
export interface LokiQuery extends g.DataQuery {
  datasource?: LokiRef;
  expr: string;
  queryType?: 'range' | 'instant';
  legendFormat?: string;
  maxLines?: number;
  editorMode?: 'code' | 'builder';
}

type Base = Omit<Json<g.Panel>, 'type' | 'options' | 'fieldConfig' | 'targets' | 'datasource'>;
type Overrides = Json<g.FieldConfigSource['overrides']>;
type Defaults<F> = Omit<Json<g.FieldConfig>, 'custom'> & { custom?: Partial<Json<F>> };

type Typed<K extends string, O, F, Q, D> = Base & {
  type: K;
  title: string;
  datasource: D;
  targets: Array<Q & { refId: string }>;
  options: Partial<Json<O>>;
  fieldConfig?: { defaults: Defaults<F>; overrides: Overrides };
};

export type KnownPanel =
  | Typed<'timeseries', timeseries.Options, timeseries.FieldConfig, PromQuery, PromRef>
  | Typed<'timeseries', timeseries.Options, timeseries.FieldConfig, LokiQuery, LokiRef>
  | Typed<'heatmap', heatmap.Options, heatmap.FieldConfig, PromQuery, PromRef>
  | Typed<'stat', stat.Options, {}, PromQuery, PromRef>
  | Typed<'state-timeline', statetimeline.Options, statetimeline.FieldConfig, PromQuery, PromRef>
  | Typed<'logs', logs.Options, {}, LokiQuery, LokiRef>;

export type Row = Omit<Json<g.RowPanel>, 'panels' | 'type'> & { type: 'row'; panels: KnownPanel[] };

type BuiltInAnnotation = Omit<Json<g.AnnotationQuery>, 'target' | 'datasource'> & {
  builtIn: 1;
  datasource: { type: 'grafana'; uid: string };
};
// Grafana keeps a data source annotation's query in `target` (the prometheus and loki plugins'
// prepareAnnotation), so the target is the data source's query.
type QueryAnnotation =
  | (Omit<Json<g.AnnotationQuery>, 'target' | 'datasource'> & { datasource: PromRef; target: PromQuery })
  | (Omit<Json<g.AnnotationQuery>, 'target' | 'datasource'> & { datasource: LokiRef; target: LokiQuery });

export type CheckedDashboard = Omit<Json<g.Dashboard>, 'panels' | 'annotations' | 'templating'> & {
  uid: string;
  title: string;
  panels: Array<KnownPanel | Row>;
  annotations: { list: Array<BuiltInAnnotation | QueryAnnotation> };
  templating: { list: Array<Json<g.VariableModel>> };
};
