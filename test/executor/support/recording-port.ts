// The real client with a thin recording layer: every order-changing call is logged in order, and a
// test may interpose on placeOrder to model a transport failure (drop the response of a request the
// exchange accepted, or freeze the process mid-request). Everything else goes straight through to
// the simulator over HTTP.
import type { ExchangeResult } from '../../../src/exchange/call-policy.js';
import type { KucoinFuturesClient, PlaceOrderRequest } from '../../../src/exchange/kucoin-futures-client.js';
import type { PlacedOrder } from '../../../src/exchange/schemas/index.js';
import type { ExchangePort } from '../../../src/executor/index.js';

export type Call =
  | { readonly method: 'placeOrder'; readonly request: PlaceOrderRequest }
  | { readonly method: 'cancelOrderById'; readonly orderId: string };

export type PlaceInterceptor = (
  request: PlaceOrderRequest,
  forward: () => Promise<ExchangeResult<PlacedOrder>>,
) => Promise<ExchangeResult<PlacedOrder>>;

export class RecordingPort implements ExchangePort {
  readonly calls: Call[] = [];
  interceptPlace: PlaceInterceptor | undefined;

  constructor(private readonly client: KucoinFuturesClient) {}

  get places(): PlaceOrderRequest[] {
    return this.calls.flatMap((c) => (c.method === 'placeOrder' ? [c.request] : []));
  }

  get entryPlaces(): PlaceOrderRequest[] {
    return this.places.filter((p) => p.stop === undefined && p.reduceOnly !== true);
  }

  get exitPlaces(): PlaceOrderRequest[] {
    return this.places.filter((p) => p.stop === undefined && p.reduceOnly === true);
  }

  get stopPlaces(): PlaceOrderRequest[] {
    return this.places.filter((p) => p.stop !== undefined);
  }

  activeContracts: ExchangePort['activeContracts'] = () => this.client.activeContracts();
  ticker: ExchangePort['ticker'] = (s) => this.client.ticker(s);
  accountOverview: ExchangePort['accountOverview'] = (c) => this.client.accountOverview(c);
  position: ExchangePort['position'] = (s) => this.client.position(s);
  positions: ExchangePort['positions'] = () => this.client.positions();
  orderByClientOid: ExchangePort['orderByClientOid'] = (o) => this.client.orderByClientOid(o);
  orders: ExchangePort['orders'] = (q) => this.client.orders(q);
  untriggeredStopOrders: ExchangePort['untriggeredStopOrders'] = (q) => this.client.untriggeredStopOrders(q);
  fills: ExchangePort['fills'] = (q) => this.client.fills(q);

  placeOrder: ExchangePort['placeOrder'] = (request) => {
    this.calls.push({ method: 'placeOrder', request });
    const forward = (): Promise<ExchangeResult<PlacedOrder>> => this.client.placeOrder(request);
    return this.interceptPlace ? this.interceptPlace(request, forward) : forward();
  };

  cancelOrderById: ExchangePort['cancelOrderById'] = (orderId) => {
    this.calls.push({ method: 'cancelOrderById', orderId });
    return this.client.cancelOrderById(orderId);
  };
}
