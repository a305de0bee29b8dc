import type { Domain, DomainContext } from '../domain.js';

export function registerDomain(_ctx: DomainContext): Domain {
  return {};
}
