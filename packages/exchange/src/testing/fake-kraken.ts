import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveOnLoopback } from './loopback-server';

/**
 * A local stand-in for Kraken's REST API (public and private on one port) for tests that drive the
 * real ccxt client. It answers Time, Assets, AssetPairs (xStocks only with `aclass_base=tokenized_asset`,
 * as Kraken does), OHLC, AddOrder, QueryOrders, OpenOrders and ClosedOrders (filtered by `cl_ord_id` or
 * `userref`, empty when nothing matches), CancelOrder, Balance and BalanceEx; it verifies the
 * private-call signature and nonce exactly as Kraken does; it records every request; and it fails on
 * demand (Kraken error strings, HTTP statuses, a request that never gets an answer, or one the venue
 * acts on whose answer is lost).
 */

/** One asset pair as Kraken's AssetPairs lists it. */
export interface FakePair {
  /** Kraken's pair key, e.g. `XXBTZUSD`, `AAPLxUSD`. */
  id: string;
  altname: string;
  wsname: string;
  base: string;
  quote: string;
  aclassBase: 'currency' | 'tokenized_asset';
}

/** A Kraken OHLC row: `[timeSec, open, high, low, close, vwap, volume, count]`. */
export type KrakenOhlcRow = [number, string, string, string, string, string, string, number];

/** A failure to inject into the next calls of one endpoint. */
export type FakeFailure =
  | { kind: 'kraken-error'; error: string }
  | { kind: 'http'; status: number; body?: string }
  | { kind: 'hang' }
  /**
   * The venue acts on the request (an order is placed and fills) but its answer never reaches the
   * client: the connection drops, or (`hang`) stays silent until the client times out.
   */
  | { kind: 'lost-answer'; after?: 'drop' | 'hang' };

/** What the fake saw of one request. */
export interface RecordedRequest {
  method: string;
  /** Path without query, e.g. `/0/public/OHLC`. */
  path: string;
  query: Record<string, string>;
  /** Decoded form body of private calls. */
  body: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** For private calls: whether API-Key and API-Sign checked out. */
  signatureValid?: boolean;
}

interface FakeOrder {
  txid: string;
  pair: FakePair;
  side: 'buy' | 'sell';
  volume: number;
  clOrdId: string | null;
  status: 'open' | 'closed' | 'canceled';
  volExec: number;
  price: number;
  fee: number;
  openedAt: number;
}

export interface FakeKrakenOptions {
  pairs?: FakePair[];
  /** OHLC rows by pair id and interval in minutes; the last row of each series is the forming bar. */
  ohlc?: Record<string, Record<number, KrakenOhlcRow[]>>;
  apiKey?: string;
  /** base64, as Kraken issues it. */
  secret?: string;
  /** Free balances by Kraken asset code (`ZUSD`, `XXBT`, `AAPLx`). */
  balances?: Record<string, number>;
  /** Fill price by pair id for market orders. */
  prices?: Record<string, number>;
  /** Market orders fill at once (default) or stay open (to exercise cancel). */
  fillMarketOrders?: boolean;
  takerFeeRate?: number;
  /** Server clock in ms, for Time and order timestamps. */
  now?: () => number;
}

export interface FakeKraken {
  /** Base URL (`http://127.0.0.1:<port>`) for both ccxt `urls.api.public` and `urls.api.private`. */
  url: string;
  requests: RecordedRequest[];
  /** Makes the next `times` calls to `endpoint` (e.g. `OHLC`, `AddOrder`) fail as given. */
  failNext(endpoint: string, failure: FakeFailure, times?: number): void;
  setOhlc(pairId: string, intervalMinutes: number, rows: KrakenOhlcRow[]): void;
  balance(asset: string): number;
  orderCount(): number;
  /** Executes `volume` more of an open order at its price (a partial fill until all of it is done). */
  fillOrder(txid: string, volume: number): void;
  close(): Promise<void>;
}

