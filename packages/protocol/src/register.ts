import type { RouteDef } from './routes.js';

// Melde- und Auskunftsregister (§ 3 BSchG NRW): entries, lookup, access log, Art. 14/15.
export const registerRouteDefs = {} as const satisfies Record<string, RouteDef>;
