// The canonical data contract: every table Tenure reads, as data.
// Ingestion validates against it, the generator writes it, docs/data-model.md describes it.
// Change a table here and in docs/data-model.md together (a test checks they agree).

/** How a column's text is read and stored. */
export type ColumnKind =
  | 'id' // opaque identifier, stored as text
  | 'text'
  | 'timestamp' // ISO 8601, with or without offset; stored as UTC
  | 'date' // YYYY-MM-DD
  | 'money' // decimal amount in the row's currency
  | 'integer'
  | 'boolean'
  | 'json';

export interface ColumnSpec {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly required?: boolean;
  readonly description: string;
  /** Smallest allowed value for money and integers. */
  readonly min?: number;
  /** Largest allowed value for integers. */
  readonly max?: number;
  /** Allowed values for a text column (compared after `fold`). */
  readonly oneOf?: readonly string[];
  /** The table whose key this column must name, when it is set. */
  readonly references?: TableName;
  /** A regular expression the whole value must match (text columns), after `fold`. */
  readonly pattern?: string;
  /** Case folding applied to a text value before it is checked and stored. */
  readonly fold?: 'lower' | 'upper';
  /** A timestamp that may lie in the future (a term's end, an offer's expiry), unlike observed events. */
  readonly scheduled?: boolean;
}

/** A check across columns of one row. */
export type RowRule =
  /** `later` must not be before `earlier` (both timestamps or both dates, when both are set). */
  | { readonly kind: 'order'; readonly earlier: string; readonly later: string }
  /** `column` must lie in [min, max] on rows where `when.column` equals `when.equals`. */
  | {
      readonly kind: 'scale';
      readonly column: string;
      readonly when: { readonly column: string; readonly equals: string };
      readonly min: number;
      readonly max: number;
    }
  /** At least one of `columns` must be set. */
  | { readonly kind: 'one_required'; readonly columns: readonly string[] };

export interface TableSpec {
  readonly name: TableName;
  readonly description: string;
  readonly required: boolean;
  readonly columns: readonly ColumnSpec[];
  /** Columns that identify a row; a repeat with the same content is a duplicate delivery. */
  readonly key: readonly string[];
  /** Where columns not in the contract go (a JSON column), instead of being dropped. */
  readonly extraColumnsInto?: string;
  readonly rules?: readonly RowRule[];
}

export const TABLE_NAMES = [
  'customers',
  'users',
  'subscription_changes',
  'contracts',
  'events',
  'orders',
  'feedback',
  'checkins',
  'acquisition_spend',
  'costs',
  'content',
  'content_revenue',
  'promotions',
  'loyalty_members',
  'loyalty_activity',
  'experiments',
  'assignments',
] as const;
export type TableName = (typeof TABLE_NAMES)[number];

const customerRef = (description: string, required = true): ColumnSpec => ({
  name: 'customer_id',
  kind: 'id',
  required,
  references: 'customers',
  description,
});
const currency: ColumnSpec = {
  name: 'currency',
  kind: 'text',
  pattern: '[A-Z]{3}',
  fold: 'upper',
  description: 'ISO 4217 code of the amounts in this row (e.g. USD); the project currency when empty',
};