/** A valid-looking Kraken key pair for tests (the secret is base64 of 64 random-looking bytes). */
export const FAKE_KRAKEN_CREDENTIALS = {
  apiKey: 'test-api-key-0123456789',
  secret: Buffer.from('fake-kraken-secret-'.repeat(4).slice(0, 64)).toString('base64'),
};

/** Pairs the fake lists by default: two crypto pairs, the shared data's ETH/BTC, and two xStocks. */
export const DEFAULT_FAKE_PAIRS: FakePair[] = [
  {
    id: 'XXBTZUSD',
    altname: 'XBTUSD',
    wsname: 'XBT/USD',
    base: 'XXBT',
    quote: 'ZUSD',
    aclassBase: 'currency',
  },
  {
    id: 'XETHZUSD',
    altname: 'ETHUSD',
    wsname: 'ETH/USD',
    base: 'XETH',
    quote: 'ZUSD',
    aclassBase: 'currency',
  },
  {
    id: 'XETHXXBT',
    altname: 'ETHXBT',
    wsname: 'ETH/XBT',
    base: 'XETH',
    quote: 'XXBT',
    aclassBase: 'currency',
  },
  {
    id: 'AAPLxUSD',
    altname: 'AAPLxUSD',
    wsname: 'AAPLx/USD',
    base: 'AAPLx',
    quote: 'ZUSD',
    aclassBase: 'tokenized_asset',
  },
  {
    id: 'TSLAxUSD',
    altname: 'TSLAxUSD',
    wsname: 'TSLAx/USD',
    base: 'TSLAx',
    quote: 'ZUSD',
    aclassBase: 'tokenized_asset',
  },
];

const ASSET_ALTNAMES: Record<string, string> = { XXBT: 'XBT', XETH: 'ETH', ZUSD: 'USD' };

/**
 * Reads a ccxt-shaped candle file (`[[openTimeMs,o,h,l,c,v],...]`, e.g. from ../shared/data) as Kraken
 * OHLC rows. The files carry no trade counts or VWAP: count is derived deterministically from volume
 * so tests can tell it passed through, and VWAP is the bar's typical price.
 */
