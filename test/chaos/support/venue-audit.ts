// What the venue (the simulator process) holds at the end of a chaos run, read over its signed REST
// API with faults off: every order (active, done, untriggered stops), every fill, open positions.
// The adapter for a venue in another process; the audit rules are test/support/venue-rules.ts.
import { SimClient, type Creds } from '../../simulator/signed-client.js';
import type { VenueOrder, VenueState } from '../../support/venue-rules.js';

interface Page<T> {
  readonly currentPage: number;
  readonly totalPage: number;
  readonly items: readonly T[];
}

async function allPages<T>(client: SimClient, path: string): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; ; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const p = await client.data<Page<T>>('GET', `${path}${sep}pageSize=1000&currentPage=${page}`, undefined, true);
    out.push(...p.items);
    if (page >= p.totalPage) return out;
  }
}

function toOrder(o: Record<string, unknown>): VenueOrder {
  return {
    id: String(o['id']),
    clientOid: String(o['clientOid']),
    symbol: String(o['symbol']),
    side: o['side'] === 'buy' ? 'buy' : 'sell',
    size: Number(o['size']),
    filledSize: Number(o['filledSize']),
    reduceOnly: o['reduceOnly'] === true,
    closeOrder: o['closeOrder'] === true,
    stop: String(o['stop'] ?? ''),
    stopTriggered: o['stopTriggered'] === true,
    status: String(o['status']),
  };
}

export async function readVenue(baseUrl: string, creds: Creds): Promise<VenueState> {
  const client = new SimClient(baseUrl, creds);
  try {
    const active = await allPages<Record<string, unknown>>(client, '/api/v1/orders?status=active');
    const done = await allPages<Record<string, unknown>>(client, '/api/v1/orders?status=done');
    const stops = await allPages<Record<string, unknown>>(client, '/api/v1/stopOrders');
    const fills = await allPages<Record<string, unknown>>(client, '/api/v1/fills');
    const positions = await client.data<Record<string, unknown>[]>('GET', '/api/v1/positions', undefined, true);
    const contracts = await client.data<Record<string, unknown>[]>('GET', '/api/v1/contracts/active', undefined, false);
    return {
      orders: [...active, ...done, ...stops].map(toOrder),
      untriggeredStops: stops.map(toOrder),
      fills: fills.map((f) => ({
        tradeId: String(f['tradeId']),
        orderId: String(f['orderId']),
        symbol: String(f['symbol']),
        side: f['side'] === 'buy' ? 'buy' : 'sell',
        price: Number(f['price']),
        size: Number(f['size']),
        fee: Number(f['fee']),
        tradeType: String(f['tradeType']),
        createdAt: Number(f['createdAt']),
      })),
      positions: positions
        .map((p) => ({ symbol: String(p['symbol']), currentQty: Number(p['currentQty']) }))
        .filter((p) => p.currentQty !== 0),
      contracts: new Map(
        contracts.map((c) => [
          String(c['symbol']),
          { symbol: String(c['symbol']), multiplier: Number(c['multiplier']) },
        ]),
      ),
    };
  } finally {
    client.close();
  }
}