const specs: readonly TableSpec[] = [
  {
    name: 'customers',
    required: true,
    description: 'The paying entities (accounts). For consumer data, one customer per person.',
    key: ['customer_id'],
    extraColumnsInto: 'attributes',
    columns: [
      { name: 'customer_id', kind: 'id', required: true, description: 'Unique id of the account' },
      { name: 'signed_up_at', kind: 'timestamp', required: true, description: 'When the account signed up' },
      { name: 'plan', kind: 'text', description: 'Plan at signup (the subscription log holds later plans)' },
      {
        name: 'channel',
        kind: 'text',
        description: 'Acquisition channel (organic, paid_search, referral, …)',
      },
      { name: 'country', kind: 'text', description: 'ISO 3166 country code' },
      {
        name: 'referred_by',
        kind: 'id',
        references: 'customers',
        description: 'customer_id of the referring account, when referred',
      },
      {
        name: 'attributes',
        kind: 'json',
        description: 'Any other attributes as a JSON object; extra CSV columns are folded in here',
      },
    ],
  },
  {
    name: 'users',
    required: false,
    description: 'People who use the product, each belonging to one account.',
    key: ['user_id'],
    columns: [
      { name: 'user_id', kind: 'id', required: true, description: 'Unique id of the user' },
      customerRef('Account the user belongs to'),
      { name: 'created_at', kind: 'timestamp', description: 'When the user was created' },
    ],
  },
  {
    name: 'subscription_changes',
    required: false,
    description:
      'The MRR change log: one row each time an account’s recurring revenue changes (0 = cancelled).',
    key: ['customer_id', 'effective_at'],
    columns: [
      customerRef('Account whose subscription changed'),
      {
        name: 'effective_at',
        kind: 'timestamp',
        required: true,
        description: 'When the new MRR takes effect',
      },
      {
        name: 'mrr',
        kind: 'money',
        required: true,
        min: 0,
        description: 'Monthly recurring revenue from this moment on; 0 when cancelled',
      },
      { name: 'plan', kind: 'text', description: 'Plan from this moment on' },
      { name: 'seats', kind: 'integer', min: 0, description: 'Seats from this moment on' },
      { name: 'reason', kind: 'text', description: 'Why it changed (new, upgrade, downgrade, cancel, …)' },
      currency,
    ],
  },
  {
    name: 'contracts',
    required: false,
    description: 'Term contracts (monthly or annual) with their renewal outcome.',
    key: ['contract_id'],
    rules: [{ kind: 'order', earlier: 'start_at', later: 'end_at' }],
    columns: [
      { name: 'contract_id', kind: 'id', required: true, description: 'Unique id of the contract' },
      customerRef('Account holding the contract'),
      {
        name: 'start_at',
        kind: 'timestamp',
        required: true,
        scheduled: true,
        description: 'Start of the term (a renewal may be signed ahead)',
      },
      { name: 'end_at', kind: 'timestamp', required: true, scheduled: true, description: 'End of the term' },
      { name: 'renewed', kind: 'boolean', description: 'Marked renewed by the billing system' },
      { name: 'value', kind: 'money', min: 0, description: 'Contract value over the term' },
      currency,
    ],
  },
  {
    name: 'events',
    required: false,
    description:
      'Product events in the shape of a Segment `track` call. Segment NDJSON (messageId, userId, event, timestamp, properties, context.groupId) is accepted as is.',
    key: ['event_id'],
    extraColumnsInto: 'properties',
    columns: [
      {
        name: 'event_id',
        kind: 'id',
        required: true,
        description: 'Unique id of the event (Segment messageId)',
      },
      { name: 'user_id', kind: 'id', description: 'User who acted (Segment userId)' },
      customerRef(
        'Account of the user (Segment context.groupId); looked up from users when empty; for consumer data the user is the customer',
        false,
      ),
      { name: 'occurred_at', kind: 'timestamp', required: true, description: 'When it happened' },
      { name: 'name', kind: 'text', required: true, description: 'Event name (Segment event)' },
      {
        name: 'session_id',
        kind: 'id',
        description: 'Session given by the source; otherwise sessions are derived',
      },
      { name: 'properties', kind: 'json', description: 'Event properties as a JSON object' },
    ],
  },
  {
    name: 'orders',
    required: false,
    description: 'One-off purchases (add-ons, services, consumer orders).',
    key: ['order_id'],
    columns: [
      { name: 'order_id', kind: 'id', required: true, description: 'Unique id of the order' },
      customerRef('Account that ordered'),
      { name: 'ordered_at', kind: 'timestamp', required: true, description: 'When it was ordered' },
      { name: 'amount', kind: 'money', required: true, min: 0, description: 'Order value' },
      currency,
    ],
  },
  {
    name: 'feedback',
    required: false,
    description: 'Survey answers: NPS (0–10) and CSAT (1–5).',
    key: ['response_id'],
    rules: [{ kind: 'scale', column: 'score', when: { column: 'kind', equals: 'csat' }, min: 1, max: 5 }],
    columns: [
      { name: 'response_id', kind: 'id', required: true, description: 'Unique id of the answer' },
      customerRef('Account that answered'),
      { name: 'user_id', kind: 'id', description: 'User who answered' },
      { name: 'answered_at', kind: 'timestamp', required: true, description: 'When it was answered' },
      {
        name: 'kind',
        kind: 'text',
        required: true,
        oneOf: ['nps', 'csat'],
        fold: 'lower',
        description: 'nps or csat',
      },
      {
        name: 'score',
        kind: 'integer',
        required: true,
        min: 0,
        max: 10,
        description: 'NPS 0–10; CSAT 1–5',
      },
      { name: 'comment', kind: 'text', description: 'Free text' },
    ],
  },
  {
    name: 'checkins',
    required: false,
    description: 'Customer-success check-ins (calls, business reviews, onboarding sessions).',
    key: ['checkin_id'],
    columns: [
      { name: 'checkin_id', kind: 'id', required: true, description: 'Unique id of the check-in' },
      customerRef('Account checked in with'),
      { name: 'occurred_at', kind: 'timestamp', required: true, description: 'When it took place' },
      { name: 'kind', kind: 'text', description: 'call, qbr, onboarding, …' },
    ],
  },
  {
    name: 'acquisition_spend',
    required: false,
    description: 'Marketing and sales spend per acquisition channel and period.',
    key: ['channel', 'period_start'],
    rules: [{ kind: 'order', earlier: 'period_start', later: 'period_end' }],
    columns: [
      { name: 'channel', kind: 'text', required: true, description: 'Channel, as in customers.channel' },
      { name: 'period_start', kind: 'date', required: true, description: 'First day of the period' },
      { name: 'period_end', kind: 'date', required: true, description: 'Day after the period (exclusive)' },
      { name: 'amount', kind: 'money', required: true, min: 0, description: 'Spend in the period' },
      currency,
    ],
  },
  {
    name: 'costs',
    required: false,
    description: 'Cost to serve, per account (or per segment when customer_id is empty) and period.',
    key: ['customer_id', 'segment', 'period_start'],
    rules: [
      { kind: 'one_required', columns: ['customer_id', 'segment'] },
      { kind: 'order', earlier: 'period_start', later: 'period_end' },
    ],
    columns: [
      customerRef('Account served; empty when the cost is for a segment', false),
      { name: 'segment', kind: 'text', description: 'Segment the cost applies to when not per account' },
      { name: 'period_start', kind: 'date', required: true, description: 'First day of the period' },
      { name: 'period_end', kind: 'date', required: true, description: 'Day after the period (exclusive)' },
      { name: 'amount', kind: 'money', required: true, min: 0, description: 'Cost in the period' },
      currency,
    ],
  },
  {
    name: 'content',
    required: false,
    description: 'Content pieces (articles, webinars, videos) and what they cost.',
    key: ['content_id'],
    columns: [
      { name: 'content_id', kind: 'id', required: true, description: 'Unique id of the piece' },
      { name: 'title', kind: 'text', description: 'Title' },
      { name: 'published_at', kind: 'timestamp', required: true, description: 'When it was published' },
      { name: 'cost', kind: 'money', required: true, min: 0, description: 'Cost to make and distribute it' },
      currency,
    ],
  },
  {
    name: 'content_revenue',
    required: false,
    description: 'Revenue attributed to content pieces, per period.',
    key: ['content_id', 'period_start'],
    columns: [
      {
        name: 'content_id',
        kind: 'id',
        required: true,
        references: 'content',
        description: 'Piece the revenue is attributed to',
      },
      { name: 'period_start', kind: 'date', required: true, description: 'First day of the period' },
      { name: 'amount', kind: 'money', required: true, min: 0, description: 'Attributed revenue' },
      currency,
    ],
  },
  {
    name: 'promotions',
    required: false,
    description: 'Offers issued to accounts and whether they were redeemed.',
    key: ['promotion_id'],
    rules: [{ kind: 'order', earlier: 'issued_at', later: 'redeemed_at' }],
    columns: [
      { name: 'promotion_id', kind: 'id', required: true, description: 'Unique id of the issued offer' },
      customerRef('Account the offer was issued to'),
      { name: 'campaign', kind: 'text', description: 'Campaign the offer belongs to' },
      { name: 'issued_at', kind: 'timestamp', required: true, description: 'When it was issued' },
      { name: 'redeemed_at', kind: 'timestamp', description: 'When it was redeemed; empty if not' },
      { name: 'expires_at', kind: 'timestamp', scheduled: true, description: 'When it expires' },
    ],
  },
  {
    name: 'loyalty_members',
    required: false,
    description: 'Members of the loyalty programme.',
    key: ['customer_id'],
    columns: [
      customerRef('Member account'),
      { name: 'joined_at', kind: 'timestamp', required: true, description: 'When the account joined' },
      { name: 'tier', kind: 'text', description: 'Programme tier' },
    ],
  },
  {
    name: 'loyalty_activity',
    required: false,
    description: 'Points earned and redeemed in the loyalty programme.',
    key: ['customer_id', 'occurred_at', 'kind'],
    columns: [
      customerRef('Member account'),
      { name: 'occurred_at', kind: 'timestamp', required: true, description: 'When it happened' },
      {
        name: 'kind',
        kind: 'text',
        required: true,
        oneOf: ['earn', 'redeem'],
        fold: 'lower',
        description: 'earn or redeem',
      },
      { name: 'points', kind: 'integer', min: 0, description: 'Points earned or redeemed' },
    ],
  },
  {
    name: 'experiments',
    required: false,
    description: 'Retention experiments and their pre-registration.',
    key: ['experiment_id'],
    rules: [{ kind: 'order', earlier: 'started_at', later: 'ended_at' }],
    columns: [
      { name: 'experiment_id', kind: 'id', required: true, description: 'Unique id of the experiment' },
      { name: 'name', kind: 'text', description: 'Name' },
      { name: 'hypothesis', kind: 'text', description: 'The pre-registered hypothesis' },
      { name: 'primary_kpi', kind: 'text', description: 'KPI id the experiment is judged on' },
      {
        name: 'pre_registered_at',
        kind: 'timestamp',
        description: 'When the analysis plan was registered (before start)',
      },
      { name: 'started_at', kind: 'timestamp', required: true, description: 'Start of assignment' },
      {
        name: 'ended_at',
        kind: 'timestamp',
        scheduled: true,
        description: 'End of assignment (planned or past); empty while open-ended',
      },
      {
        name: 'pre_registration',
        kind: 'json',
        description: 'The analysis plan: metric, minimum detectable effect, alpha, power, …',
      },
    ],
  },
  {
    name: 'assignments',
    required: false,
    description: 'Which variant each account was assigned to.',
    key: ['experiment_id', 'customer_id'],
    columns: [
      {
        name: 'experiment_id',
        kind: 'id',
        required: true,
        references: 'experiments',
        description: 'Experiment',
      },
      customerRef('Assigned account'),
      { name: 'variant', kind: 'text', required: true, description: 'control, treatment, …' },
      { name: 'assigned_at', kind: 'timestamp', required: true, description: 'When it was assigned' },
    ],
  },
];

export const TABLES: ReadonlyMap<TableName, TableSpec> = new Map(specs.map((s) => [s.name, s]));

export function tableSpec(name: TableName): TableSpec {
  const spec = TABLES.get(name);
  if (!spec) throw new Error(`no table spec for ${name}`);
  return spec;
}

export function isTableName(name: string): name is TableName {
  return (TABLE_NAMES as readonly string[]).includes(name);
}

/** Tables in an order where every referenced table comes before the tables that reference it. */
export function loadOrder(): TableName[] {
  const order: TableName[] = [];
  const visit = (name: TableName) => {
    if (order.includes(name)) return;
    for (const c of tableSpec(name).columns) if (c.references && c.references !== name) visit(c.references);
    order.push(name);
  };
  for (const name of TABLE_NAMES) visit(name);
  return order;
}

export const FILE_FORMATS = ['csv', 'parquet', 'ndjson'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];
