import { formatCents, parseCents } from '@tradehits/core/money';
import { getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { type DbOrTx, queryRows } from '../client';
import { accounts, auditLog, trades, users } from '../schema';
import { ACTIVE_STATUSES } from './trades';

/**
 * Paper fills of a whole engine tick booked set-based: a handful of statements whatever the number of
 * users, each batch passed as one json parameter and read back as a typed record set (never a value
 * spliced into the SQL, and no limit on placeholders). The rules are the one-by-one path's
 * (`openPosition`, `closePosition` in trades.ts), enforced by the same guards: the account row locked,
 * idempotency by client order id and one automatic position per user, symbol and mode (the unique
 * indexes), max concurrent trades counted per account, the debit only while the balance covers it, a
 * close only from `open`.
 */

/** A record set's columns, named and typed as the table declares them. */
type Columns<T extends PgTable> = (keyof T['_']['columns'])[];

/**
 * `(… json_to_recordset(<rows as one parameter>) …) as alias(col, …)`, typed as `columns` say. Rows are
 * keyed by column name, values the driver's text for each column (a decimal string for numeric, an ISO
 * instant for a timestamp); on the wire each key is a short positional one (10,000 rows of 30 long
 * column names would be most of the payload).
 */
function recordset(
  alias: string,
  columns: { name: string; type: string }[],
  rows: Record<string, unknown>[],
): SQL {
  const json = JSON.stringify(
    rows.map((r) => {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) o[`k${i}`] = r[columns[i]!.name] ?? null;
      return o;
    }),
  );
  const definition = columns.map((c, i) => `k${i} ${c.type}`).join(', ');
  const names = columns.map((c, i) => `k${i} as "${c.name}"`).join(', ');
  return sql`(select ${sql.raw(names)} from json_to_recordset(${json}::json) as r(${sql.raw(definition)})) as ${sql.raw(alias)}`;
}

function columnsOf<T extends PgTable>(table: T, keys: Columns<T>) {
  const all = getTableColumns(table) as Record<string, PgColumn>;
  return keys.map((k) => {
    const c = all[k as string]!;
    // Each value as the column's own driver encoding writes it (money and percentages included);
    // json stays a value inside the batch's json.
    const encode = (v: unknown) => (v == null || c.dataType === 'json' ? (v ?? null) : c.mapToDriverValue(v));
    return { key: k as string, name: c.name, type: c.getSQLType(), encode };
  });
}

/**
 * Inserts `rows` (keyed by property name, values as the table's insert type takes them) in one
 * statement. A column in `shared` takes few distinct values over many rows: each is sent once and the
 * rows refer to it.
 */
function insertRows<T extends PgTable>(
  table: T,
  keys: Columns<T>,
  rows: Record<string, unknown>[],
  tail: SQL = sql``,
  shared?: keyof T['_']['columns'],
): SQL {
  const cols = columnsOf(table, keys);
  const names = sql.raw(cols.map((c) => `"${c.name}"`).join(', '));
  const sharedCol = cols.find((c) => c.key === shared);
  if (!sharedCol) {
    const json = rows.map((r) => Object.fromEntries(cols.map((c) => [c.name, c.encode(r[c.key])])));
    return sql`insert into ${table} (${names}) select ${names} from ${recordset('x', cols, json)} ${tail}`;
  }
  const values: unknown[] = [];
  const refOf = new Map<string, number>();
  const own = cols.filter((c) => c !== sharedCol);
  const json = rows.map((r) => {
    const row: Record<string, unknown> = Object.fromEntries(own.map((c) => [c.name, c.encode(r[c.key])]));
    const value = r[sharedCol.key] ?? null;
    const text = JSON.stringify(value);
    let ref = refOf.get(text);
    if (ref === undefined) {
      ref = values.length;
      refOf.set(text, ref);
      values.push(value);
    }
    row.shared_ref = ref;
    return row;
  });
  const list = sql.raw(
    cols
      .map((c) => (c === sharedCol ? `(s.shared ->> x.shared_ref)::${c.type}` : `x."${c.name}"`))
      .join(', '),
  );
  const refs = recordset('x', [...own, { name: 'shared_ref', type: 'integer' }], json);
  return sql`insert into ${table} (${names}) select ${list}
    from ${refs} cross join (select ${JSON.stringify(values)}::jsonb as shared) s ${tail}`;
}

/**
 * A batch's record set is materialised before it is read: with the default 4 MB of work memory, 10,000
 * entries spill to disk. This transaction's statements get room to keep it in memory.
 */
async function roomForBatch(tx: DbOrTx) {
  await tx.execute(sql`set local work_mem = '64MB'`);
}

