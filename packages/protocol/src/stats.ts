import type { RouteDef } from './routes.js';

// Anonymised statistics and situation picture (Lagebild).
export const statsRouteDefs = {} as const satisfies Record<string, RouteDef>;