export function krakenRowsFromCandleFile(file: string): KrakenOhlcRow[] {
  const candles = JSON.parse(readFileSync(file, 'utf8')) as number[][];
  return candles.map(([t, o, h, l, c, v]) => [
    Math.floor(t! / 1000),
    String(o),
    String(h),
    String(l),
    String(c),
    String((h! + l! + c!) / 3),
    String(v),
    Math.round(v!) % 1000,
  ]);
}

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startFakeKraken(options: FakeKrakenOptions = {}): Promise<FakeKraken> {
  const pairs = options.pairs ?? DEFAULT_FAKE_PAIRS;
  const ohlc: Record<string, Record<number, KrakenOhlcRow[]>> = structuredClone(options.ohlc ?? {});
  const apiKey = options.apiKey ?? FAKE_KRAKEN_CREDENTIALS.apiKey;
  const secret = Buffer.from(options.secret ?? FAKE_KRAKEN_CREDENTIALS.secret, 'base64');
  const balances: Record<string, number> = { ZUSD: 10_000, XXBT: 0.5, ...options.balances };
  const prices: Record<string, number> = {
    XXBTZUSD: 60_000,
    XETHZUSD: 3_000,
    AAPLxUSD: 200,
    ...options.prices,
  };
  const feeRate = options.takerFeeRate ?? 0.0026;
  const now = options.now ?? Date.now;
  const fillMarketOrders = options.fillMarketOrders ?? true;

  const requests: RecordedRequest[] = [];
  const failures = new Map<string, { failure: FakeFailure; times: number }>();
  const orders = new Map<string, FakeOrder>();
  const lastNonce = new Map<string, bigint>();
  let orderSeq = 0;

  // Responses whose answer is to be lost once the request has been acted on: how to lose it.
  const lostAnswers = new Map<ServerResponse, () => void>();
  const send = (res: ServerResponse, status: number, body: unknown) => {
    const lose = lostAnswers.get(res);
    if (lose) {
      lostAnswers.delete(res);
      lose();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const ok = (res: ServerResponse, result: unknown) => send(res, 200, { error: [], result });
  const krakenError = (res: ServerResponse, error: string) => send(res, 200, { error: [error] });

  const verifySignature = (req: IncomingMessage, path: string, rawBody: string, nonce: string) => {
    const sign = req.headers['api-sign'];
    if (req.headers['api-key'] !== apiKey || typeof sign !== 'string') return false;
    const digest = createHash('sha256')
      .update(nonce + rawBody)
      .digest();
    const expected = createHmac('sha512', secret)
      .update(Buffer.concat([Buffer.from(path), digest]))
      .digest();
    const given = Buffer.from(sign, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const assetsFor = (aclass: string | undefined) => {
    const wanted = aclass === 'tokenized_asset' ? 'tokenized_asset' : 'currency';
    const codes = new Set<string>();
    for (const p of pairs) {
      if (p.aclassBase === wanted) codes.add(p.base);
      if (wanted === 'currency') codes.add(p.quote);
    }
    return Object.fromEntries(
      [...codes].map((code) => [
        code,
        {
          aclass: wanted,
          altname: ASSET_ALTNAMES[code] ?? code,
          decimals: 8,
          display_decimals: 5,
          status: 'enabled',
        },
      ]),
    );
  };

  const pairsFor = (aclassBase: string | undefined) =>
    Object.fromEntries(
      pairs
        .filter((p) => p.aclassBase === (aclassBase === 'tokenized_asset' ? 'tokenized_asset' : 'currency'))
        .map((p) => [
          p.id,
          {
            altname: p.altname,
            wsname: p.wsname,
            aclass_base: p.aclassBase,
            base: p.base,
            aclass_quote: 'currency',
            quote: p.quote,
            lot: 'unit',
            pair_decimals: 2,
            lot_decimals: 8,
            lot_multiplier: 1,
            leverage_buy: [],
            leverage_sell: [],
            fees: [[0, 0.26]],
            fees_maker: [[0, 0.16]],
            fee_volume_currency: 'ZUSD',
            margin_call: 80,
            margin_stop: 40,
            ordermin: '0.0001',
            costmin: '0.5',
            status: 'online',
          },
        ]),
    );

  /** Fills `volume` more of an order at its price, moving balances and charging the taker fee. */
  const execute = (o: FakeOrder, volume: number) => {
    const done = Math.min(volume, o.volume - o.volExec);
    const cost = done * o.price;
    const fee = cost * feeRate;
    const sign = o.side === 'buy' ? 1 : -1;
    balances[o.pair.base] = (balances[o.pair.base] ?? 0) + sign * done;
    balances[o.pair.quote] = (balances[o.pair.quote] ?? 0) - sign * cost - fee;
    o.volExec += done;
    o.fee += fee;
    if (o.volExec >= o.volume) o.status = 'closed';
  };

  const findPair = (key: string | undefined) => pairs.find((p) => p.id === key || p.altname === key);

  const orderView = (o: FakeOrder) => ({
    refid: null,
    userref: 0,
    cl_ord_id: o.clOrdId ?? undefined,
    status: o.status,
    reason: null,
    opentm: o.openedAt / 1000,
    closetm: o.status === 'open' ? 0 : o.openedAt / 1000,
    starttm: 0,
    expiretm: 0,
    descr: {
      pair: o.pair.altname,
      type: o.side,
      ordertype: 'market',
      price: '0',
      price2: '0',
      leverage: 'none',
      order: `${o.side} ${o.volume.toFixed(8)} ${o.pair.altname} @ market`,
      close: '',
    },
    vol: o.volume.toFixed(8),
    vol_exec: o.volExec.toFixed(8),
    cost: (o.volExec * o.price).toFixed(5),
    fee: o.fee.toFixed(5),
    price: o.volExec > 0 ? o.price.toFixed(5) : '0.00000',
    stopprice: '0.00000',
    limitprice: '0.00000',
    misc: '',
    oflags: 'fciq',
  });

  const handlePublic = (endpoint: string, query: Record<string, string>, res: ServerResponse) => {
    switch (endpoint) {
      case 'Time': {
        const t = now();
        return ok(res, { unixtime: Math.floor(t / 1000), rfc1123: new Date(t).toUTCString() });
      }
      case 'Assets':
        return ok(res, assetsFor(query.aclass));
      case 'AssetPairs':
        return ok(res, pairsFor(query.aclass_base));
      case 'OHLC': {
        const pair = findPair(query.pair);
        if (!pair || (pair.aclassBase === 'tokenized_asset' && query.aclass_base !== 'tokenized_asset')) {
          return krakenError(res, 'EQuery:Unknown asset pair');
        }
        const interval = Number(query.interval ?? 1);
        const all = ohlc[pair.id]?.[interval] ?? [];
        const since = query.since === undefined ? undefined : Number(query.since);
        // Kraken: at most the last 720 rows; the final row is the frame still forming.
        const rows = all.filter((r) => since === undefined || r[0] > since).slice(-720);
        const last = all.length > 1 ? all[all.length - 2]![0] : (all[0]?.[0] ?? 0);
        return ok(res, { [pair.id]: rows, last });
      }
      default:
        return krakenError(res, 'EGeneral:Unknown method');
    }
  };

  const handlePrivate = (endpoint: string, body: Record<string, string>, res: ServerResponse) => {
    switch (endpoint) {
      case 'Balance':
        return ok(res, Object.fromEntries(Object.entries(balances).map(([k, v]) => [k, v.toFixed(8)])));
      case 'BalanceEx': {
        // Open orders hold what they would spend: quote for buys, base for sells.
        const held = new Map<string, number>();
        for (const o of orders.values()) {
          if (o.status !== 'open') continue;
          const [asset, amount] =
            o.side === 'buy' ? [o.pair.quote, o.volume * o.price * (1 + feeRate)] : [o.pair.base, o.volume];
          held.set(asset, (held.get(asset) ?? 0) + amount);
        }
        return ok(
          res,
          Object.fromEntries(
            Object.entries(balances).map(([k, v]) => [
              k,
              { balance: v.toFixed(8), hold_trade: (held.get(k) ?? 0).toFixed(8) },
            ]),
          ),
        );
      }
      case 'AddOrder': {
        const pair = findPair(body.pair);
        if (!pair) return krakenError(res, 'EQuery:Unknown asset pair');
        if (pair.aclassBase === 'tokenized_asset' && body.asset_class !== 'tokenized_asset') {
          return krakenError(res, 'EQuery:Unknown asset pair');
        }
        if (body.ordertype !== 'market') return krakenError(res, 'EGeneral:Invalid arguments:ordertype');
        const volume = Number(body.volume);
        if (!(volume > 0)) return krakenError(res, 'EGeneral:Invalid arguments:volume');
        const clOrdId = body.cl_ord_id ?? null;
        if (clOrdId && [...orders.values()].some((o) => o.clOrdId === clOrdId && o.status === 'open')) {
          return krakenError(res, 'EOrder:Duplicate cl_ord_id');
        }
        const side = body.type === 'sell' ? 'sell' : 'buy';
        const price = prices[pair.id] ?? 100;
        const cost = volume * price;
        const fee = cost * feeRate;
        if (side === 'buy' && (balances[pair.quote] ?? 0) < cost + fee) {
          return krakenError(res, 'EOrder:Insufficient funds');
        }
        if (side === 'sell' && (balances[pair.base] ?? 0) < volume) {
          return krakenError(res, 'EOrder:Insufficient funds');
        }
        orderSeq += 1;
        const txid = `O${String(orderSeq).padStart(5, '0')}-FAKE-KRAKEN`;
        const order: FakeOrder = {
          txid,
          pair,
          side,
          volume,
          clOrdId,
          status: 'open',
          volExec: 0,
          price,
          fee: 0,
          openedAt: now(),
        };
        orders.set(txid, order);
        if (fillMarketOrders) execute(order, volume);
        return ok(res, { descr: { order: `${side} ${body.volume} ${pair.altname} @ market` }, txid: [txid] });
      }
      case 'QueryOrders': {
        const ids = (body.txid ?? '').split(',').filter(Boolean);
        const found = ids.flatMap((id) => {
          const o = orders.get(id);
          return o ? [[id, orderView(o)] as const] : [];
        });
        return ok(res, Object.fromEntries(found));
      }
      case 'OpenOrders':
      case 'ClosedOrders': {
        const wanted = endpoint === 'OpenOrders' ? ['open'] : ['closed', 'canceled'];
        const since = body.start === undefined ? 0 : Number(body.start) * 1000;
        const matching = [...orders.values()]
          .filter(
            (o) =>
              wanted.includes(o.status) &&
              o.openedAt >= since &&
              (body.cl_ord_id === undefined || o.clOrdId === body.cl_ord_id) &&
              // Orders here carry no userref (0), as when AddOrder is sent without one.
              (body.userref === undefined || Number(body.userref) === 0),
          )
          .reverse(); // newest first, as Kraken lists them
        const listed = Object.fromEntries(matching.slice(0, 50).map((o) => [o.txid, orderView(o)]));
        return ok(
          res,
          endpoint === 'OpenOrders' ? { open: listed } : { closed: listed, count: matching.length },
        );
      }
      case 'CancelOrder': {
        const o = orders.get(body.txid ?? '');
        if (!o) return krakenError(res, 'EOrder:Unknown order');
        if (o.status !== 'open') return krakenError(res, 'EOrder:Unknown order');
        o.status = 'canceled';
        return ok(res, { count: 1 });
      }
      default:
        return krakenError(res, 'EGeneral:Unknown method');
    }
  };

  const server = await serveOnLoopback((req, res, { url, body: rawBody, hold }) => {
    const body = Object.fromEntries(new URLSearchParams(rawBody));
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      headers: req.headers,
    };
    requests.push(record);
    const match = /^\/0\/(public|private)\/(\w+)$/.exec(url.pathname);
    if (!match) return send(res, 404, { error: ['EGeneral:Unknown method'] });
    const [, scope, endpoint] = match as unknown as [string, 'public' | 'private', string];

    const injected = failures.get(endpoint);
    if (injected && injected.times > 0) {
      injected.times -= 1;
      const f = injected.failure;
      if (f.kind === 'hang') {
        hold();
        return;
      }
      if (f.kind === 'lost-answer')
        lostAnswers.set(res, f.after === 'hang' ? hold : () => res.socket?.destroy());
      else if (f.kind === 'http') return send(res, f.status, f.body ?? `<html>${f.status}</html>`);
      else return krakenError(res, f.error);
    }

    if (scope === 'public') return handlePublic(endpoint, record.query, res);

    const nonce = body.nonce ?? '';
    record.signatureValid = verifySignature(req, url.pathname, rawBody, nonce);
    if (req.headers['api-key'] !== apiKey) return krakenError(res, 'EAPI:Invalid key');
    if (!record.signatureValid) return krakenError(res, 'EAPI:Invalid signature');
    if (!/^\d+$/.test(nonce) || BigInt(nonce) <= (lastNonce.get(apiKey) ?? -1n)) {
      return krakenError(res, 'EAPI:Invalid nonce');
    }
    lastNonce.set(apiKey, BigInt(nonce));
    return handlePrivate(endpoint, body, res);
  });

  return {
    url: server.url,
    requests,
    failNext(endpoint, failure, times = 1) {
      failures.set(endpoint, { failure, times });
    },
    setOhlc(pairId, intervalMinutes, rows) {
      ohlc[pairId] = { ...ohlc[pairId], [intervalMinutes]: rows };
    },
    balance: (asset) => balances[asset] ?? 0,
    orderCount: () => orders.size,
    fillOrder(txid, volume) {
      const o = orders.get(txid);
      if (o?.status !== 'open') throw new Error(`fake kraken: no open order ${txid}`);
      execute(o, volume);
    },
    close: server.close,
  };
}