/** Locks the accounts in id order, so batches and single bookings that meet on one never deadlock. */
async function lockAccounts(tx: DbOrTx, accountIds: readonly string[]) {
  const ids = [...new Set(accountIds)].sort();
  await tx.execute(
    sql`select id from ${accounts} where id in (select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::uuid) order by id for update`,
  );
}

/**
 * `update accounts … returning` as a CTE named `changed`, with the new paper balances mirrored onto
 * their users (what the profile shows) in the same statement; selects the changed accounts' ids.
 */
function withMirroredBalances(update: SQL): SQL {
  return sql`with changed as (${update} returning ${accounts.id} as id, ${accounts.userId} as user_id,
      ${accounts.assetType} as asset_type, ${accounts.mode} as mode, ${accounts.balance} as balance),
    mirrored as (
      update ${users} set
        crypto_balance = case when a.asset_type = 'crypto' then a.balance else ${users.cryptoBalance} end,
        stock_balance = case when a.asset_type = 'stock' then a.balance else ${users.stockBalance} end
      from changed a where a.mode = 'paper' and ${users.id} = a.user_id)
    select id from changed`;
}

/** Appends audit rows in one statement. */
async function auditRows(
  tx: DbOrTx,
  rows: { actorId: string | null; action: string; targetType: string; targetId: string; details: unknown }[],
) {
  if (rows.length === 0) return;
  await tx.execute(insertRows(auditLog, ['actorId', 'action', 'targetType', 'targetId', 'details'], rows));
}

type TradeInsert = typeof trades.$inferInsert;

/** One paper entry filled in JS, to be booked with its batch; values as the trades columns take them. */
export type PaperEntry = Required<
  Pick<
    TradeInsert,
    | 'userId'
    | 'accountId'
    | 'assetType'
    | 'symbol'
    | 'clientOrderId'
    | 'quantity'
    | 'entryPrice'
    | 'entryTime'
    | 'takeProfitPrice'
    | 'stopLossPrice'
    | 'takeProfitPct'
    | 'stopLossPct'
    | 'currency'
    | 'executionReason'
  >
> &
  Pick<
    TradeInsert,
    | 'parametersId'
    | 'trailingStopPct'
    | 'breakEvenAfterPct'
    | 'maxHoldingHours'
    | 'breakEvenPrice'
    | 'exitDeadline'
    | 'highWaterPrice'
    | 'timeframeDetected'
    | 'sentimentAtBuy'
    | 'politicalSentimentAtBuy'
    | 'wasLowestPoint'
    | 'indicatorSnapshot'
  > & {
    maxConcurrentTrades: number;
    /** Cost and entry fee in minor units. */
    amountCents: number;
    entryFeeCents: number;
    /** The audit row's details for this entry. */
    auditDetails: unknown;
  };

const ENTRY_COLUMNS: Columns<typeof trades> = [
  'userId',
  'accountId',
  'parametersId',
  'symbol',
  'assetType',
  'isPaper',
  'status',
  'clientOrderId',
  'entryPrice',
  'entryTime',
  'quantity',
  'amount',
  'entryFee',
  'takeProfitPrice',
  'stopLossPrice',
  'takeProfitPct',
  'stopLossPct',
  'trailingStopPct',
  'breakEvenAfterPct',
  'maxHoldingHours',
  'breakEvenPrice',
  'exitDeadline',
  'highWaterPrice',
  'currency',
  'executionReason',
  'timeframeDetected',
  'sentimentAtBuy',
  'politicalSentimentAtBuy',
  'wasLowestPoint',
  'indicatorSnapshot',
];

/** What became of a batch of entries. */
export interface PaperEntriesBooked {
  /** Client order id → the new trade's id. */
  opened: Map<string, string>;
  /** Entries refused as a repeat of an order already booked, or a second automatic position. */
  refused: { clientOrderId: string; reason: 'duplicate' | 'already-open' }[];
  /**
   * Entries of accounts whose batch the balance or the free slots did not cover as a whole: nothing of
   * theirs was booked, and the caller books them one by one, which decides which of them fit and why.
   */
  unbooked: string[];
}

/**
 * Books paper entries in one transaction: locks their accounts, inserts every position (a repeat or a
 * second automatic position is skipped by the unique indexes), then debits each account once for all
 * of its new positions, guarded by its balance and by max concurrent trades as the one-by-one path
 * would apply them in order. An account whose guard fails gets none of its positions (removed in the
 * same transaction). Entries are in the order the engine decided them.
 */
