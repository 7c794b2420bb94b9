// Builds the official kucoin-universal-sdk REST client pointed at any futures base URL (the
// simulator or KuCoin), with its own retries off and the signature re-stamped from our clock.
import sdk from 'kucoin-universal-sdk';
import type { ApiCredentials } from './credentials.js';
import { signatureHeaders } from './credentials.js';
import type { Clock } from '../resilience/clock.js';

export interface SdkRestOptions {
  readonly baseUrl: string;
  readonly credentials?: ApiCredentials;
  readonly timeoutMs: number;
  /** Wall clock used for KC-API-TIMESTAMP (inject skew in tests, or a server-time offset). */
  readonly clock: Pick<Clock, 'now'>;
}

type TransportOption = ReturnType<sdk.TransportOptionBuilder['build']>;
type Interceptor = NonNullable<TransportOption['interceptors']>[number];
type RequestConfig = Parameters<NonNullable<Interceptor['before']['onFulfilled']>>[0];

// The SDK prints its version on every client and warns about public clients on stdout; our client
// reports every failure itself, so only the SDK's errors are worth its own console lines.
sdk.logger.setGlobalLogger(
  {},
  { level: 'error', format: (level: string, message: string) => `kucoin-universal-sdk ${level}: ${message}` },
);

const AUTH_HEADERS = ['KC-API-KEY', 'KC-API-SIGN', 'KC-API-TIMESTAMP', 'KC-API-PASSPHRASE', 'KC-API-KEY-VERSION'];

/** The path plus raw (un-encoded) query the SDK signs; the URL it sends carries the encoded query. */
function rawPathAndQuery(url: string, baseUrl: string): string {
  const rest = url.startsWith(baseUrl) ? url.slice(baseUrl.length) : new URL(url).pathname + new URL(url).search;
  const q = rest.indexOf('?');
  if (q < 0) return rest;
  const query = rest.slice(q + 1);
  return query === '' ? rest.slice(0, q) : `${rest.slice(0, q)}?${decodeURIComponent(query)}`;
}

function stampingInterceptor(options: SdkRestOptions): Interceptor {
  return {
    before: {
      onFulfilled: (config: RequestConfig) => {
        // The SDK's axios-retry treats maxRetries 0 as "use the default 3" (`retries || 3`), and it
        // retries POSTs on 5xx/timeouts, which can duplicate orders: switch it off per request.
        (config as RequestConfig & { 'axios-retry'?: unknown })['axios-retry'] = { retries: 0 };
        const creds = options.credentials;
        if (!creds) {
          for (const h of AUTH_HEADERS) config.headers.delete(h);
          return config;
        }
        // The SDK signs with Date.now() and always sends key version 3; re-stamp from our clock.
        const body = typeof config.data === 'string' ? config.data : '';
        const path = rawPathAndQuery(config.url ?? '', options.baseUrl);
        const headers = signatureHeaders(
          creds,
          options.clock.now(),
          (config.method ?? 'GET').toUpperCase(),
          path,
          body,
        );
        for (const [name, value] of Object.entries(headers)) config.headers.set(name, value);
        return config;
      },
    },
    after: {},
  };
}

export interface SdkRest {
  readonly market: sdk.Futures.MarketAPI;
  readonly order: sdk.Futures.OrderAPI;
  readonly positions: sdk.Futures.PositionsAPI;
  readonly fundingFees: sdk.Futures.FundingFeesAPI;
  readonly account: ReturnType<
    ReturnType<sdk.DefaultClient['restService']>['getAccountService']
  >['getAccountApi'] extends () => infer A
    ? A
    : never;
}

/**
 * KuCoin serves account-wide calls (the API-key info) on its spot host. The official futures host
 * maps to the official spot host; any other base URL (the simulator, a proxy) serves both itself.
 */
function spotBaseUrl(futuresBaseUrl: string): string {
  const url = new URL(futuresBaseUrl);
  if (url.hostname === 'api-futures.kucoin.com') url.hostname = 'api.kucoin.com';
  return url.toString().replace(/\/+$/, '');
}

export function createSdkRest(options: SdkRestOptions): SdkRest {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const transport = new sdk.TransportOptionBuilder()
    .setTimeout(options.timeoutMs)
    .setKeepAlive(true)
    .setMaxRetries(0)
    // Not addInterceptor(): the builder shallow-copies the SDK defaults, so addInterceptor pushes into
    // the SDK's shared default array and every later client would run every earlier client's hook.
    .setInterceptors([stampingInterceptor({ ...options, baseUrl })])
    .build();
  const builder = new sdk.ClientOptionBuilder()
    .setFuturesEndpoint(baseUrl)
    .setSpotEndpoint(spotBaseUrl(baseUrl))
    .setTransportOption(transport);
  if (options.credentials) {
    builder
      .setKey(options.credentials.key)
      .setSecret(options.credentials.secret)
      .setPassphrase(options.credentials.passphrase);
  }
  const rest = new sdk.DefaultClient(builder.build()).restService();
  const futures = rest.getFuturesService();
  return {
    market: futures.getMarketApi(),
    order: futures.getOrderApi(),
    positions: futures.getPositionsApi(),
    fundingFees: futures.getFundingFeesApi(),
    account: rest.getAccountService().getAccountApi(),
  };
}
