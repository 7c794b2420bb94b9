// SIM_PROFILE's values: the market characters the simulator's price paths know (src/simulator/price-path.ts).
export type MarketProfile = 'default' | 'trending' | 'flat';
export const MARKET_PROFILES: readonly MarketProfile[] = ['default', 'trending', 'flat'];