export async function bookPaperEntries(
  db: DbOrTx,
  entries: readonly PaperEntry[],
): Promise<PaperEntriesBooked> {
  const result: PaperEntriesBooked = { opened: new Map(), refused: [], unbooked: [] };
  if (entries.length === 0) return result;
  return db.transaction(async (tx) => {
    await roomForBatch(tx);
    await lockAccounts(
      tx,
      entries.map((e) => e.accountId),
    );
    const rows = entries.map((e) => ({
      ...e,
      isPaper: true,
      status: 'open',
      amount: e.amountCents,
      entryFee: e.entryFeeCents,
      wasLowestPoint: e.wasLowestPoint ?? false,
    }));
    const inserted = await queryRows<{ id: string; client_order_id: string }>(
      tx,
      insertRows(
        trades,
        ENTRY_COLUMNS,
        rows,
        sql`on conflict do nothing returning id, client_order_id`,
        // One detection's snapshot is the same for every user entering on it.
        'indicatorSnapshot',
      ),
    );
    const idOf = new Map(inserted.map((r) => [r.client_order_id, r.id]));
    const conflicted = entries.filter((e) => !idOf.has(e.clientOrderId)).map((e) => e.clientOrderId);
    if (conflicted.length > 0) {
      const repeats = await queryRows<{ client_order_id: string }>(
        tx,
        sql`select client_order_id from ${trades} where client_order_id in (select jsonb_array_elements_text(${JSON.stringify(conflicted)}::jsonb))`,
      );
      const repeated = new Set(repeats.map((r) => r.client_order_id));
      for (const id of conflicted)
        result.refused.push({ clientOrderId: id, reason: repeated.has(id) ? 'duplicate' : 'already-open' });
    }

    // Per account, as the one-by-one path checks each entry in turn: the k-th new position needs
    // fewer than `max_k` active before it, so all fit while active-before < min(max_k − k); the
    // balance must cover the sum of costs and fees.
    const debits = new Map<
      string,
      { cents: number; fees: number; limit: number; n: number; ids: string[] }
    >();
    for (const e of entries) {
      const id = idOf.get(e.clientOrderId);
      if (id === undefined) continue;
      const d = debits.get(e.accountId) ?? { cents: 0, fees: 0, limit: Infinity, n: 0, ids: [] };
      d.limit = Math.min(d.limit, e.maxConcurrentTrades - d.n);
      d.cents += e.amountCents + e.entryFeeCents;
      d.fees += e.entryFeeCents;
      d.n++;
      d.ids.push(id);
      debits.set(e.accountId, d);
    }
    if (debits.size === 0) return result;
    const debitRows = [...debits].map(([accountId, d]) => ({
      account_id: accountId,
      debit: formatCents(d.cents),
      fees: formatCents(d.fees),
      // The count below already includes this batch's own rows.
      active_limit: d.limit + d.n,
    }));
    const debited = await queryRows<{ id: string }>(
      tx,
      withMirroredBalances(sql`update ${accounts} set balance = ${accounts.balance} - d.debit, fees = ${accounts.fees} + d.fees
        from ${recordset(
          'd',
          [
            { name: 'account_id', type: 'uuid' },
            { name: 'debit', type: 'numeric' },
            { name: 'fees', type: 'numeric' },
            { name: 'active_limit', type: 'integer' },
          ],
          debitRows,
        )}
        where ${accounts.id} = d.account_id and ${accounts.status} = 'active'
          and ${accounts.balance} >= d.debit
          and (select count(*) from ${trades} t where t.account_id = ${accounts.id}
               and t.status in (${sql.join(
                 ACTIVE_STATUSES.map((s) => sql`${s}`),
                 sql`, `,
               )})) < d.active_limit`),
    );
    const won = new Set(debited.map((r) => r.id));
    const lost = [...debits].filter(([accountId]) => !won.has(accountId));
    if (lost.length > 0) {
      const ids = lost.flatMap(([, d]) => d.ids);
      await tx.execute(
        sql`delete from ${trades} where id in (select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::uuid)`,
      );
      const lostAccounts = new Set(lost.map(([a]) => a));
      for (const e of entries)
        if (lostAccounts.has(e.accountId) && idOf.has(e.clientOrderId)) result.unbooked.push(e.clientOrderId);
    }
    const booked = entries.filter((e) => won.has(e.accountId) && idOf.has(e.clientOrderId));
    await auditRows(
      tx,
      booked.map((e) => ({
        actorId: null,
        action: 'trade.open',
        targetType: 'trade',
        targetId: idOf.get(e.clientOrderId)!,
        details: e.auditDetails,
      })),
    );
    for (const e of booked) result.opened.set(e.clientOrderId, idOf.get(e.clientOrderId)!);
    return result;
  });
}

