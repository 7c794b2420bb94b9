// KuCoin Futures return codes the bot and the simulator both speak (docs/ARCHITECTURE.md, "KuCoin facts").
export const KUCOIN_CODES = {
  success: '200000',
  authMissingHeader: '400001',
  authTimestampInvalid: '400002',
  authKeyNotExists: '400003',
  authPassphraseInvalid: '400004',
  authSignatureInvalid: '400005',
  authIpNotAllowed: '400006',
  authAccessDenied: '400007',
  badParameter: '400100',
  orderParamError: '300000',
  systemBusy: '300002',
  balanceNotEnough: '300003',
  noPositionToClose: '300009',
  orderNotCancelable: '100004',
  notFound: '404000',
  rateLimited: '429000',
  internal: '500000',
} as const;

export type KucoinCode = (typeof KUCOIN_CODES)[keyof typeof KUCOIN_CODES];
