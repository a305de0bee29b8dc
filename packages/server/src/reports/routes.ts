import type { Domain, DomainContext } from '../domain.js';

export function reportsDomain(_ctx: DomainContext): Domain {
  return {};
}