/** One paper exit filled in JS. Money in cents. */
export interface PaperExit {
  tradeId: string;
  exitPrice: string;
  exitTime: Date;
  exitReason: string;
  proceedsCents: number;
  exitFeeCents: number;
  /** The audit row's details beside the booked P&L. */
  auditDetails: Record<string, unknown>;
}

/** A position closed by a batch, with what its account was credited. */
export interface PaperClosed {
  id: string;
  userId: string;
  accountId: string;
  symbol: string;
  pnlCents: number;
}

/**
 * Closes paper positions in one transaction, each once: a compare-and-set from `open` over the whole
 * list (a position already closing or closed is left alone), then one credit per account for what
 * closed (proceeds less the exit fee in cash, P&L on the cost, the fee), in account-id order.
 */
export async function bookPaperExits(db: DbOrTx, exits: readonly PaperExit[]): Promise<PaperClosed[]> {
  if (exits.length === 0) return [];
  return db.transaction(async (tx) => {
    await roomForBatch(tx);
    const rows = exits.map((e) => ({
      id: e.tradeId,
      exit_price: e.exitPrice,
      exit_time: e.exitTime.toISOString(),
      exit_reason: e.exitReason,
      proceeds: formatCents(e.proceedsCents),
      exit_fee: formatCents(e.exitFeeCents),
    }));
    const net = sql`x.proceeds - x.exit_fee - ${trades.amount} - ${trades.entryFee}`;
    const closed = await queryRows<{
      id: string;
      user_id: string;
      account_id: string;
      symbol: string;
      amount: string;
      pnl: string;
      currency: string;
    }>(
      tx,
      sql`update ${trades} set status = 'closed', exit_price = x.exit_price, exit_time = x.exit_time,
          exit_fee = x.exit_fee, exit_reason = x.exit_reason, pnl = ${net},
          pnl_pct = round((${net}) * 100 / ${trades.amount}, 4)
        from ${recordset(
          'x',
          [
            { name: 'id', type: 'uuid' },
            { name: 'exit_price', type: 'numeric' },
            { name: 'exit_time', type: 'timestamptz' },
            { name: 'exit_reason', type: 'text' },
            { name: 'proceeds', type: 'numeric' },
            { name: 'exit_fee', type: 'numeric' },
          ],
          rows,
        )}
        where ${trades.id} = x.id and ${trades.status} = 'open' and ${trades.isPaper}
        returning ${trades.id} as id, ${trades.userId} as user_id, ${trades.accountId} as account_id,
          ${trades.symbol} as symbol, ${trades.amount}::text as amount, ${trades.pnl}::text as pnl,
          ${trades.currency} as currency`,
    );
    if (closed.length === 0) return [];
    const exitOf = new Map(exits.map((e) => [e.tradeId, e]));
    const credits = new Map<string, { cash: number; realized: number; fees: number }>();
    for (const c of closed) {
      const e = exitOf.get(c.id)!;
      const k = credits.get(c.account_id) ?? { cash: 0, realized: 0, fees: 0 };
      k.cash += e.proceedsCents - e.exitFeeCents;
      k.realized += e.proceedsCents - parseCents(c.amount);
      k.fees += e.exitFeeCents;
      credits.set(c.account_id, k);
    }
    const accountIds = [...credits.keys()];
    await lockAccounts(tx, accountIds);
    await tx.execute(
      withMirroredBalances(sql`update ${accounts} set balance = ${accounts.balance} + c.cash,
          realized_pnl = ${accounts.realizedPnl} + c.realized, fees = ${accounts.fees} + c.fees
        from ${recordset(
          'c',
          [
            { name: 'account_id', type: 'uuid' },
            { name: 'cash', type: 'numeric' },
            { name: 'realized', type: 'numeric' },
            { name: 'fees', type: 'numeric' },
          ],
          [...credits].map(([accountId, k]) => ({
            account_id: accountId,
            cash: formatCents(k.cash),
            realized: formatCents(k.realized),
            fees: formatCents(k.fees),
          })),
        )}
        where ${accounts.id} = c.account_id`),
    );
    await auditRows(
      tx,
      closed.map((c) => ({
        actorId: null,
        action: 'trade.close',
        targetType: 'trade',
        targetId: c.id,
        details: { ...exitOf.get(c.id)!.auditDetails, pnlCents: parseCents(c.pnl), currency: c.currency },
      })),
    );
    return closed.map((c) => ({
      id: c.id,
      userId: c.user_id,
      accountId: c.account_id,
      symbol: c.symbol,
      pnlCents: parseCents(c.pnl),
    }));
  });
}
