import type { Domain, DomainContext } from '../domain.js';

export function statsDomain(_ctx: DomainContext): Domain {
  return {};
}
